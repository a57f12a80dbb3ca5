package dev.mcpaudit.cli.query;

import dev.mcpaudit.cli.AuditCli;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.cli.RowWriter;
import dev.mcpaudit.cli.TimeArgs;
import dev.mcpaudit.cli.TimeRangeOptions;
import dev.mcpaudit.cli.ship.CentralAddress;
import dev.mcpaudit.cli.ship.CentralSchema;
import dev.mcpaudit.cli.ship.CentralSessionQueries;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.query.SessionQueries;
import dev.mcpaudit.schema.query.SessionSummary;
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
        name = "sessions",
        mixinStandardHelpOptions = true,
        description = {"Lists proxy sessions, newest first: time span, the agent (clientInfo), host and user, profiles used, and call counts.",
            "With --since/--until, the sessions active at some time in that range."},
        footer = {"", "Examples:", "  audit-cli sessions", "  audit-cli sessions --since 7d --format json",
            "  audit-cli calls --session 0b6c3a1e-5f7d-7c2a-9e41-2b8f0d6a4c19   # its calls",
            "  audit-cli sessions --source postgresql://reviewer@db.example.com/audit \\",
            "      --since 7d   # every shipped log"})
public final class SessionsCommand implements Callable<Integer> {
    private static final List<String> FIELDS = List.of("session_id", "started_at", "ended_at", "client", "host", "os_user",
            "profiles_used", "refused_profiles", "calls", "errors", "denied", "incomplete", "clean_end", "ended_by");
    private static final List<String> TABLE = List.of("started_at", "ended_at", "client", "profiles_used",
            "refused_profiles", "calls", "errors", "denied", "incomplete", "ended_by", "session_id");
    /** What {@code ended_by} says of a session without a session.ended event. */
    public static final String NO_SESSION_ENDED = "no session.ended: the proxy was killed or lost the log";

    @ParentCommand
    AuditCli parent;

    @Spec
    CommandSpec spec;

    @Mixin
    TimeRangeOptions time;

    @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "At most N sessions (default ${DEFAULT-VALUE}; 0 for all).")
    int limit;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT", description = "table (default), json, jsonl or csv.")
    RowWriter.Format format;

    @Option(names = "--source", paramLabel = "URL",
            description = "Read the central copy (`audit-cli ship`) at postgresql://[user@]host[:port]/db: every shipped log.")
    String source;

    @Override
    public Integer call() throws Exception {
        TimeArgs.Period window = time.period(Instant.now());
        if (source != null) {
            return centralSessions(window);
        }
        try (AuditLog log = parent.openForReading(spec)) {
            List<Map<String, Object>> rows = SessionQueries.sessions(log, window.since(), window.until(), limit).stream()
                    .map(SessionsCommand::row).toList();
            if (rows.isEmpty() && format == RowWriter.Format.table) {
                spec.commandLine().getOut().println("No sessions in " + log.path() + (time.given() ? " in that time range." : "."));
                return ExitCode.OK;
            }
            RowWriter.write(spec.commandLine().getOut(), format, format == RowWriter.Format.table ? TABLE : FIELDS, rows);
        }
        return ExitCode.OK;
    }

    /** The sessions of every shipped log in the central database, each row with its log_id. */
    private int centralSessions(TimeArgs.Period window) throws Exception {
        CentralAddress address = CentralAddress.parse(source, parent.env());
        try (Connection central = address.connect()) {
            central.setReadOnly(true);
            CentralSchema.requireCurrent(central);
            List<Map<String, Object>> rows = CentralSessionQueries.sessions(central, window.since(), window.until(), limit)
                    .stream().map(s -> {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("log_id", s.logId());
                        row.putAll(row(s.session()));
                        return row;
                    }).toList();
            if (rows.isEmpty() && format == RowWriter.Format.table) {
                spec.commandLine().getOut().println("No sessions in " + address.describe()
                        + (time.given() ? " in that time range." : "."));
                return ExitCode.OK;
            }
            List<String> fields = new java.util.ArrayList<>(format == RowWriter.Format.table ? TABLE : FIELDS);
            fields.add(format == RowWriter.Format.table ? fields.size() : 0, "log_id");
            RowWriter.write(spec.commandLine().getOut(), format, fields, rows);
        }
        return ExitCode.OK;
    }

    private static Map<String, Object> row(SessionSummary s) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("session_id", s.sessionId());
        row.put("started_at", s.startedAt());
        row.put("ended_at", s.endedAt());
        row.put("client", s.client());
        row.put("host", s.host());
        row.put("os_user", s.osUser());
        row.put("profiles_used", s.profilesUsed());
        // A JSON array, so that "prod " and "PROD" read as what the agent asked for, not as prod.
        row.put("refused_profiles", s.refusedProfiles());
        row.put("calls", s.calls());
        row.put("errors", s.errors());
        row.put("denied", s.denied());
        row.put("incomplete", s.incomplete());
        row.put("clean_end", s.cleanEnd() ? 1 : 0);
        row.put("ended_by", s.cleanEnd() ? s.endedBy() : NO_SESSION_ENDED);
        return row;
    }
}
