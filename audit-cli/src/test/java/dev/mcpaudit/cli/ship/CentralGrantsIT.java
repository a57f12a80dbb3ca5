package dev.mcpaudit.cli.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.fixtures.SyntheticCalls;
import dev.mcpaudit.schema.AuditLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's GRANTs, run as written: the shipper can only add rows, the reviewer can only read. */
class CentralGrantsIT {
    static PostgresServer pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void server() throws Exception {
        pg = PostgresServer.shared();
    }

    static String readmeGrants() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int marker = readme.indexOf("<!-- central-grants -->");
        assertThat(marker).as("README marks its GRANTs with <!-- central-grants -->").isPositive();
        int start = readme.indexOf("```sql\n", marker) + "```sql\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    @Test
    void theShipperOnlyAddsRowsAndTheReviewerOnlyReads() throws Exception {
        String database = pg.createDatabase("grants");
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            SyntheticCalls.fill(log, 40, 21, Instant.parse("2026-11-30T23:50:00Z"));
        }
        Map<String, String> owner = PostgresServer.envWithPassword(PostgresServer.SUPERUSER_PASSWORD);
        assertThat(CliRun.withEnv(owner, "--db", db.toString(), "ship", "--to", pg.url("postgres", database),
                "--schema-only").exitCode()).isZero();
        pg.execute(database, "DROP ROLE IF EXISTS audit_shipper; DROP ROLE IF EXISTS audit_reviewer;");
        pg.execute(database, readmeGrants());
        pg.execute(database, "ALTER ROLE audit_shipper PASSWORD 'ship-secret'; ALTER ROLE audit_reviewer PASSWORD"
                + " 'review-secret'");

        // The shipper ships, across a month boundary: it makes December's partition through ensure_month.
        CliRun shipped = CliRun.withEnv(Map.of("PGPASSWORD", "ship-secret"), "--db", db.toString(), "ship", "--to",
                pg.url("audit_shipper", database), "--batch", "25");
        assertThat(shipped.exitCode()).as(shipped.err()).isZero();
        assertThat(CliRun.withEnv(Map.of("PGPASSWORD", "ship-secret"), "--db", db.toString(), "ship", "--to",
                pg.url("audit_shipper", database)).out()).startsWith("Nothing to ship");
        try (Connection shipper = pg.connect("audit_shipper", "ship-secret", database)) {
            assertRefused(shipper, "UPDATE mcp_audit.events SET payload = '{}' WHERE seq = 1");
            assertRefused(shipper, "DELETE FROM mcp_audit.events WHERE seq = 1");
            assertRefused(shipper, "TRUNCATE mcp_audit.events");
            assertRefused(shipper, "DELETE FROM mcp_audit.checkpoints");
            assertRefused(shipper, "SELECT payload FROM mcp_audit.events LIMIT 1");
        }

        CliRun reviewed = CliRun.withEnv(Map.of("PGPASSWORD", "review-secret"), "verify", "--source",
                pg.url("audit_reviewer", database));
        assertThat(reviewed.exitCode()).as(reviewed.out() + reviewed.err()).isZero();
        try (Connection reviewer = pg.connect("audit_reviewer", "review-secret", database)) {
            assertRefused(reviewer, "INSERT INTO mcp_audit.logs (log_id) VALUES ('" + "0".repeat(32) + "')");
            assertRefused(reviewer, "UPDATE mcp_audit.events SET payload = '{}' WHERE seq = 1");
            assertRefused(reviewer, "DELETE FROM mcp_audit.events");
            assertRefused(reviewer, "SELECT mcp_audit.ensure_month('2030-01-01')");
        }
        CliRun reviewerShips = CliRun.withEnv(Map.of("PGPASSWORD", "review-secret"), "--db", db.toString(), "ship",
                "--to", pg.url("audit_reviewer", database));
        assertThat(reviewerShips.exitCode()).isNotZero();
    }

    private static void assertRefused(Connection c, String sql) {
        assertThatThrownBy(() -> {
            try (Statement st = c.createStatement()) {
                st.execute(sql);
            }
        }).as(sql).isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
    }
}
