package dev.mcpaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every command does with a --db that is not a usable log file: it fails fast, and changes nothing. */
class LogFileStatesTest {
    @TempDir
    Path dir;

    Path key;

    @BeforeEach
    void makeKey() {
        key = dir.resolve("cp.key");
        assertThat(CliRun.of("keygen", "--key", key.toString()).exitCode()).isZero();
    }

    /** The command's arguments after {@code --db PATH}; checkpoint writes into {@link #dir}. */
    private String[] command(Path db, String command) {
        List<String> args = new ArrayList<>(List.of("--db", db.toString()));
        switch (command) {
            case "show" -> args.addAll(List.of("show", "c1"));
            case "checkpoint" -> args.addAll(List.of("checkpoint", "--key", key.toString(), "--out",
                    dir.resolve("made.checkpoint").toString()));
            case "purge" -> args.addAll(List.of("purge", "--seq", "1", "--reason", "test"));
            default -> args.add(command);
        }
        return args.toArray(String[]::new);
    }

    @ParameterizedTest
    @ValueSource(strings = {"verify", "calls", "show", "sessions", "report", "export", "checkpoint", "upgrade"})
    void namedPipeIsRefusedAtOnceWithExitThree(String command) throws Exception {
        Path fifo = dir.resolve("audit.db");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).as("mkfifo").isZero();

        CliRun run = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> CliRun.of(command(fifo, command)));

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains(fifo + " is a named pipe, device or socket, not an audit log file");
        assertThat(run.out()).isEmpty();
        assertThat(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(dir.resolve("made.checkpoint")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"verify", "calls", "report", "checkpoint", "upgrade"})
    void directoryIsRefusedWithExitThree(String command) throws Exception {
        Path db = Files.createDirectory(dir.resolve("audit.db"));

        CliRun run = CliRun.of(command(db, command));

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains(db + " is a directory, not an audit log file");
        try (var files = Files.list(db)) {
            assertThat(files).isEmpty();
        }
    }

    // --- a 0-byte file: the proxy created it and was stopped before its first write ---

    @ParameterizedTest
    @ValueSource(strings = {"verify", "calls", "show", "sessions", "report", "export"})
    void zeroByteFileReadsAsAnEmptyLogWithANoteAndStaysZeroBytes(String command) throws Exception {
        Path db = Files.createFile(dir.resolve("audit.db"));

        CliRun run = CliRun.of(command(db, command));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(command.equals("show") ? 1 : 0);
        assertThat(run.err()).contains("note: " + db + " was created but never written").contains("read as an empty log")
                .doesNotContainIgnoringCase("corrupt").doesNotContain("not an");
        assertThat(Files.size(db)).isZero();
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("audit.db", "cp.key",
                    "cp.key.pub");
        }
    }

    @Test
    void zeroByteFileReportsWhatAnEmptyLogHas() throws Exception {
        Path db = Files.createFile(dir.resolve("audit.db"));

        assertThat(CliRun.of(command(db, "verify")).out()).contains("never written, no log id yet")
                .contains("The log has no events.").contains("0 events checked, 0 problems");
        assertThat(CliRun.of(command(db, "calls")).out()).startsWith("No calls match");
        assertThat(CliRun.of(command(db, "sessions")).out()).startsWith("No sessions in " + db);
        assertThat(CliRun.of(command(db, "show")).err()).contains("no call c1 in " + db);
        assertThat(CliRun.of(command(db, "report")).out()).contains("(never written, no log id yet)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"checkpoint", "upgrade", "purge"})
    void zeroByteFileIsNotTurnedIntoALogByAWriteCommand(String command) throws Exception {
        Path db = Files.createFile(dir.resolve("audit.db"));

        CliRun run = CliRun.of(command(db, command));

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains(db + " was created but never written").contains("left as it is");
        assertThat(Files.size(db)).isZero();
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("audit.db", "cp.key",
                    "cp.key.pub");
        }
    }
}
