package dev.mcpaudit.cli.ship;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.fixtures.SyntheticCalls;
import dev.mcpaudit.schema.AuditLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged audit-cli ship, killed with SIGKILL at random points while the log grows: after one
 * more run the central copy equals the log, row for row, and verifies. And --follow stops cleanly on
 * SIGTERM.
 */
class ShipKillIT {
    static PostgresServer pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void server() throws Exception {
        pg = PostgresServer.shared();
    }

    private Process shipper(Path db, String database, String... more) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", Path.of("target", "audit-cli.jar").toString(),
                "--db", db.toString(), "ship", "--to", pg.url(PostgresServer.SUPERUSER, database)));
        cmd.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("ship.out").toFile())
                .redirectError(dir.resolve("ship.err").toFile());
        pb.environment().put("PGPASSWORD", PostgresServer.SUPERUSER_PASSWORD);
        return pb.start();
    }

    /** The schema first, so the test can read the central table whenever a shipper is killed. */
    private static void createSchema(String database) {
        assertThat(CliRun.withEnv(PostgresServer.envWithPassword(PostgresServer.SUPERUSER_PASSWORD), "ship", "--to",
                pg.url(PostgresServer.SUPERUSER, database), "--schema-only").exitCode()).isZero();
    }

    @Test
    void twentyKillsAtRandomPointsLoseNothingAndDuplicateNothing() throws Exception {
        String database = pg.createDatabase("ship_kill");
        createSchema(database);
        Path db = dir.resolve("audit.db");
        Random random = new Random(19);
        Instant t = Instant.parse("2026-11-30T20:00:00Z");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            SyntheticCalls.fill(log, 600, 0, t);
        }
        String logId = CentralRows.logId(db);
        int interrupted = 0;
        try (Connection c = pg.superuser(database)) {
            for (int round = 0; round < 20; round++) {
                try (AuditLog log = AuditLog.openForAppend(db)) {
                    t = t.plusSeconds(3600);
                    SyntheticCalls.fill(log, 100, round + 1, t); // the proxy keeps appending between runs
                }
                // Small batches: many transactions, so that a kill lands inside one or between two.
                Process p = shipper(db, database, "--batch", Integer.toString(1 + random.nextInt(8)),
                        random.nextBoolean() ? "--follow" : "--interval=2");
                long before = centralCount(c, logId);
                if (round % 4 == 3) {
                    Thread.sleep(random.nextInt(900)); // anywhere in start-up, connecting or migrating
                } else { // mid-ship: once its first batch has landed, at a random point after
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                    while (p.isAlive() && centralCount(c, logId) == before && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    Thread.sleep(random.nextInt(120));
                }
                p.destroyForcibly(); // SIGKILL
                assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
                long shipped = centralCount(c, logId);
                long local = localCount(db);
                if (shipped > before && shipped < local) {
                    interrupted++;
                }
                System.out.printf("kill round %d: %d of %d events shipped%n", round, shipped, local);
            }
            Process last = shipper(db, database);
            assertThat(last.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(last.exitValue()).as(java.nio.file.Files.readString(dir.resolve("ship.err"))).isZero();
            assertThat(CentralRows.central(c, logId)).isEqualTo(CentralRows.local(db));
        }
        assertThat(interrupted).as("rounds killed with part of the log shipped").isGreaterThan(3);
        CliRun verified = CliRun.withEnv(PostgresServer.envWithPassword(PostgresServer.SUPERUSER_PASSWORD), "verify",
                "--source", pg.url(PostgresServer.SUPERUSER, database), "--log-id", logId);
        assertThat(verified.exitCode()).as(verified.out() + verified.err()).isZero();
    }

    @Test
    void followShipsWhatIsAppendedAndStopsCleanlyOnSigterm() throws Exception {
        String database = pg.createDatabase("ship_follow");
        createSchema(database);
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            SyntheticCalls.fill(log, 50, 7, Instant.parse("2026-11-01T09:00:00Z"));
        }
        String logId = CentralRows.logId(db);
        Process p = shipper(db, database, "--follow", "--interval", "0.2");
        try (Connection c = pg.superuser(database)) {
            awaitCentral(c, logId, CentralRows.local(db).size());
            try (AuditLog log = AuditLog.openForAppend(db)) {
                SyntheticCalls.fill(log, 30, 8, Instant.parse("2026-11-01T10:00:00Z"));
            }
            awaitCentral(c, logId, CentralRows.local(db).size());
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(CentralRows.central(c, logId)).isEqualTo(CentralRows.local(db));
        }
        String err = new String(java.nio.file.Files.readAllBytes(dir.resolve("ship.err")), StandardCharsets.UTF_8);
        assertThat(err).contains("stopped;").doesNotContain("Exception");
        assertThat(p.exitValue()).isIn(0, 143); // 143: the JVM's exit status after SIGTERM, hooks run
    }

    private static long centralCount(Connection c, String logId) throws Exception {
        return ShipIT.count(c, "SELECT count(*) FROM mcp_audit.events WHERE log_id = '" + logId + "'");
    }

    private static long localCount(Path db) {
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            return log.head().map(h -> h.seq()).orElse(0L);
        }
    }

    private static void awaitCentral(Connection c, String logId, int rows) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (centralCount(c, logId) < rows) {
            assertThat(System.nanoTime()).as("central copy reaches " + rows + " rows").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

}
