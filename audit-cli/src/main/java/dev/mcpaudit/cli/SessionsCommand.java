package dev.mcpaudit.cli;

import dev.mcpaudit.schema.AuditLog;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "sessions",
        mixinStandardHelpOptions = true,
        description = "Lists proxy sessions, newest first: time span, the agent (clientInfo), host and user, profiles used, and call counts.",
        footer = {"", "Examples:", "  audit-cli sessions", "  audit-cli sessions --since 7d --format json",
            "  audit-cli calls --session <session_id>   (the calls of one session)"})
final class SessionsCommand implements Callable<Integer> {
    private static final List<String> FIELDS = List.of("session_id", "started_at", "ended_at", "client", "host", "os_user",
            "profiles_used", "calls", "errors", "denied", "incomplete", "clean_end");
    private static final List<String> TABLE = List.of("started_at", "ended_at", "client", "profiles_used", "calls",
            "errors", "denied", "incomplete", "session_id");

    @ParentCommand
    AuditCli parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--since", paramLabel = "TIME", description = "Sessions active from this time (ISO-8601 or relative such as 7d).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Sessions active before this time.")
    String until;

    @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "At most N sessions (default ${DEFAULT-VALUE}; 0 for all).")
    int limit;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT", description = "table (default), json, jsonl or csv.")
    RowWriter.Format format;

    @Override
    public Integer call() throws Exception {
        CallFilter window = CallsCommand.filter(null, null, null, null, null, since, until, false);
        String sql = """
                WITH s AS (
                  SELECT session_id, min(time) AS started_at, max(time) AS ended_at,
                         max(CASE WHEN type = 'session.ended' THEN 1 ELSE 0 END) AS clean_end
                  FROM events GROUP BY session_id),
                c AS (
                  SELECT session_id, count(*) AS calls,
                         sum(outcome IN ('error', 'tool_error', 'timeout')) AS errors,
                         sum(outcome = 'denied') AS denied, sum(outcome = 'incomplete') AS incomplete,
                         group_concat(DISTINCT profile) AS profiles_used
                  FROM calls GROUP BY session_id)
                SELECT s.session_id, s.started_at, s.ended_at,
                       (SELECT json_extract(payload, '$.client_info.name') || ' ' || coalesce(json_extract(payload, '$.client_info.version'), '')
                          FROM events WHERE session_id = s.session_id AND type = 'client.initialized' LIMIT 1) AS client,
                       (SELECT json_extract(payload, '$.host') FROM events WHERE session_id = s.session_id AND type = 'session.started' LIMIT 1) AS host,
                       (SELECT json_extract(payload, '$.os_user') FROM events WHERE session_id = s.session_id AND type = 'session.started' LIMIT 1) AS os_user,
                       c.profiles_used, coalesce(c.calls, 0) AS calls, coalesce(c.errors, 0) AS errors,
                       coalesce(c.denied, 0) AS denied, coalesce(c.incomplete, 0) AS incomplete, s.clean_end
                FROM s LEFT JOIN c ON c.session_id = s.session_id
                WHERE (?1 IS NULL OR s.ended_at >= ?1) AND (?2 IS NULL OR s.started_at < ?2)
                ORDER BY s.started_at DESC""" + (limit > 0 ? " LIMIT " + limit : "");
        try (AuditLog log = parent.openForReading(spec); CallsDb db = new CallsDb(log)) {
            java.util.ArrayList<Object> params = new java.util.ArrayList<>();
            params.add(window.since() == null ? null : TimeArgs.stored(window.since()));
            params.add(window.until() == null ? null : TimeArgs.stored(window.until()));
            List<Map<String, Object>> rows = db.query(sql, params);
            if (rows.isEmpty() && format == RowWriter.Format.table) {
                spec.commandLine().getOut().println("No sessions in " + log.path() + (since != null || until != null ? " in that time range." : "."));
                return ExitCode.OK;
            }
            RowWriter.write(spec.commandLine().getOut(), format, format == RowWriter.Format.table ? TABLE : FIELDS, rows);
        }
        return ExitCode.OK;
    }
}
