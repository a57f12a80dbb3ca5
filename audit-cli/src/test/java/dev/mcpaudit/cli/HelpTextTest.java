package dev.mcpaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command's help renders cleanly: picocli warns on System.err about a malformed format string (e.g. a bare %F). */
class HelpTextTest {

    @ParameterizedTest
    @ValueSource(strings = {"calls", "show", "sessions", "verify", "export", "checkpoint", "keygen", "upgrade", "redact",
        "report", "purge"})
    void helpPrintsUsageWithoutWarnings(String command) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        CliRun run;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            run = CliRun.of(command, "--help");
        } finally {
            System.setErr(original);
        }

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: audit-cli " + command);
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(run.err()).isEmpty();
    }
}
