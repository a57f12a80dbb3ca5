package dev.mcpaudit.cli.report;

import dev.mcpaudit.schema.writes.WriteRules;
import dev.mcpaudit.cli.CallScopeOptions;
import dev.mcpaudit.cli.TimeArgs;
import dev.mcpaudit.cli.ship.CentralAddress;
import dev.mcpaudit.cli.ship.CentralCallQueries;
import dev.mcpaudit.cli.ship.CentralReportCalls;
import dev.mcpaudit.cli.ship.CentralSchema;
import dev.mcpaudit.cli.verify.CentralVerification;
import dev.mcpaudit.schema.Checkpoint;
import dev.mcpaudit.schema.VerificationReport;
import dev.mcpaudit.schema.query.CallFilter;
import java.security.PublicKey;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code report --source}: the report of a scope across every log shipped to a central PostgreSQL.
 * Everything is read in one REPEATABLE READ snapshot: the central chain of each log with calls in
 * scope is verified by the same verifier as locally (and against the newest checkpoint shipped for
 * it), and the report is computed from the same snapshot's rows, so what is reported was verified.
 */
final class CentralReport {
    private CentralReport() {}

    static Report build(CentralAddress address, CallScopeOptions scope, TimeArgs.Period period, Checkpoint checkpoint,
            PublicKey key, boolean verify, int maxListed, String generatedAt) throws Exception {
        try (Connection central = address.connect()) {
            CentralSchema.requireCurrent(central);
            central.setAutoCommit(false);
            central.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                CentralCallQueries sessions = new CentralCallQueries(central, WriteRules.RECORDED_CALLS);
                CallFilter filter = scope.filter(address.describe(), sessions::sessionIdsStartingWith, period, null, null,
                        false);
                Report.Scope reportScope = new Report.Scope(scope.profile(), scope.account(), filter.session(),
                        period.storedSince(), period.storedUntil(), filter.describe());
                try (CentralReportCalls calls = CentralReportCalls.open(central, filter)) {
                    List<String> logs = calls.logIds();
                    if (checkpoint != null && !logs.contains(checkpoint.logId())) {
                        throw new IllegalArgumentException("the checkpoint is for log " + checkpoint.logId()
                                + ", which has no calls in this scope in " + address.describe() + ".");
                    }
                    List<VerificationReport> verified = new ArrayList<>();
                    if (verify) {
                        for (String logId : logs) {
                            Checkpoint given = checkpoint != null && checkpoint.logId().equals(logId) ? checkpoint : null;
                            verified.add(CentralVerification.verify(central, logId, given, key));
                        }
                    }
                    Report built = new ReportBuilder("postgresql " + address.describe(),
                            logs.size() + (logs.size() == 1 ? " log: " : " logs: ") + String.join(", ", logs), filter,
                            maxListed).build(calls, reportScope, generatedAt);
                    return built.withVerification(!verify ? ReportBuilder.notVerified()
                            : ReportBuilder.verification(CentralVerification.combine(verified, checkpoint),
                                    built.lastCall()));
                }
            } finally {
                central.rollback();
            }
        }
    }
}
