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
 * {@code export} are for. The section "Writes on protected profiles: approved by, declined" is three more
 * columns, there only when the scope has approvals ({@code call.approval}): how many of the row's calls the
 * user approved and declined, and who approved them (the answering clients, {@code ; }-separated).
 */
final class ReportCsv {
    static final List<String> COLUMNS = List.of("profile", "account_id", "tool", "service", "operation", "mutating",
            "calls", "ok", "errors", "denied", "incomplete", "first_call", "last_call", "refused_profile");
    /** {@link #COLUMNS} and the approvals' three, for a scope that has approvals. */
    static final List<String> COLUMNS_WITH_APPROVALS = java.util.stream.Stream.concat(COLUMNS.stream(),
            java.util.stream.Stream.of("approved", "declined", "approved_by")).toList();

    private ReportCsv() {}

    static String render(Report r) {
        StringBuilder b = new StringBuilder();
        boolean approvals = r.protectedWrites().total() > 0;
        line(b, approvals ? COLUMNS_WITH_APPROVALS : COLUMNS);
        for (ActivityRow a : r.activity()) {
            Counts c = a.counts();
            List<Report.ApprovalRow> asked = r.protectedWrites().rows().stream().filter(w -> sameActivity(a, w)).toList();
            long approved = asked.stream().filter(w -> w.approval().equals("approved")).count();
            long declined = asked.stream().filter(w -> w.approval().equals("declined")).count();
            String approvedBy = String.join("; ", asked.stream().filter(w -> w.approval().equals("approved"))
                    .map(w -> w.client() == null ? "unknown client" : w.client()).distinct().toList());
            List<String> cells = new java.util.ArrayList<>(List.of(s(a.profile()), s(a.accountId()), s(a.tool()),
                    s(a.service()), s(a.operation()), String.valueOf(a.mutating()), String.valueOf(c.calls()),
                    String.valueOf(c.ok()), String.valueOf(c.errors()), String.valueOf(c.denied()),
                    String.valueOf(c.incomplete()), s(a.firstCall()), s(a.lastCall()),
                    a.refusedProfile() == null ? "" : JsonText.quoted(a.refusedProfile())));
            if (approvals) {
                cells.addAll(List.of(String.valueOf(approved), String.valueOf(declined), approvedBy));
            }
            line(b, cells);
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

    /** Whether an approval is of a call counted in this activity row: same profile, account, tool and operation. */
    private static boolean sameActivity(ActivityRow a, Report.ApprovalRow w) {
        String operation = a.service() == null ? "" : a.operation() == null || a.operation().isEmpty() ? a.service()
                : a.service() + " " + a.operation();
        return a.refusedProfile() == null && java.util.Objects.equals(a.profile(), w.profile())
                && java.util.Objects.equals(a.accountId(), w.accountId()) && java.util.Objects.equals(a.tool(), w.tool())
                && operation.equals(w.operation());
    }
}
