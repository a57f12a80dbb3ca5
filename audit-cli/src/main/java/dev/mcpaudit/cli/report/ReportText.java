package dev.mcpaudit.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.cli.report.Report.CallRow;
import dev.mcpaudit.cli.report.Report.Verification;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** Wording shared by the human-readable renderers (markdown and HTML), before their own escaping. */
final class ReportText {
    /** Longest argument text shown in markdown and HTML; JSON carries it whole. */
    static final int MAX_ARGS = 400;

    /** Under the accounts table: what the error, mutating and denied counts mean. */
    static final String COUNTS_NOTE = "Errors are tool errors, failures, timeouts and cancellations. Mutating calls"
            + " may have changed something in AWS (every operation that is not a read, and every script); denied"
            + " attempts never reached AWS.";

    private ReportText() {}

    /** "… and 3 more mutating calls not listed (raise --max-listed, or use --format json)." */
    static String notListed(long notListed, String what) {
        return "… and " + n(notListed) + " more " + what + " not listed (raise --max-listed, or use --format json).";
    }

    /** "log 6f1c…", or what a file the proxy never wrote to has instead of an id. */
    static String logName(Report r) {
        return r.logId() == null ? "never written, no log id yet" : "log " + r.logId();
    }

    static String title(Report r) {
        return "Audit report: " + r.scope().description();
    }

    static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    /** "no calls" or "1,234 calls from … to …". */
    static String period(Report r) {
        if (r.empty()) {
            return "no calls";
        }
        return n(r.totals().calls()) + (r.totals().calls() == 1 ? " call" : " calls") + " from " + r.firstCall()
                + " to " + r.lastCall();
    }

    /** One-line verdict: "intact" / "NOT intact" / "not verified". */
    static String verdict(Verification v) {
        if (!v.performed()) {
            return "not verified";
        }
        return v.intact() ? "intact" : "NOT intact";
    }

    /** What was checked and against what, in sentences. */
    static String verificationDetail(Verification v) {
        if (!v.performed()) {
            return "The chain was not verified (--no-verify); run `audit-cli verify` before relying on this report.";
        }
        StringBuilder b = new StringBuilder();
        if (v.eventsChecked() == 0) {
            b.append("The log has no events.");
        } else {
            b.append("Checked all ").append(n(v.eventsChecked())).append(" events of the log, seq ")
                    .append(v.firstSeq()).append(" to ").append(v.lastSeq()).append(" (").append(v.firstTime())
                    .append(" to ").append(v.lastTime()).append("): ");
            String purges = v.purges() == 0 ? "" : " (" + n(v.purges()) + (v.purges() == 1 ? " payload" : " payloads")
                    + " purged with `audit-cli purge`: notices, not problems)";
            b.append(v.intact() ? "0 problems" + purges + ", the chain is intact."
                    : n(v.problemsTotal()) + (v.problemsTotal() == 1 ? " problem" : " problems")
                            + " found" + purges + ", the chain is NOT intact: this report may not show what happened.");
        }
        if (v.checkpoint() != null) {
            b.append(" Against checkpoint seq ").append(v.checkpoint().seq()).append(", signed ")
                    .append(v.checkpoint().signedAt()).append(" with key ").append(v.checkpoint().keyId()).append('.');
        } else {
            b.append(" No checkpoint given: removal of the newest events cannot be detected"
                    + " (see `audit-cli checkpoint --help`).");
        }
        if (!v.coversPeriod()) {
            b.append(" Some reported calls are newer than the verified range (appended while the report ran).");
        }
        return b.toString();
    }

    /**
     * The arguments as one line: a single text argument ({@code cli_command}, {@code script}) as
     * itself, anything else as compact JSON; whitespace runs become one space; cut at {@link #MAX_ARGS}.
     */
    static String args(CallRow c) {
        JsonNode a = c.args();
        String s;
        if (a == null || a.isNull() || a.isMissingNode()) {
            s = "";
        } else if (a.isTextual()) {
            s = a.asText(); // arguments replaced by a purge marker
        } else if (a.isObject() && a.size() == 1 && singleValue(a).isTextual()) {
            s = singleValue(a).asText();
        } else {
            s = a.toString();
        }
        s = s.replaceAll("\\s+", " ").strip();
        if (s.length() > MAX_ARGS) {
            int cut = MAX_ARGS;
            if (Character.isHighSurrogate(s.charAt(cut - 1))) {
                cut--;
            }
            s = s.substring(0, cut) + "… (" + n(s.length() - cut) + " more characters)";
        }
        return s;
    }

    private static JsonNode singleValue(JsonNode object) {
        Iterator<Map.Entry<String, JsonNode>> it = object.fields();
        return it.next().getValue();
    }

    /** "/args, /result of call.requested seq 12" */
    static String purged(Report.PurgeRow p) {
        return String.join(", ", p.pointers()) + " of " + p.type() + " seq " + p.seq();
    }

    /** "s3api put-bucket-policy", else the tool. */
    static String what(CallRow c) {
        return c.operation() != null && !c.operation().isEmpty() ? c.operation() : orDash(c.tool());
    }

    /** A bucket start as a short label: "2026-11-01 09:00", "2026-11-01", "week of 2026-10-26". */
    static String bucketLabel(String start, String unit) {
        return switch (unit) {
            case "hour" -> start.substring(0, 10) + " " + start.substring(11, 16);
            case "day" -> start.substring(0, 10);
            default -> "week of " + start.substring(0, 10);
        };
    }

    static String unitPlural(String unit) {
        return unit.equals("hour") ? "per hour" : unit.equals("day") ? "per day" : "per week";
    }
}
