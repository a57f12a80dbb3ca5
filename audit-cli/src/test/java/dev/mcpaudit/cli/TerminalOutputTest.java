package dev.mcpaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpaudit.fixtures.SyntheticCalls;
import dev.mcpaudit.schema.AuditLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a person at a terminal sees besides the output: notes and progress bars on stderr (none with
 * --quiet, none in a pipe), and colour (none with NO_COLOR).
 */
class TerminalOutputTest {
    private static final String ESC = "\u001b[";
    /** A person watches, and every piece of work counts as large enough for a progress bar. */
    private static final Terminal WATCHED = new Terminal(true, Map.of(), 1);
    private static final Terminal PIPED = new Terminal(false, Map.of(), 1);

    @TempDir
    Path dir;

    Path db;

    @BeforeEach
    void recordSomeCalls() {
        db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            SyntheticCalls.fill(log, 50, 7, Instant.parse("2026-11-01T09:00:00Z"));
        }
    }

    @Test
    void quietDropsNotesButNotErrors() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.db"));

        assertThat(CliRun.of("--db", empty.toString(), "calls").err()).contains("note:").contains("never written");
        CliRun quiet = CliRun.of("--db", empty.toString(), "--quiet", "calls");
        assertThat(quiet.exitCode()).isZero();
        assertThat(quiet.err()).isEmpty();
        CliRun error = CliRun.of("--db", db.toString(), "-q", "show", "ffffffff");
        assertThat(error.exitCode()).isEqualTo(ExitCode.FINDING);
        assertThat(error.err()).contains("no call ffffffff");
    }

    @Test
    void quietDropsWhatExportSaysItWrote() {
        String out = dir.resolve("all.jsonl").toString();

        assertThat(CliRun.of("--db", db.toString(), "export", "--out", out).err()).contains("Exported");
        CliRun quiet = CliRun.of("--db", db.toString(), "export", "--out", out, "--quiet");
        assertThat(quiet.exitCode()).isZero();
        assertThat(quiet.err()).isEmpty();
    }

    @Test
    void verifyExportAndReportDrawAProgressBarOnlyForAPersonAndNeverWithQuiet() {
        String out = dir.resolve("all.jsonl").toString();
        for (String[] command : new String[][] {{"verify"}, {"export", "--out", out}, {"report"}}) {
            String[] args = concat(new String[] {"--db", db.toString()}, command);

            CliRun watched = CliRun.on(WATCHED, args);
            assertThat(watched.exitCode()).as(command[0]).isZero();
            assertThat(watched.err()).as(command[0]).contains("\r[").contains("] ");
            String afterBar = watched.err().substring(watched.err().lastIndexOf('\r') + 1);
            assertThat(afterBar).as(command[0] + ": the bar is cleared before anything else").doesNotContain("[#", "[-");
            assertThat(watched.out()).as(command[0] + ": stdout stays clean").doesNotContain("\r");
            assertThat(CliRun.on(PIPED, args).err()).as(command[0] + " in a pipe").doesNotContain("\r[");
            assertThat(CliRun.on(WATCHED, concat(args, new String[] {"--quiet"})).err()).as(command[0] + " --quiet")
                    .isEmpty();
        }
    }

    @Test
    void aSmallLogGetsNoProgressBar() {
        CliRun run = CliRun.on(new Terminal(true, Map.of(), Terminal.LARGE_WORK_EVENTS), "--db", db.toString(),
                "verify");

        assertThat(run.err()).doesNotContain("\r[");
    }

    @Test
    void helpIsColouredOnATerminalUnlessNoColorIsSet() {
        assertThat(CliRun.on(WATCHED, "verify", "--help").out()).contains(ESC);
        assertThat(CliRun.on(new Terminal(true, Map.of("NO_COLOR", "1"), 1), "verify", "--help").out())
                .doesNotContain(ESC);
        assertThat(CliRun.on(new Terminal(false, Map.of("CLICOLOR_FORCE", "1", "NO_COLOR", "1"), 1), "--help").out())
                .doesNotContain(ESC);
        assertThat(CliRun.on(PIPED, "--help").out()).doesNotContain(ESC);
        // An empty NO_COLOR does not count (no-color.org).
        assertThat(CliRun.on(new Terminal(true, Map.of("NO_COLOR", ""), 1), "--help").out()).contains(ESC);
    }

    @Test
    void noCommandPrintsAnEscapeWithNoColorSet() {
        Terminal noColour = new Terminal(true, Map.of("NO_COLOR", "1"), 1);
        for (String command : new String[] {"calls", "sessions", "verify", "report"}) {
            CliRun run = CliRun.on(noColour, "--db", db.toString(), command);

            assertThat(run.out() + run.err()).as(command).doesNotContain(ESC);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
