package dev.mcpaudit.cli.report;

import dev.mcpaudit.cli.RowWriter;
import dev.mcpaudit.cli.report.Report.ActivityRow;
import dev.mcpaudit.cli.report.Report.Counts;
import dev.mcpaudit.cli.JsonText;
import java.util.List;

/**
 * The report's activity table as CSV (RFC 4180 quoting): one row per profile, account, tool and
 * operation, with its outcome counts, whether it mutates, and its first and last call; denied attempts
 * with a refused {@code aws_profile} value have their profile empty and the value, JSON-quoted so that
 * case and whitespace show, in {@code refused_profile}. Per-call rows are what {@code calls --format csv} and
 * {@code export} are for.
 */
final class ReportCsv {
    static final List<String> COLUMNS = List.of("profile", "account_id", "tool", "service", "operation", "mutating",
            "calls", "ok", "errors", "denied", "incomplete", "first_call", "last_call", "refused_profile");

    private ReportCsv() {}

    static String render(Report r) {
        StringBuilder b = new StringBuilder();
        line(b, COLUMNS);
        for (ActivityRow a : r.activity()) {
            Counts c = a.counts();
            line(b, List.of(s(a.profile()), s(a.accountId()), s(a.tool()), s(a.service()), s(a.operation()),
                    String.valueOf(a.mutating()), String.valueOf(c.calls()), String.valueOf(c.ok()),
                    String.valueOf(c.errors()), String.valueOf(c.denied()), String.valueOf(c.incomplete()),
                    s(a.firstCall()), s(a.lastCall()), a.refusedProfile() == null ? "" : JsonText.quoted(a.refusedProfile())));
        }
        return b.toString();
    }

    private static void line(StringBuilder b, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(RowWriter.csv(cells.get(i)));
        }
        b.append('\n');
    }

    private static String s(String v) {
        return v == null ? "" : v;
    }
}
