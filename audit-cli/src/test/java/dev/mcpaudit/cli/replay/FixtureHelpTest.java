package dev.mcpaudit.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpaudit.cli.CliRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fixture commands' help renders cleanly, with examples, and no line is wrapped by picocli. */
class FixtureHelpTest {

    @ParameterizedTest
    @ValueSource(strings = {"fixture", "fixture export", "fixture verify"})
    void helpShowsExamplesWithoutWarningsOrWrappedLines(String command) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        CliRun run;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            run = CliRun.of((command + " --help").split(" "));
        } finally {
            System.setErr(original);
        }

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: audit-cli " + command).contains("Examples:").contains("Exit codes:");
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(run.err()).isEmpty();
        // Every example is printed whole: picocli breaks lines longer than its 80 columns.
        assertThat(run.out().lines().dropWhile(l -> !l.equals("Examples:"))).allMatch(l -> l.length() <= 80);
    }

    @org.junit.jupiter.api.Test
    void fixtureWithoutASubcommandIsAUsageError() {
        CliRun run = CliRun.of("fixture");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("fixture needs a subcommand: export or verify");
    }
}
