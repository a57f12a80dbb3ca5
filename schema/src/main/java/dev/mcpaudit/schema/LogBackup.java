package dev.mcpaudit.schema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * A consistent single-file copy of a live log. Copying {@code audit.db} alone is not one: the newest
 * events sit in {@code audit.db-wal} until a checkpoint moves them, so such a copy silently lacks
 * them (and still verifies). {@code VACUUM INTO} on a read connection copies one read snapshot, WAL
 * included, while a proxy goes on appending; the copy is then made a plain rollback-journal database
 * so that it is one file with nothing beside it.
 */
public final class LogBackup {
    private LogBackup() {}

    /**
     * Copies {@code log} into {@code emptyFile}, which must exist and be empty (its permissions are
     * kept, so create it owner-only).
     */
    public static void copy(AuditLog log, Path emptyFile) throws IOException {
        if (Files.size(emptyFile) != 0) {
            throw new IOException("cannot back up into " + emptyFile + ": it is not empty.");
        }
        try (Connection c = log.openReader(); PreparedStatement st = c.prepareStatement("VACUUM INTO ?")) {
            st.setString(1, emptyFile.toString());
            st.execute();
        } catch (SQLException e) {
            throw SqliteErrors.explain(log.path(), "copy it to " + emptyFile, e);
        }
        try (Connection c = new SQLiteConfig().createConnection("jdbc:sqlite:" + emptyFile);
                Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode = DELETE");
        } catch (SQLException e) {
            throw new IOException("cannot finish the copy " + emptyFile + ": " + e.getMessage(), e);
        }
    }
}
