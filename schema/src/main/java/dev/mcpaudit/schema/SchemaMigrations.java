package dev.mcpaudit.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The versioned SQL files under {@code db/migration/}, applied in order. The file's
 * {@code PRAGMA user_version} records how many have been applied; {@code PRAGMA application_id}
 * marks the file as ours so that a foreign SQLite file is never touched.
 */
final class SchemaMigrations {
    /** "MCAP": tells our log apart from any other SQLite file. */
    static final int APPLICATION_ID = 0x4D434150;

    private static final List<String> FILES = List.of("V1__event_log.sql", "V2__calls_read_model.sql",
            "V3__payload_digest.sql", "V4__profile_account_indexes.sql");

    static final int LATEST = FILES.size();

    private SchemaMigrations() {}

    /**
     * Brings the schema from {@code from} up to {@code to} inside the caller's transaction, so a crash
     * mid-way leaves the file as it was.
     */
    static void apply(Connection connection, int from, int to) throws SQLException {
        try (Statement st = connection.createStatement()) {
            if (from == 0) {
                st.execute("PRAGMA application_id = " + APPLICATION_ID);
            }
            for (int version = from + 1; version <= to; version++) {
                for (String sql : statements(version)) {
                    st.execute(sql);
                }
                st.execute("PRAGMA user_version = " + version);
            }
        }
    }

    /**
     * The statements migration {@code version} (1 to {@link #LATEST}) runs, in order. schema/FORMAT.md
     * shows each migration's SQL; FormatSqlTest keeps the two equal.
     */
    static List<String> statements(int version) {
        return statements(load(FILES.get(version - 1)));
    }

    private static String load(String file) {
        try (InputStream in = SchemaMigrations.class.getResourceAsStream("/db/migration/" + file)) {
            if (in == null) {
                throw new IOException("migration " + file + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Splits a migration into statements. The JDBC driver runs one statement per call, and trigger
     * bodies contain semicolons, so a statement ends at a line ending in ';' unless it is a CREATE
     * TRIGGER, which ends at its 'END;'. Our migration files follow that layout.
     */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || (trimmed.isEmpty() && current.length() == 0)) {
                continue;
            }
            current.append(line).append('\n');
            String soFar = current.toString().strip().toUpperCase(Locale.ROOT);
            boolean trigger = soFar.startsWith("CREATE TRIGGER");
            if (trimmed.endsWith(";") && (!trigger || soFar.endsWith("END;"))) {
                out.add(current.toString().strip());
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalStateException("migration ends with an unterminated statement: " + current);
        }
        return out;
    }
}
