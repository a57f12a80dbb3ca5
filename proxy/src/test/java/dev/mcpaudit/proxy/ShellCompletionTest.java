package dev.mcpaudit.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code source <(mcp-audit-proxy generate-completion)} completes the proxy's flags. */
class ShellCompletionTest {

    @Test
    void theGeneratedScriptCompletesTheProxysFlags() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int exit = ProxyMain.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8)).execute("generate-completion");

        String script = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).isZero();
        assertThat(script).contains("complete -F").contains("mcp-audit-proxy")
                .contains("--profile", "--read-only", "--audit-db", "--record-results", "--tool-timeout");
    }
}
