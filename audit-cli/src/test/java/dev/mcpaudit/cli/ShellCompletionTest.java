package dev.mcpaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code source <(audit-cli generate-completion)} completes every command and subcommand. */
class ShellCompletionTest {

    @Test
    void theGeneratedScriptCompletesEveryCommand() {
        CliRun run = CliRun.of("generate-completion");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("complete -F").contains("ZSH_VERSION");
        // picocli's script keeps one array per command path: local cmds3=(fixture export)
        AuditCli.commandLine().getSubcommands().forEach((name, command) -> {
            assertThat(run.out()).as(name).contains("=(" + name + ")");
            command.getSubcommands().keySet()
                    .forEach(sub -> assertThat(run.out()).as(name + " " + sub).contains("=(" + name + " " + sub + ")"));
        });
        assertThat(run.out()).contains("--db", "--since", "--checkpoint");
    }
}
