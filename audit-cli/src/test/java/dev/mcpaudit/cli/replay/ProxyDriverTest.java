package dev.mcpaudit.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.fixtures.replay.Fixture.Outcome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The stdio conversation against {@link FakeProxy}, a real subprocess: answers, silence, death and refusals. */
class ProxyDriverTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final List<ProxyDriver> drivers = new ArrayList<>();
    private final StringWriter err = new StringWriter();

    @AfterEach
    void closeAll() {
        drivers.forEach(ProxyDriver::close);
    }

    private ProxyDriver start(String mode, boolean verbose) throws Exception {
        Path classes = Path.of(FakeProxy.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process p = new ProcessBuilder(ProxyLauncher.javaBinary().toString(), "-cp", classes.toString(),
                FakeProxy.class.getName(), mode).start();
        ProxyDriver driver = new ProxyDriver(p, new PrintWriter(err, true), verbose);
        drivers.add(driver);
        return driver;
    }

    private static ObjectNode tool(String name) {
        ObjectNode params = RecordedCalls.JSON.createObjectNode().put("name", name);
        params.putObject("arguments");
        return params;
    }

    private static ObjectNode clientInfo() {
        return RecordedCalls.JSON.createObjectNode().put("name", "audit-cli replay");
    }

    @Test
    void anAnswerComesBackPastNotificationsAndStrayLines() throws Exception {
        ProxyDriver proxy = start("serve", false);

        JsonNode init = proxy.initialize(clientInfo(), WAIT);
        Answer answer = proxy.request(1, "tools/call", tool("echo"), WAIT);

        assertThat(init.path("clientInfo").path("name").asText()).isEqualTo("audit-cli replay");
        assertThat(answer.outcome()).isEqualTo(Outcome.OK);
        assertThat(answer.result().path("content").get(0).path("text").asText()).isEqualTo("echo");
        proxy.close();
        assertThat(proxy.stderr()).contains("(on stdout, not JSON-RPC) not json at all");
    }

    @Test
    void aServerRequestIsAnsweredAtOnceSoTheCallGoesOn() throws Exception {
        ProxyDriver proxy = start("serve", false);
        proxy.initialize(clientInfo(), WAIT);

        Answer answer = proxy.request(1, "tools/call", tool("ask"), WAIT);

        JsonNode reply = RecordedCalls.json(answer.errorText());
        assertThat(reply.path("id").asText()).isEqualTo("srv-1");
        assertThat(reply.path("error").path("code").asInt()).isEqualTo(-32601);
        assertThat(reply.path("error").path("message").asText()).contains("cannot answer elicitation/create");
    }

    @Test
    void noAnswerInTimeIsMissingAndTheCallIsCancelled() throws Exception {
        ProxyDriver proxy = start("serve", false);
        proxy.initialize(clientInfo(), WAIT);

        Answer answer = proxy.request(2, "tools/call", tool("silent"), Duration.ofMillis(300));
        Answer next = proxy.request(3, "tools/call", tool("echo"), WAIT);

        assertThat(answer.missingReason()).isEqualTo("no answer within 300ms (--timeout); the call was cancelled");
        assertThat(next.outcome()).isEqualTo(Outcome.OK);
        proxy.close();
        assertThat(proxy.stderr()).contains("cancelled 2");
    }

    @Test
    void aProxyThatDiesLeavesTheCallMissingWithItsExitCode() throws Exception {
        ProxyDriver proxy = start("serve", true);
        proxy.initialize(clientInfo(), WAIT);

        Answer answer = proxy.request(1, "tools/call", tool("die"), WAIT);
        Answer after = proxy.request(2, "tools/call", tool("echo"), WAIT);

        assertThat(answer.missingReason()).isEqualTo("the proxy exited (code 7) before answering");
        assertThat(after.isMissing()).isTrue();
        assertThat(proxy.isAlive()).isFalse();
        proxy.close();
        assertThat(err.toString()).contains("fatal: upstream exploded"); // --verbose copies stderr through
    }

    @Test
    void aProxyThatExitsAtStartIsAnEnvironmentErrorWithItsStderr() throws Exception {
        ProxyDriver proxy = start("crash", false);

        assertThatThrownBy(() -> proxy.initialize(clientInfo(), WAIT))
                .isInstanceOf(ReplayEnvironmentException.class)
                .hasMessageContaining("the proxy did not start: the proxy exited (code 2) before answering")
                .hasMessageContaining("Error: profile 'dev' was not found");
        assertThat(err.toString()).isEmpty(); // not --verbose: shown only in the failure
    }

    @Test
    void aRefusedInitializeIsAnEnvironmentErrorWithItsStderr() throws Exception {
        ProxyDriver proxy = start("refuse", false);

        assertThatThrownBy(() -> proxy.initialize(clientInfo(), WAIT))
                .isInstanceOf(ReplayEnvironmentException.class)
                .hasMessageContaining("the proxy refused initialize: no credentials")
                .hasMessageContaining("cannot sign: no credentials for profile dev");
    }

    @Test
    void aProxyThatIgnoresTheEndOfStdinGetsSigtermAfterTheGrace() throws Exception {
        ProxyDriver proxy = start("linger", false);
        proxy.initialize(clientInfo(), WAIT);

        long started = System.nanoTime();
        proxy.close();

        assertThat(proxy.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(ProxyDriver.EXIT_GRACE, Duration.ofSeconds(7));
    }
}
