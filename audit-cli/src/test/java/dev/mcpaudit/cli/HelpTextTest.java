package dev.mcpaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpaudit.fixtures.cli.HelpLint;
import dev.mcpaudit.fixtures.cli.ReadmeCodeBlocks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every command's help, as a new user reads it: a whole first sentence, 80 columns, no picocli warning
 * (a bare %F in a format string), and examples that paste and parse as printed; README examples too.
 */
class HelpTextTest {

    @Test
    void everyCommandsHelpIsCompleteAndItsExamplesParse() {
        List<String> problems = new ArrayList<>();
        HelpLint.commands(AuditCli.commandLine())
                .forEach((name, command) -> problems.addAll(HelpLint.problems(name, command, AuditCli::commandLine)));

        assertThat(problems).isEmpty();
    }

    @Test
    void theHelpWalkReachesNestedCommands() {
        assertThat(HelpLint.commands(AuditCli.commandLine())).containsKeys("audit-cli", "audit-cli calls",
                "audit-cli fixture export", "audit-cli fixture verify", "audit-cli replay");
    }

    @Test
    void everyReadmeExampleOfAuditCliParses() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        List<String> examples = HelpLint.examples(ReadmeCodeBlocks.codeLines(readme), "audit-cli");
        List<String> problems = new ArrayList<>();
        examples.forEach(e -> problems.addAll(HelpLint.parseProblems("README", e, "audit-cli", AuditCli::commandLine)));

        assertThat(examples).hasSizeGreaterThan(20);
        assertThat(problems).isEmpty();
    }

    @Test
    void helpRendersThroughTheCommandLineAsWell() {
        CliRun run = CliRun.of("calls", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: audit-cli calls");
        assertThat(run.err()).isEmpty();
    }
}
