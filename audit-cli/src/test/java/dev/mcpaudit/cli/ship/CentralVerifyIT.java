package dev.mcpaudit.cli.ship;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.fixtures.SyntheticCalls;
import dev.mcpaudit.schema.AuditLog;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify --source: the central copy re-hashed by the local verifier's rules, and what only it can lose. */
class CentralVerifyIT {
    static PostgresServer pg;
    static final Map<String, String> ENV = PostgresServer.envWithPassword(PostgresServer.SUPERUSER_PASSWORD);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void server() throws Exception {
        pg = PostgresServer.shared();
    }

    /** A log with a checkpoint event in it, shipped; returns its log id. */
    private String shippedLogWithCheckpoint(Path db, Path key, String database) {
        try (AuditLog log = AuditLog.openForAppend(db)) {
            SyntheticCalls.fill(log, 80, 11, Instant.parse("2026-11-03T09:00:00Z"));
        }
        assertThat(CliRun.of("keygen", "--key", key.toString()).exitCode()).isZero();
        assertThat(CliRun.of("--db", db.toString(), "checkpoint", "--key", key.toString(), "--out",
                dir.resolve("cp").toString()).exitCode()).isZero();
        try (AuditLog log = AuditLog.openForAppend(db)) {
            SyntheticCalls.fill(log, 10, 12, Instant.parse("2026-11-03T12:00:00Z"));
        }
        CliRun shipped = CliRun.withEnv(ENV, "--db", db.toString(), "ship", "--to", pg.url("postgres", database));
        assertThat(shipped.exitCode()).as(shipped.err()).isZero();
        return CentralRows.logId(db);
    }

    private CliRun verifySource(String database, String... more) {
        String[] args = new String[3 + more.length];
        args[0] = "verify";
        args[1] = "--source";
        args[2] = pg.url("postgres", database);
        System.arraycopy(more, 0, args, 3, more.length);
        return CliRun.withEnv(ENV, args);
    }

    @Test
    void theCentralCopyVerifiesAsTheLocalLogDoesAndAnEditedRowIsCaught() throws Exception {
        String database = pg.createDatabase("verify_central");
        Path db = dir.resolve("audit.db");
        Path key = dir.resolve("k");
        String logId = shippedLogWithCheckpoint(db, key, database);

        JsonNode local = JSON.readTree(CliRun.of("--db", db.toString(), "verify", "--public-key", key + ".pub",
                "--format", "json").out());
        CliRun central = verifySource(database, "--log-id", logId, "--public-key", key + ".pub", "--format", "json");
        assertThat(central.exitCode()).as(central.err()).isZero();
        JsonNode one = JSON.readTree(central.out()).path("logs").path(0);
        for (String field : new String[] {"log_id", "intact", "events_checked", "first_seq", "last_seq", "first_time",
                "last_time", "checkpoint_events", "problems", "notices"}) {
            assertThat(one.path(field)).as(field).isEqualTo(local.path(field));
        }
        assertThat(verifySource(database).out()).contains("1 log checked, 1 intact.");

        pg.execute(database, "UPDATE mcp_audit.events SET time = '2026-11-03T09:00:09.000Z' WHERE log_id = '" + logId
                + "' AND seq = 7");
        CliRun edited = verifySource(database, "--log-id", logId);

        assertThat(edited.exitCode()).isEqualTo(1);
        assertThat(edited.out()).contains("seq 7 INVALID (edited)").contains("1 log checked, 0 intact.");
        CliRun report = CliRun.withEnv(ENV, "report", "--source", pg.url("postgres", database), "--format", "json");
        assertThat(report.exitCode()).as(report.err()).isEqualTo(1); // written, but the chain does not verify
        assertThat(JSON.readTree(report.out()).path("verification").path("intact").asBoolean()).isFalse();
    }

    @Test
    void aCentralChainCutShortOfItsNewestShippedCheckpointIsReported() throws Exception {
        String database = pg.createDatabase("verify_truncated");
        Path db = dir.resolve("audit.db");
        String logId = shippedLogWithCheckpoint(db, dir.resolve("k"), database);
        long checkpointEvent;
        try (var c = pg.superuser(database); var st = c.createStatement();
                var rs = st.executeQuery("SELECT event_seq FROM mcp_audit.checkpoints")) {
            rs.next();
            checkpointEvent = rs.getLong(1);
        }
        // Someone with write access removes the newest rows, the checkpoint event among them: the chain
        // that is left is still a chain.
        pg.execute(database, "DELETE FROM mcp_audit.events WHERE log_id = '" + logId + "' AND seq >= "
                + (checkpointEvent - 2));

        CliRun run = verifySource(database);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("INVALID (truncated)").contains("the central chain ends at seq "
                + (checkpointEvent - 3)).contains("were removed from the central copy");
    }
}
