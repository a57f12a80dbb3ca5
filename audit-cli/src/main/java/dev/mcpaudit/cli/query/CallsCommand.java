package dev.mcpaudit.cli.query;

import dev.mcpaudit.cli.AuditCli;
import dev.mcpaudit.schema.writes.WriteRules;
import dev.mcpaudit.cli.CallScopeOptions;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.cli.JsonText;
import dev.mcpaudit.cli.RowWriter;
import dev.mcpaudit.cli.TimeArgs;
import dev.mcpaudit.cli.ship.CentralAddress;
import dev.mcpaudit.cli.ship.CentralCallQueries;
import dev.mcpaudit.cli.ship.CentralSchema;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.query.Approval;
import dev.mcpaudit.schema.query.ApprovalQueries;
import dev.mcpaudit.schema.query.CallFilter;
import dev.mcpaudit.schema.query.CallQueries;
import dev.mcpaudit.schema.query.CallRecord;
import java.sql.Connection;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "calls",
        aliases = "ls",
        mixinStandardHelpOptions = true,
        description = {
            "Lists recorded calls, newest first, one row per call with its outcome.",
            "Rows come from the calls read model; the outcome is ok, tool_error, error, timeout, cancelled,",
            "denied, or incomplete when the proxy stopped before the answer."
        },
        footer = {
            "",
            "Examples:",
            "  audit-cli calls --profile prod --since 24h",
            "  audit-cli ls --writes --account 777788889999 --limit 20",
            "  audit-cli calls --outcome denied --format json | jq '.[].args'",
            "  audit-cli calls --tool 'aws___*' --since 2026-11-01 --until 2026-12-01 \\",
            "      --format csv > november.csv",
            "  audit-cli calls --source postgresql://reviewer@db.example.com/audit \\",
            "      --account 444455556666 --since 7d   # every shipped log",
            "",
            "JSON, JSON Lines and CSV fields are the calls read model's names (see README): call_id, session_id,",
            "started_at, ended_at, duration_ms, profile, account_id, account_source, region, service, tool, args,",
            "args_fingerprint, outcome, error, result_sha256, result; and refused_profile: for a call denied because",
            "its aws_profile value is not an allowed profile, that value (profile is then empty; table and CSV show",
            "it JSON-quoted, so \"prod \" and \"PROD\" do not read as prod); approval: for a write on a",
            "--confirm-writes profile, approved, declined or unasked (see show for who and why). With --source,",
            "log_id too; approval is not read from the central copy."
        })
public final class CallsCommand implements Callable<Integer> {
    static final List<String> FIELDS = List.of("call_id", "session_id", "started_at", "ended_at", "duration_ms", "profile",
            "account_id", "account_source", "region", "service", "tool", "args", "args_fingerprint", "outcome", "error",
            "result_sha256", "result", "refused_profile", "approval");
    private static final List<String> TABLE = List.of("started_at", "profile", "account_id", "tool", "outcome",
            "duration_ms", "args", "call_id");
    /** The table with a column for refused aws_profile values, used when a listed call has one. */
    private static final List<String> TABLE_WITH_REFUSED = List.of("started_at", "profile", "refused_profile",
            "account_id", "tool", "outcome", "duration_ms", "args", "call_id");

    @ParentCommand
    AuditCli parent;

    @Spec
    CommandSpec spec;

    @Mixin
    CallScopeOptions scope;

    @Option(names = "--tool", paramLabel = "NAME|GLOB", description = "Only calls to this tool, e.g. aws___call_aws or 'aws___*'.")
    String tool;

    @Option(names = "--outcome", paramLabel = "OUTCOME",
            description = "Only calls with this outcome: ok, tool_error, error, timeout, cancelled, denied, incomplete.")
    String outcome;

    @Option(names = "--writes", description = "Only mutating calls: AWS CLI operations that are not reads (describe, list, get, …) and every run_script.")
    boolean writes;

    @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "At most N calls, newest first (default ${DEFAULT-VALUE}; 0 for all).")
    int limit;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT", description = "table (default), json, jsonl or csv.")
    RowWriter.Format format;

    @Option(names = "--source", paramLabel = "URL",
            description = "Read the central copy (`audit-cli ship`) at postgresql://[user@]host[:port]/db: every shipped log.")
    String source;

    @Override
    public Integer call() throws Exception {
        if (limit < 0) {
            throw new IllegalArgumentException("--limit must be 0 (all) or more, got " + limit + ".");
        }
        TimeArgs.Period period = scope.time().period(Instant.now());
        if (source != null) {
            return centralCalls(period);
        }
        try (AuditLog log = parent.openForReading(spec)) {
            CallFilter filter = scope.filter(log, period, tool, outcome, writes);
            List<CallRecord> calls = new CallQueries(log, WriteRules.RECORDED_CALLS).calls(filter, limit);
            boolean table = format == RowWriter.Format.table;
            // JSON escapes a value by itself; text formats show it JSON-quoted so whitespace can be seen.
            boolean quote = table || format == RowWriter.Format.csv;
            Map<String, Approval> approvals = new ApprovalQueries(log).byCallId();
            List<Map<String, Object>> rows = calls.stream().map(c -> row(c, quote, approvals.get(c.callId()))).toList();
            if (rows.isEmpty() && format == RowWriter.Format.table) {
                spec.commandLine().getOut().println("No calls match (" + filter.describe() + ") in " + log.path() + ".");
                return ExitCode.OK;
            }
            boolean anyRefused = calls.stream().anyMatch(CallRecord::profileRefused);
            List<String> columns = anyRefused ? TABLE_WITH_REFUSED : TABLE;
            if (calls.stream().anyMatch(c -> approvals.containsKey(c.callId()))) {
                columns = new java.util.ArrayList<>(columns);
                columns.add(columns.indexOf("outcome") + 1, "approval"); // only when a listed call was asked
            }
            RowWriter.write(spec.commandLine().getOut(), format, table ? columns : FIELDS, rows);
        }
        return ExitCode.OK;
    }

    /** The calls of every shipped log in the central database, each row with its log_id. */
    private int centralCalls(TimeArgs.Period period) throws Exception {
        CentralAddress address = CentralAddress.parse(source, parent.env());
        try (Connection central = address.connect()) {
            central.setReadOnly(true);
            CentralSchema.requireCurrent(central);
            CentralCallQueries queries = new CentralCallQueries(central, WriteRules.RECORDED_CALLS);
            CallFilter filter = scope.filter(address.describe(), queries::sessionIdsStartingWith, period, tool, outcome,
                    writes);
            List<CentralCallQueries.CentralCall> calls = queries.calls(filter, limit);
            boolean table = format == RowWriter.Format.table;
            boolean quote = table || format == RowWriter.Format.csv;
            if (calls.isEmpty() && table) {
                spec.commandLine().getOut().println("No calls match (" + filter.describe() + ") in " + address.describe() + ".");
                return ExitCode.OK;
            }
            List<Map<String, Object>> rows = calls.stream().map(c -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("log_id", c.logId());
                row.putAll(row(c.call(), quote, null));
                return row;
            }).toList();
            boolean anyRefused = calls.stream().anyMatch(c -> c.call().profileRefused());
            List<String> fields = new java.util.ArrayList<>(table ? (anyRefused ? TABLE_WITH_REFUSED : TABLE) : FIELDS);
            fields.add(table ? fields.size() : 0, "log_id");
            RowWriter.write(spec.commandLine().getOut(), format, fields, rows);
        }
        return ExitCode.OK;
    }

    /**
     * A call as a row named by the calls view's columns, the names of every format's fields; a refused
     * aws_profile value goes to {@code refused_profile}, never {@code profile} (JSON-quoted when
     * {@code quote}, so whitespace and case show).
     */
    static Map<String, Object> row(CallRecord c, boolean quote, Approval approval) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("call_id", c.callId());
        row.put("session_id", c.sessionId());
        row.put("started_at", c.startedAt());
        row.put("ended_at", c.endedAt());
        row.put("duration_ms", c.durationMs());
        row.put("profile", c.profileRefused() ? null : c.profile());
        row.put("account_id", c.accountId());
        row.put("account_source", c.accountSource());
        row.put("region", c.region());
        row.put("service", c.service());
        row.put("tool", c.tool());
        row.put("args", c.args());
        row.put("args_fingerprint", c.argsFingerprint());
        row.put("outcome", c.outcome());
        row.put("error", c.error());
        row.put("result_sha256", c.resultSha256());
        row.put("result", c.result());
        row.put("refused_profile", !c.profileRefused() ? null : quote ? JsonText.quoted(c.profile()) : c.profile());
        row.put("approval", approval == null ? null : approval.shown());
        return row;
    }
}
