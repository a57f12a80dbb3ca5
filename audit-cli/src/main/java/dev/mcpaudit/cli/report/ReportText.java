package dev.mcpaudit.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.cli.TimeArgs;
import dev.mcpaudit.cli.report.Report.CallRow;
import dev.mcpaudit.cli.report.Report.Verification;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
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
        return args(c.args());
    }

    /** The same for arguments on their own (an approval's). */
    static String args(JsonNode a) {
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

    /** Longest script shown as a code block in HTML; JSON carries it whole. */
    static final int MAX_SCRIPT = 8_000;

    /**
     * The code of an {@code aws___run_script} call, as recorded (redacted), line breaks kept, cut at
     * {@link #MAX_SCRIPT}; null for other calls and for arguments that hold no script text.
     */
    static String script(CallRow c) {
        JsonNode a = c.args();
        if (!dev.mcpaudit.schema.writes.AwsOperation.RUN_SCRIPT.equals(c.tool()) || a == null || !a.isObject()) {
            return null;
        }
        JsonNode code = a.has("script") ? a.get("script") : a.size() == 1 ? singleValue(a) : null;
        if (code == null || !code.isTextual()) {
            return null;
        }
        String s = code.asText();
        return s.length() <= MAX_SCRIPT ? s : s.substring(0, MAX_SCRIPT) + "\n… (" + n(s.length() - MAX_SCRIPT)
                + " more characters)";
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
            case "minute", "hour" -> start.substring(0, 10) + " " + start.substring(11, 16);
            case "day" -> start.substring(0, 10);
            default -> "week of " + start.substring(0, 10);
        };
    }

    static String unitPlural(String unit) {
        return "per " + unit;
    }

    /**
     * The span a timeline covers, from the start of its first bucket to the end of its last: "from 14:00
     * to 15:00 UTC on 2026-12-05" within one day, else "from 2026-11-01 09:00 to 2026-11-03 10:00 UTC"
     * (times left out for days and weeks).
     */
    static String timelineSpan(Report.Timeline t) {
        List<Report.Bucket> buckets = t.buckets();
        if (buckets.isEmpty()) {
            return "no calls";
        }
        Instant from = Instant.parse(buckets.get(0).start());
        Instant to = Instant.parse(buckets.get(buckets.size() - 1).start()).plus(switch (t.unit()) {
            case "minute" -> Duration.ofMinutes(1);
            case "hour" -> Duration.ofHours(1);
            case "day" -> Duration.ofDays(1);
            default -> Duration.ofDays(7);
        });
        String a = TimeArgs.stored(from);
        String b = TimeArgs.stored(to);
        boolean timed = t.unit().equals("minute") || t.unit().equals("hour");
        if (!timed) {
            // The last day or week shown is the one the end falls in; say its first day, not the next one.
            return "from " + a.substring(0, 10) + " to " + TimeArgs.stored(to.minus(Duration.ofDays(1))).substring(0, 10)
                    + " (UTC), " + (t.unit().equals("day") ? "days" : "weeks starting Monday");
        }
        String lastDay = TimeArgs.stored(to.minusMillis(1)).substring(0, 10);
        if (a.substring(0, 10).equals(lastDay)) {
            String end = b.substring(0, 10).equals(lastDay) ? b.substring(11, 16) : "24:00"; // ends at midnight
            return "from " + a.substring(11, 16) + " to " + end + " UTC on " + a.substring(0, 10);
        }
        return "from " + a.substring(0, 10) + " " + a.substring(11, 16) + " to " + b.substring(0, 10) + " "
                + b.substring(11, 16) + " UTC";
    }

    /** "also 2 denied attempts that asked for a look-alike of prod: "PROD", "prod "", or null when none. */
    static String lookAlikes(Report r) {
        List<Report.RefusedProfileRow> l = r.lookAlikes();
        if (l.isEmpty()) {
            return null;
        }
        long n = l.stream().mapToLong(Report.RefusedProfileRow::attempts).sum();
        return "including " + n(n) + (n == 1 ? " denied attempt" : " denied attempts") + " that asked for a look-alike of "
                + r.scope().profile() + ": " + String.join(", ", l.stream().map(Report.RefusedProfileRow::quoted).toList())
                + " (refused aws_profile values, differing from it only in case or surrounding whitespace)";
    }

    /**
     * Under the accounts table when refused aws_profile values were tried: why the total's denials
     * exceed the profiles' ("The total includes 3 denied attempts …"), else null.
     */
    static String refusedInTotal(Report r) {
        long n = r.refusedProfiles().stream().mapToLong(Report.RefusedProfileRow::attempts).sum();
        if (n == 0) {
            return null;
        }
        return "The total includes " + n(n) + (n == 1 ? " denied attempt" : " denied attempts")
                + " that asked for a refused aws_profile value (below); no profile row counts "
                + (n == 1 ? "it." : "them.");
    }

    /** What the refused values section says before its table. */
    static final String REFUSED_NOTE = "Values an agent gave as aws_profile that are not among its session's allowed"
            + " profiles; each was refused and never reached AWS. Shown as JSON strings, so that case and whitespace show;"
            + " they are not profiles and are not counted under any profile.";
}
