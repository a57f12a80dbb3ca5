package dev.mcpaudit.cli.replay;

import dev.mcpaudit.fixtures.replay.Fixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * The one place a replay gets its recorded session from: a fixture file, or a session of the log
 * (id or unique prefix), exported in memory as {@code audit-cli fixture export --allow-incomplete}
 * would write it (calls recorded without a result body are then compared by hash only).
 */
final class ReplayInput {
    private ReplayInput() {}

    /**
     * @throws IllegalArgumentException (usage) when the argument names neither a fixture file nor a
     *     session of the log, or the file is not a fixture
     * @throws IOException when the file exists but cannot be read
     */
    static Fixture load(String argument, Path db) throws IOException, SQLException {
        Path file = Path.of(argument);
        if (Files.exists(file)) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(argument + " is not a regular file; give a fixture file"
                        + " (audit-cli fixture export …) or a session id.");
            }
            return Fixture.read(file);
        }
        if (!Files.isRegularFile(db)) {
            throw new IllegalArgumentException("no such file: " + argument + ", and no log at " + db
                    + " to find it as a session in; give a fixture file (audit-cli fixture export …) or --db LOG.");
        }
        FixtureExporter.FixtureExport export = new FixtureExporter().export(db, argument, true);
        return export.fixture();
    }
}
