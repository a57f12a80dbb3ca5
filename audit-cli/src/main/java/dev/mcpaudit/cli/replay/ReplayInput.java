package dev.mcpaudit.cli.replay;

import dev.mcpaudit.fixtures.replay.Fixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one place a replay gets its recorded session from. Today that is a fixture file; once
 * {@code audit-cli fixture export} lands, an argument that names a session in the log (rather than
 * a file) is exported here, in memory, and replayed the same way.
 */
final class ReplayInput {
    private ReplayInput() {}

    /**
     * @throws IllegalArgumentException (usage) when the argument names no file, or the file is not a fixture
     * @throws IOException when the file exists but cannot be read
     */
    static Fixture load(String argument) throws IOException {
        Path file = Path.of(argument);
        if (!Files.exists(file)) {
            // Where a SESSION id will be accepted: look it up in the log and export it as a Fixture.
            throw new IllegalArgumentException("no such file: " + argument + "; give a fixture file (audit-cli fixture export …)"
                    + " of the session to replay.");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(argument + " is not a regular file; give a fixture file (audit-cli fixture export …).");
        }
        return Fixture.read(file);
    }
}
