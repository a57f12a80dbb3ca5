package dev.mcpaudit.schema;

import dev.mcpaudit.schema.SchemaProblem.Kind;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compares a log's schema (its tables, indexes, triggers and views in {@code sqlite_master}) with
 * what the migrations of its schema version define. The chain covers the events, not the schema
 * around them: dropped triggers let rows be changed without an error, and a rewritten {@code calls}
 * view can hide calls from every listing while each event still verifies.
 *
 * <p>Definitions are compared as SQLite stores them, with runs of whitespace made one space (line
 * ends differ between checkouts). SQLite's own objects ({@code sqlite_*}: automatic indexes,
 * statistics tables from ANALYZE) are not compared.
 */
public final class SchemaCheck {
    /** The expected objects per schema version, name to definition; built once from the migrations. */
    private static final Map<Integer, Map<String, SchemaObject>> EXPECTED = new ConcurrentHashMap<>();

    private SchemaCheck() {}

    private record SchemaObject(String type, String name, String sql) {}

    /** Every difference between the log's schema and its version's, in a stable order; empty when none. */
    public static List<SchemaProblem> check(AuditLog log) {
        int version;
        Map<String, SchemaObject> actual;
        try (Connection c = log.openReader()) {
            c.setAutoCommit(false); // one snapshot for the version and the objects
            try {
                version = userVersion(c);
                actual = objects(c);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw SqliteErrors.explain(log.path(), "read its schema", e);
        }
        return compare(version, expected(version), actual);
    }

    private static List<SchemaProblem> compare(int version, Map<String, SchemaObject> expected, Map<String, SchemaObject> actual) {
        List<SchemaProblem> problems = new ArrayList<>();
        String defines = "schema version " + version + " defines";
        for (SchemaObject want : expected.values()) {
            SchemaObject have = actual.get(want.name());
            if (have == null) {
                problems.add(new SchemaProblem(want.type(), want.name(), Kind.MISSING, want.type() + " " + want.name()
                        + " is missing: " + defines + " it and mcp-audit-proxy never drops it, so someone did"
                        + consequence(want)));
            } else if (!have.type().equals(want.type()) || !normalized(have.sql()).equals(normalized(want.sql()))) {
                problems.add(new SchemaProblem(want.type(), want.name(), Kind.ALTERED, want.type() + " " + want.name()
                        + (have.type().equals(want.type()) ? "" : " is now a " + have.type() + " and")
                        + " differs from the one " + defines + ": it was rewritten" + consequence(want)));
            }
        }
        for (SchemaObject extra : actual.values()) {
            if (!expected.containsKey(extra.name())) {
                problems.add(new SchemaProblem(extra.type(), extra.name(), Kind.UNEXPECTED, extra.type() + " "
                        + extra.name() + " is not part of " + "schema version " + version
                        + ": it was added outside mcp-audit-proxy"));
            }
        }
        return problems;
    }

    /** What a reader should know about a missing or rewritten object of this kind. */
    private static String consequence(SchemaObject o) {
        return switch (o.type()) {
            case "trigger" -> "; changes it refuses can now be made without an error";
            case "view" -> "; what is read through it (`audit-cli calls`, `sessions`) may not be what the events say";
            default -> "";
        };
    }

    private static Map<String, SchemaObject> expected(int version) {
        return EXPECTED.computeIfAbsent(version, v -> {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
                SchemaMigrations.apply(c, 0, v);
                return objects(c);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot build schema version " + v + " in memory", e);
            }
        });
    }

    private static int userVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            return rs.getInt(1);
        }
    }

    private static Map<String, SchemaObject> objects(Connection c) throws SQLException {
        Map<String, SchemaObject> out = new LinkedHashMap<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT type, name, sql FROM sqlite_master"
                        + " WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name")) {
            while (rs.next()) {
                out.put(rs.getString(2), new SchemaObject(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        return out;
    }

    private static String normalized(String sql) {
        return sql == null ? "" : sql.strip().replaceAll("\\s+", " ");
    }
}
