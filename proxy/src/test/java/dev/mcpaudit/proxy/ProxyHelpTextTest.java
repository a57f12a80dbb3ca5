package dev.mcpaudit.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpaudit.fixtures.cli.HelpLint;
import dev.mcpaudit.fixtures.cli.ReadmeCodeBlocks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The proxy's help, as a new user reads it, and every README example that starts the proxy, parse as printed. */
class ProxyHelpTextTest {

    private static CommandLine freshProxy() {
        return ProxyMain.commandLine(System.out);
    }

    @Test
    void everyCommandsHelpIsCompleteAndItsExamplesParse() {
        List<String> problems = new ArrayList<>();
        HelpLint.commands(freshProxy())
                .forEach((name, command) -> problems.addAll(HelpLint.problems(name, command, ProxyHelpTextTest::freshProxy)));

        assertThat(problems).isEmpty();
    }

    @Test
    void theProxysHelpHasExamples() {
        assertThat(HelpLint.examples(freshProxy().getUsageMessage(CommandLine.Help.Ansi.OFF), "mcp-audit-proxy"))
                .hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void everyReadmeExampleOfTheProxyParses() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        List<String> examples = HelpLint.examples(ReadmeCodeBlocks.codeLines(readme), "mcp-audit-proxy");
        List<String> problems = new ArrayList<>();
        examples.forEach(e -> problems.addAll(HelpLint.parseProblems("README", e, "mcp-audit-proxy",
                ProxyHelpTextTest::freshProxy)));

        assertThat(examples).hasSizeGreaterThanOrEqualTo(3);
        assertThat(problems).isEmpty();
    }
}
