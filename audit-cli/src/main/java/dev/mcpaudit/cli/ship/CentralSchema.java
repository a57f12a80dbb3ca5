package dev.mcpaudit.cli.ship;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The central schema {@code mcp_audit}, created and migrated by its own versioned migrations
 * ({@code central/V<n>__*.sql}), each applied once, in order, in one transaction under an advisory
 * lock, and recorded in {@code mcp_audit.schema_migrations}. A schema newer than this audit-cli
 * knows is refused.
 */
public final class CentralSchema {
    /** The migrations, in order; version n is the n-th. */
    static final List<String> MIGRATIONS = List.of("V1__central_events.sql");
    public static final int VERSION = MIGRATIONS.size();
    private static final long MIGRATION_LOCK = 0x4D434150_00000001L; // "MCAP", 1

    private CentralSchema() {}

    /**
     * Applies the migrations {@code c}'s database lacks, and returns the version it then has. A role
     * that may not create (a shipper, a reviewer) gets an error naming what to run instead.
     */
    public static int migrate(Connection c) throws SQLException {
        requireUtf8(c);
        int current = version(c);
        if (current > VERSION) {
            throw new CentralException("the central schema mcp_audit is at version " + current + ", newer than this"
                    + " audit-cli knows (" + VERSION + "): upgrade audit-cli.");
        }
        if (current == VERSION) {
            return current;
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
            current = version(c); // another shipper may have migrated while this one waited
            if (current < VERSION) {
                if (current == 0) {
                    st.execute("CREATE SCHEMA IF NOT EXISTS mcp_audit");
                    st.execute("CREATE TABLE mcp_audit.schema_migrations (version integer PRIMARY KEY,"
                            + " script text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
                }
                for (int v = current + 1; v <= VERSION; v++) {
                    st.execute(script(MIGRATIONS.get(v - 1)));
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO mcp_audit.schema_migrations (version, script) VALUES (?, ?)")) {
                        ps.setInt(1, v);
                        ps.setString(2, MIGRATIONS.get(v - 1));
                        ps.executeUpdate();
                    }
                }
            }
            c.commit();
            return VERSION;
        } catch (SQLException e) {
            c.rollback();
            if ("42501".equals(e.getSQLState())) { // insufficient_privilege
                throw new CentralException("the central schema mcp_audit is at version " + current + " and needs"
                        + " version " + VERSION + ", which this role may not create: run `audit-cli ship --to URL"
                        + " --schema-only` once as the schema's owner (README: the GRANTs).");
            }
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /** The version the database has: 0 without the schema. */
    public static int version(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT to_regclass('mcp_audit.schema_migrations') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return 0;
            }
        }
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM mcp_audit.schema_migrations")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Readers (verify, calls, sessions, report) need the schema as this audit-cli knows it. */
    public static void requireCurrent(Connection c) throws SQLException {
        int v = version(c);
        if (v == 0) {
            throw new CentralException("this database has no central audit schema (mcp_audit): nothing was shipped"
                    + " to it yet (audit-cli ship --to URL).");
        }
        if (v != VERSION) {
            throw new CentralException("the central schema mcp_audit is at version " + v + " but this audit-cli"
                    + " reads version " + VERSION + (v < VERSION ? ": run audit-cli ship to migrate it." : ": upgrade audit-cli."));
        }
    }

    private static void requireUtf8(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW server_encoding")) {
            rs.next();
            if (!rs.getString(1).equals("UTF8")) {
                throw new CentralException("the central database's encoding is " + rs.getString(1) + "; payloads are"
                        + " UTF-8 and must be kept byte for byte: create the database with ENCODING 'UTF8'.");
            }
        }
    }

    static String script(String name) {
        try (InputStream in = CentralSchema.class.getResourceAsStream("/central/" + name)) {
            if (in == null) {
                throw new IllegalStateException("migration " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
