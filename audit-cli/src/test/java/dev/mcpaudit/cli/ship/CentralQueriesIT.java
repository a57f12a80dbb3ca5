package dev.mcpaudit.cli.ship;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.fixtures.SyntheticCalls;
import dev.mcpaudit.schema.AuditLog;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** calls and sessions with --source: every shipped log, row for row what each log says of itself. */
class CentralQueriesIT {
    static PostgresServer pg;
    static final Map<String, String> ENV = PostgresServer.envWithPassword(PostgresServer.SUPERUSER_PASSWORD);
    static final ObjectMapper JSON = new ObjectMapper();
    static String database;
    static Path[] logs;

    @TempDir
    static Path dir;

    @BeforeAll
    static void twoShippedLogs() throws Exception {
        pg = PostgresServer.shared();
        database = pg.createDatabase("central_queries");
        logs = new Path[] {dir.resolve("alice.db"), dir.resolve("bob.db")};
        for (int i = 0; i < logs.length; i++) {
            try (AuditLog log = AuditLog.openForAppend(logs[i])) {
                SyntheticCalls.fill(log, 150, 40 + i, Instant.parse("2026-11-0" + (2 + i) + "T09:00:00Z"));
            }
            CliRun shipped = CliRun.withEnv(ENV, "--db", logs[i].toString(), "ship", "--to", pg.url("postgres", database));
            assertThat(shipped.exitCode()).as(shipped.err()).isZero();
        }
    }

    private static List<JsonNode> local(String command, String... filters) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        for (Path db : logs) {
            List<String> args = new ArrayList<>(List.of("--db", db.toString(), command, "--limit", "0", "--format", "json"));
            args.addAll(List.of(filters));
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertThat(run.exitCode()).as(run.err()).isZero();
            JSON.readTree(run.out()).forEach(rows::add);
        }
        return rows;
    }

    private static List<JsonNode> central(String command, String... filters) throws Exception {
        List<String> args = new ArrayList<>(List.of(command, "--source", pg.url("postgres", database), "--limit", "0",
                "--format", "json"));
        args.addAll(List.of(filters));
        CliRun run = CliRun.withEnv(ENV, args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<JsonNode> rows = new ArrayList<>();
        JSON.readTree(run.out()).forEach(r -> {
            assertThat(r.path("log_id").asText()).hasSize(32);
            ((ObjectNode) r).remove("log_id");
            rows.add(r);
        });
        return rows;
    }

    @Test
    void callsAcrossLogsAreEachLogsOwnCalls() throws Exception {
        assertThat(central("calls")).hasSize(300).containsExactlyInAnyOrderElementsOf(local("calls"));
        for (String[] filter : new String[][] {{"--account", "444455556666"}, {"--profile", "prod", "--writes"},
                {"--outcome", "denied"}, {"--tool", "aws___run_*"}, {"--since", "2026-11-03T00:00Z"}}) {
            List<JsonNode> expected = local("calls", filter);
            assertThat(central("calls", filter)).as(String.join(" ", filter)).isNotEmpty()
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
        CliRun table = CliRun.withEnv(ENV, "calls", "--source", pg.url("postgres", database), "--limit", "3");
        assertThat(table.out().lines().findFirst().orElseThrow()).contains("log_id");
    }

    @Test
    void aReportAcrossLogsCountsWhatEachLogsOwnReportCountsAndVerifiesEachChain() throws Exception {
        for (String[] scope : new String[][] {{"--account", "444455556666", "--since", "2026-11-01", "--format", "json"},
                {"--profile", "prod", "--format", "json"}}) {
            reportAcrossLogs(scope);
        }
    }

    private static void reportAcrossLogs(String[] scope) throws Exception {
        long calls = 0;
        long mutating = 0;
        long denied = 0;
        long events = 0;
        for (Path db : logs) {
            List<String> args = new ArrayList<>(List.of("--db", db.toString(), "report"));
            args.addAll(List.of(scope));
            JsonNode local = JSON.readTree(CliRun.of(args.toArray(String[]::new)).out());
            calls += local.path("totals").path("calls").asLong();
            mutating += local.path("totals").path("mutating").asLong();
            denied += local.path("totals").path("denied").asLong();
            events += local.path("verification").path("events_checked").asLong();
        }
        List<String> args = new ArrayList<>(List.of("report", "--source", pg.url("postgres", database)));
        args.addAll(List.of(scope));
        CliRun run = CliRun.withEnv(ENV, args.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode central = JSON.readTree(run.out());
        assertThat(calls).isPositive();
        assertThat(central.path("totals").path("calls").asLong()).isEqualTo(calls);
        assertThat(central.path("totals").path("mutating").asLong()).isEqualTo(mutating);
        assertThat(central.path("totals").path("denied").asLong()).isEqualTo(denied);
        assertThat(central.path("mutating_calls").path("total").asLong()).isEqualTo(mutating);
        assertThat(central.path("verification").path("intact").asBoolean()).isTrue();
        assertThat(central.path("verification").path("events_checked").asLong()).isEqualTo(events);
        assertThat(central.path("log_id").asText()).startsWith("2 logs: ");
    }

    @Test
    void aReportAcrossLogsRendersAsMarkdown() {
        CliRun markdown = CliRun.withEnv(ENV, "report", "--source", pg.url("postgres", database), "--account",
                "444455556666", "--since", "2026-11-01");
        assertThat(markdown.exitCode()).isZero();
        assertThat(markdown.out()).contains("444455556666");
    }

    @Test
    void sessionsAcrossLogsAreEachLogsOwnSessions() throws Exception {
        List<JsonNode> central = central("sessions");
        List<JsonNode> local = local("sessions");
        assertThat(central).hasSize(2);
        for (JsonNode s : local) {
            JsonNode match = central.stream().filter(c -> c.path("session_id").equals(s.path("session_id"))).findFirst()
                    .orElseThrow();
            for (String field : new String[] {"started_at", "ended_at", "calls", "errors", "denied", "incomplete",
                    "clean_end", "ended_by", "host", "os_user", "client"}) {
                assertThat(match.path(field)).as(field).isEqualTo(s.path(field));
            }
            assertThat(List.of(match.path("profiles_used").asText().split(",")))
                    .containsExactlyInAnyOrder(s.path("profiles_used").asText().split(","));
        }
    }
}
