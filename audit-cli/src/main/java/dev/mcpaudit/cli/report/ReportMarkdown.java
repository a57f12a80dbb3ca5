package dev.mcpaudit.cli.report;

import static dev.mcpaudit.cli.report.ReportText.n;
import static dev.mcpaudit.cli.report.ReportText.orDash;

import dev.mcpaudit.cli.report.Report.AccountRow;
import dev.mcpaudit.cli.report.Report.Bucket;
import dev.mcpaudit.cli.report.Report.CallRow;
import dev.mcpaudit.cli.report.Report.Counts;
import dev.mcpaudit.cli.report.Report.Listing;
import dev.mcpaudit.cli.report.Report.OperationRow;
import dev.mcpaudit.cli.report.Report.Problem;
import dev.mcpaudit.cli.report.Report.PurgeRow;
import dev.mcpaudit.cli.report.Report.RefusedProfileRow;
import dev.mcpaudit.cli.report.Report.ServiceRow;
import dev.mcpaudit.cli.report.Report.SessionRow;
import dev.mcpaudit.cli.report.Report.Verification;
import java.util.List;

/** The report as GitHub-flavoured markdown: readable in a terminal, renders as tables anywhere. */
final class ReportMarkdown {
    private static final int BAR = 40;

    private ReportMarkdown() {}

    static String render(Report r) {
        StringBuilder b = new StringBuilder();
        b.append("# ").append(esc(ReportText.title(r))).append("\n\n");
        b.append("| | |\n|---|---|\n");
        row(b, "Scope", esc(r.scope().description()));
        row(b, "Calls", esc(ReportText.period(r)));
        row(b, "Log", esc(r.database()) + " (" + ReportText.logName(r) + ")");
        row(b, "Generated", r.generatedAt());
        row(b, "Chain", "**" + ReportText.verdict(r.verification()) + "**");
        b.append('\n');

        if (r.empty()) {
            b.append("**").append(esc(r.noCallsMessage())).append(".**\n\n");
        }

        verification(b, r.verification());
        if (r.empty()) {
            return b.toString();
        }

        b.append("## Accounts and profiles\n\n");
        b.append("| profile | account | calls | ok | errors | denied | incomplete | mutating | first call | last call |\n");
        b.append("|---|---|--:|--:|--:|--:|--:|--:|---|---|\n");
        for (AccountRow a : r.accounts()) {
            b.append("| ").append(esc(orDash(a.profile()))).append(" | ").append(esc(orDash(a.accountId())))
                    .append(" | ").append(counts(a.counts())).append(" | ").append(a.firstCall()).append(" | ")
                    .append(a.lastCall()).append(" |\n");
        }
        b.append("| **total** | | ").append(counts(r.totals())).append(" | ").append(r.firstCall()).append(" | ")
                .append(r.lastCall()).append(" |\n\n");
        b.append(ReportText.COUNTS_NOTE).append("\n\n");
        if (ReportText.refusedInTotal(r) != null) {
            b.append(ReportText.refusedInTotal(r)).append("\n\n");
        }
        refusedProfiles(b, r.refusedProfiles());

        sessions(b, r.sessions());

        b.append("## AWS services\n\n");
        if (r.services().isEmpty()) {
            b.append("No AWS CLI operations in scope.\n\n");
        } else {
            b.append("| service | operations | calls | ok | errors | denied | incomplete | mutating |\n");
            b.append("|---|--:|--:|--:|--:|--:|--:|--:|\n");
            for (ServiceRow s : r.services()) {
                b.append("| ").append(esc(s.service())).append(" | ").append(s.operations()).append(" | ")
                        .append(counts(s.counts())).append(" |\n");
            }
            b.append('\n');
        }

        b.append("## Operations and tools\n\n");
        b.append("| operation | mutating | calls | ok | errors | denied | incomplete | profiles |\n");
        b.append("|---|---|--:|--:|--:|--:|--:|---|\n");
        for (OperationRow o : r.operations()) {
            Counts c = o.counts();
            b.append("| ").append(code(o.label())).append(" | ").append(o.mutating() ? "yes" : "no").append(" | ")
                    .append(n(c.calls())).append(" | ").append(n(c.ok())).append(" | ").append(n(c.errors()))
                    .append(" | ").append(n(c.denied())).append(" | ").append(n(c.incomplete())).append(" | ")
                    .append(esc(String.join(", ", o.profiles()))).append(" |\n");
        }
        b.append('\n');

        b.append("## Timeline (calls ").append(ReportText.unitPlural(r.timeline().unit())).append(", UTC)\n\n");
        b.append("Calls ").append(ReportText.unitPlural(r.timeline().unit())).append(' ')
                .append(ReportText.timelineSpan(r.timeline())).append(".\n\n");
        long max = Math.max(1, r.timeline().maxTotal());
        b.append("| ").append(r.timeline().unit()).append(" | ok | errors | denied | incomplete | total | |\n");
        b.append("|---|--:|--:|--:|--:|--:|---|\n");
        for (Bucket k : r.timeline().buckets()) {
            b.append("| ").append(ReportText.bucketLabel(k.start(), r.timeline().unit())).append(" | ")
                    .append(n(k.ok())).append(" | ").append(n(k.errors())).append(" | ").append(n(k.denied()))
                    .append(" | ").append(n(k.incomplete())).append(" | ").append(n(k.total())).append(" | ")
                    .append(bar(k, max)).append(" |\n");
        }
        b.append("\nBars: `█` ok, `▓` errors, `▒` denied, `░` incomplete.\n\n");

        calls(b, "Mutating calls", r.mutatingCalls(), false, null);
        calls(b, "Denied attempts", r.deniedCalls(), true, ReportText.lookAlikes(r));
        purges(b, r.purges());
        protectedWrites(b, r.protectedWrites());
        return b.toString();
    }

    /** Only when the scope has approvals: a log without --confirm-writes has none. */
    private static void protectedWrites(StringBuilder b, Listing<Report.ApprovalRow> writes) {
        if (writes.total() == 0) {
            return;
        }
        b.append("## ").append(ReportApprovals.TITLE).append(" (").append(n(writes.total())).append(")\n\n");
        b.append(esc(ReportApprovals.NOTE)).append("\n\n");
        b.append("| time | profile | account | operation | arguments | decision | reason | answered in | call |\n")
                .append("|---|---|---|---|---|---|---|--:|---|\n");
        for (Report.ApprovalRow w : writes.rows()) {
            b.append("| ").append(w.time()).append(" | ").append(esc(orDash(w.profile()))).append(" | ")
                    .append(esc(orDash(w.accountId()))).append(" | ")
                    .append(code(w.operation().isEmpty() ? w.tool() : w.operation())).append(" | ")
                    .append(code(ReportText.args(w.args()))).append(" | ").append(esc(ReportApprovals.who(w)))
                    .append(" | ").append(esc(orDash(w.reason()))).append(" | ")
                    .append(w.answerMs() == null ? "–" : n(w.answerMs().longValue()) + " ms").append(" | ")
                    .append(code(w.callId())).append(" |\n");
        }
        more(b, writes.notListed(), "approvals");
        b.append('\n');
    }

    /** Refused aws_profile values, on their own: never profiles. */
    private static void refusedProfiles(StringBuilder b, List<RefusedProfileRow> refused) {
        if (refused.isEmpty()) {
            return;
        }
        b.append("## Refused aws_profile values (").append(refused.size()).append(")\n\n");
        b.append(ReportText.REFUSED_NOTE).append("\n\n");
        b.append("| value asked for | denied attempts | first attempt | last attempt |\n|---|--:|---|---|\n");
        for (RefusedProfileRow p : refused) {
            b.append("| ").append(code(p.quoted())).append(" | ").append(n(p.attempts())).append(" | ")
                    .append(p.firstAttempt()).append(" | ").append(p.lastAttempt()).append(" |\n");
        }
        b.append('\n');
    }

    private static void purges(StringBuilder b, Listing<PurgeRow> purges) {
        b.append("## Purged payloads (").append(n(purges.total())).append(")\n\n");
        if (purges.total() == 0) {
            b.append("None.\n\n");
            return;
        }
        b.append("Values removed from the log with `audit-cli purge`; each purge is itself recorded in the chain.\n\n");
        b.append("| purged at | by | what | call | reason | record |\n|---|---|---|---|---|--:|\n");
        for (PurgeRow p : purges.rows()) {
            b.append("| ").append(p.time()).append(" | ").append(esc(orDash(p.osUser()))).append(" | ")
                    .append(code(ReportText.purged(p))).append(" | ").append(code(p.callId())).append(" | ")
                    .append(esc(orDash(p.reason()))).append(" | seq ").append(p.purgeSeq()).append(" |\n");
        }
        more(b, purges.notListed(), "purges");
        b.append('\n');
    }

    private static void verification(StringBuilder b, Verification v) {
        b.append("## Chain verification: ").append(ReportText.verdict(v)).append("\n\n");
        // Our own sentences (times, numbers, key ids): the `commands` in them are meant as code.
        b.append(ReportText.verificationDetail(v)).append("\n\n");
        if (!v.problems().isEmpty()) {
            b.append("| seq | problem | detail |\n|--:|---|---|\n");
            for (Problem p : v.problems()) {
                b.append("| ").append(p.seq()).append(" | ").append(esc(p.kind())).append(" | ")
                        .append(esc(p.detail())).append(" |\n");
            }
            if (v.problemsTotal() > v.problems().size()) {
                b.append("\n… and ").append(n(v.problemsTotal() - v.problems().size()))
                        .append(" more; `audit-cli verify` lists them all.\n");
            }
            b.append('\n');
        }
    }

    private static void sessions(StringBuilder b, Listing<SessionRow> sessions) {
        b.append("## Sessions (who)\n\n");
        b.append("| session | agent | host | user | proxy | calls | first call | last call | end |\n");
        b.append("|---|---|---|---|---|--:|---|---|---|\n");
        for (SessionRow s : sessions.rows()) {
            b.append("| ").append(code(s.sessionId())).append(" | ").append(esc(orDash(s.clientLabel()))).append(" | ")
                    .append(esc(orDash(s.host()))).append(" | ").append(esc(orDash(s.osUser()))).append(" | ")
                    .append(esc(orDash(s.proxyVersion()))).append(" | ").append(n(s.calls())).append(" | ")
                    .append(s.firstCall()).append(" | ").append(s.lastCall()).append(" | ")
                    .append(s.cleanEnd() ? esc(s.end()) : "**" + esc(s.end()) + "**").append(" |\n");
        }
        more(b, sessions.notListed(), "sessions");
        b.append('\n');
    }

    /** {@code note}: a sentence under the heading (the look-alikes a profile scope took in), or null. */
    private static void calls(StringBuilder b, String title, Listing<CallRow> calls, boolean denied, String note) {
        b.append("## ").append(title).append(" (").append(n(calls.total())).append(")\n\n");
        if (note != null) {
            b.append(esc(note.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + note.substring(1))).append(".\n\n");
        }
        if (calls.total() == 0) {
            b.append("None.\n\n");
            return;
        }
        if (!calls.rows().isEmpty()) {
            b.append(denied ? "| time | profile asked for | account | operation | reason | arguments |\n"
                    : "| time | profile | account | region | operation | outcome | arguments |\n");
            b.append(denied ? "|---|---|---|---|---|---|\n" : "|---|---|---|---|---|---|---|\n");
        }
        for (CallRow c : calls.rows()) {
            b.append("| ").append(c.time()).append(" | ")
                    .append(c.profileRefused() ? code(c.profileLabel()) : esc(orDash(c.profile()))).append(" | ")
                    .append(esc(orDash(c.accountId()))).append(" | ");
            if (!denied) {
                b.append(esc(orDash(c.region()))).append(" | ");
            }
            b.append(code(ReportText.what(c))).append(" | ");
            if (denied) {
                b.append(esc(orDash(c.detail())));
            } else {
                b.append(esc(orDash(c.outcome())));
                if (c.detail() != null) {
                    b.append(": ").append(esc(c.detail().replaceAll("\\s+", " ")));
                }
            }
            b.append(" | ").append(code(ReportText.args(c))).append(" |\n");
        }
        more(b, calls.notListed(), title.toLowerCase(java.util.Locale.ROOT));
        b.append('\n');
    }

    private static void more(StringBuilder b, long notListed, String what) {
        if (notListed > 0) {
            b.append('\n').append(ReportText.notListed(notListed, what)).append('\n');
        }
    }

    private static String counts(Counts c) {
        return String.join(" | ", List.of(n(c.calls()), n(c.ok()), n(c.errors()), n(c.denied()), n(c.incomplete()),
                n(c.mutating())));
    }

    private static String bar(Bucket k, long max) {
        StringBuilder s = new StringBuilder();
        long[] parts = {k.ok(), k.errors(), k.denied(), k.incomplete()};
        String[] glyphs = {"█", "▓", "▒", "░"};
        for (int i = 0; i < parts.length; i++) {
            long w = parts[i] == 0 ? 0 : Math.max(1, Math.round((double) parts[i] * BAR / max));
            s.append(glyphs[i].repeat((int) w));
        }
        return s.toString();
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    /** Text in a table cell: markdown punctuation escaped, one line. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\', '|', '*', '_', '`', '<', '[', ']' -> b.append('\\').append(ch);
                case '\n', '\r', '\t' -> b.append(' ');
                default -> b.append(ch);
            }
        }
        return b.toString();
    }

    /** A code span that survives backticks and pipes in the text; "-" when empty. */
    static String code(String s) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        String one = s.replaceAll("[\\r\\n\\t]", " ").replace("|", "\\|");
        int longest = 0;
        int run = 0;
        for (int i = 0; i < one.length(); i++) {
            run = one.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(longest + 1);
        boolean pad = one.startsWith("`") || one.endsWith("`") || one.startsWith(" ") || one.endsWith(" ");
        return fence + (pad ? " " + one + " " : one) + fence;
    }
}
