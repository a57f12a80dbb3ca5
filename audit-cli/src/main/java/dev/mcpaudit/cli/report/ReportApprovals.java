package dev.mcpaudit.cli.report;

import dev.mcpaudit.cli.JsonText;
import dev.mcpaudit.cli.TimeArgs;
import dev.mcpaudit.cli.report.Report.ApprovalRow;
import dev.mcpaudit.cli.report.Report.Listing;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.query.Approval;
import dev.mcpaudit.schema.query.ApprovalQueries;
import dev.mcpaudit.schema.query.CallFilter;
import dev.mcpaudit.schema.writes.AwsOperation;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The report's section "Writes on protected profiles: approved by, declined": every {@code call.approval}
 * in scope, read with its own small query (approvals are few), apart from the rest of the report.
 */
final class ReportApprovals {
    static final String TITLE = "Writes on protected profiles: approved by, declined";
    static final String NOTE = "Writes on --confirm-writes profiles and the user's decision, asked through the"
            + " agent (call.approval): approved calls were sent, declined ones were not (also listed as denied)."
            + " \"unasked\": the client could not be asked and --confirm-fallback allow let the call through.";

    private ReportApprovals() {}

    /** The approvals in the report's scope (time, profile, account, session), oldest first, at most {@code max} listed. */
    static Listing<ApprovalRow> of(AuditLog log, CallFilter scope, TimeArgs.Period period, int max) throws SQLException {
        List<ApprovalRow> rows = new ArrayList<>();
        long total = 0;
        for (Approval a : new ApprovalQueries(log).between(period.storedSince(), period.storedUntil())) {
            if ((scope.profile() != null && !scope.profile().equals(a.profile()))
                    || (scope.account() != null && !scope.account().equals(a.accountId()))
                    || (scope.session() != null && !scope.session().equals(a.sessionId()))) {
                continue;
            }
            total++;
            if (rows.size() < max) {
                var args = JsonText.parseArgs(a.args());
                String operation = AwsOperation.ofCall(a.tool(), args).map(AwsOperation::name).orElse("");
                rows.add(new ApprovalRow(a.time(), a.profile(), a.accountId(), a.tool(), operation, args, a.shown(),
                        a.decision(), a.client(), a.reason(), a.answerMs(), a.callId()));
            }
        }
        return new Listing<>(total, rows);
    }

    /** "approved by claude-code 2.1", "declined by …", "unasked". */
    static String who(ApprovalRow r) {
        if (r.approval().equals("unasked")) {
            return "unasked";
        }
        String how = r.approval() + (r.decision().equals("accept") || r.decision().equals("decline") ? ""
                : " (" + r.decision() + ")");
        return r.client() == null ? how : how + " by " + r.client();
    }
}
