package dev.mcpaudit.cli.ship;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.fixtures.SyntheticCalls;
import dev.mcpaudit.schema.AuditLog;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** audit-cli ship against a real PostgreSQL 15: what it copies, and what it refuses. */
class ShipIT {
    static PostgresServer pg;
    static final Map<String, String> ENV = PostgresServer.envWithPassword(PostgresServer.SUPERUSER_PASSWORD);

    @TempDir
    Path dir;

    @BeforeAll
    static void server() throws Exception {
        pg = PostgresServer.shared();
    }

    private CliRun ship(Path db, String database, String... more) {
        String[] args = new String[4 + more.length];
        args[0] = "--db";
        args[1] = db.toString();
        args[2] = "ship";
        args[3] = "--to=" + pg.url(PostgresServer.SUPERUSER, database);
        System.arraycopy(more, 0, args, 4, more.length);
        return CliRun.withEnv(ENV, args);
    }

    @Test
    void shipsEveryColumnUnchangedThenOnlyWhatIsNewAndNothingTwice() throws Exception {
        String database = pg.createDatabase("ship_basic");
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            SyntheticCalls.fill(log, 300, 1, Instant.parse("2026-10-30T22:00:00Z")); // spans two months
        }
        Path key = dir.resolve("audit.key");
        assertThat(CliRun.of("keygen", "--key", key.toString()).exitCode()).isZero();
        assertThat(CliRun.of("--db", db.toString(), "checkpoint", "--key", key.toString(), "--out",
                dir.resolve("cp").toString()).exitCode()).isZero();

        CliRun first = ship(db, database, "--batch", "97");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("Shipped " + CentralRows.local(db).size() + " events");
        String logId = CentralRows.logId(db);
        try (Connection c = pg.superuser(database)) {
            assertThat(CentralRows.central(c, logId)).isEqualTo(CentralRows.local(db));
            assertThat(count(c, "SELECT count(*) FROM mcp_audit.checkpoints")).isEqualTo(1);
            assertThat(count(c, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'mcp_audit.events'::regclass"))
                    .as("a partition for October and one for November").isEqualTo(2);
        }

        CliRun again = ship(db, database);
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).startsWith("Nothing to ship:").contains("up to seq " + CentralRows.local(db).size());

        try (AuditLog log = AuditLog.openForAppend(db)) {
            SyntheticCalls.fill(log, 120, 2, Instant.parse("2026-12-01T10:00:00Z"));
        }
        CliRun more = ship(db, database);
        assertThat(more.exitCode()).as(more.err()).isZero();
        try (Connection c = pg.superuser(database)) {
            assertThat(CentralRows.central(c, logId)).isEqualTo(CentralRows.local(db));
            assertThat(count(c, "SELECT count(*) FROM mcp_audit.calls WHERE log_id = '" + logId + "'"))
                    .isEqualTo(420);
        }
    }

    @Test
    void aLogThatDivergedFromItsCentralCopyIsRefusedAndNothingIsOverwritten() throws Exception {
        String database = pg.createDatabase("ship_diverged");
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            SyntheticCalls.fill(log, 20, 3, Instant.parse("2026-11-01T09:00:00Z"));
        }
        assertThat(ship(db, database).exitCode()).isZero();
        String logId = CentralRows.logId(db);
        pg.execute(database, "UPDATE mcp_audit.events SET hash = repeat('a', 64) WHERE log_id = '" + logId
                + "' AND seq = (SELECT max(seq) FROM mcp_audit.events WHERE log_id = '" + logId + "')");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            SyntheticCalls.fill(log, 5, 4, Instant.parse("2026-11-02T09:00:00Z"));
        }

        CliRun refused = ship(db, database);

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("diverged").contains("Nothing was shipped");
        try (Connection c = pg.superuser(database)) {
            assertThat(CentralRows.central(c, logId)).hasSizeLessThan(CentralRows.local(db).size());
        }
    }

    @Test
    void aPasswordOnTheCommandLineIsRefusedBeforeAnythingConnects() {
        Path db = dir.resolve("audit.db");
        CliRun run = CliRun.withEnv(Map.of(), "--db", db.toString(), "ship", "--to",
                "postgresql://postgres:hunter2@127.0.0.1:" + pg.port() + "/postgres");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("holds a password").contains("PGPASSWORD").doesNotContain("hunter2");
    }

    @Test
    void thePasswordComesFromPgpassWhenPgpasswordIsUnset() throws Exception {
        String database = pg.createDatabase("ship_pgpass");
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            SyntheticCalls.fill(log, 5, 5, Instant.parse("2026-11-01T09:00:00Z"));
        }
        Path pgpass = dir.resolve("pgpass");
        java.nio.file.Files.writeString(pgpass, "127.0.0.1:" + pg.port() + ":*:postgres:" + PostgresServer.SUPERUSER_PASSWORD + "\n");
        java.nio.file.Files.setPosixFilePermissions(pgpass, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String before = System.getProperty("org.postgresql.pgpassfile");
        System.setProperty("org.postgresql.pgpassfile", pgpass.toString()); // the driver's PGPASSFILE, in-process
        try {
            CliRun run = CliRun.withEnv(Map.of(), "--db", db.toString(), "ship", "--to",
                    pg.url(PostgresServer.SUPERUSER, database));
            assertThat(run.exitCode()).as(run.err()).isZero();
        } finally {
            if (before == null) {
                System.clearProperty("org.postgresql.pgpassfile");
            } else {
                System.setProperty("org.postgresql.pgpassfile", before);
            }
        }
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
