package dev.mcpaudit.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.cli.replay.Answer;
import dev.mcpaudit.cli.replay.ProxyDriver;
import dev.mcpaudit.cli.replay.ProxyLauncher;
import dev.mcpaudit.cli.replay.ReplayEnvironmentException;
import dev.mcpaudit.fixtures.replay.Fixture;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Plays the agent: starts the proxy over stdio, opens the MCP session, lists tools, makes the seed
 * session's calls one by one (each naming its profile in {@code aws_profile}, as an agent does), then
 * closes stdin and waits for the proxy to exit.
 */
final class DemoAgent {
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(20);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** One call as the agent saw it. */
    record Exchange(Fixture.Call call, Answer answer) {}

    /** @param exitCode the proxy's exit code after stdin closed */
    record Run(List<Exchange> exchanges, int exitCode, String proxyStderr) {}

    private DemoAgent() {}

    static Run run(ProxyLauncher.Settings settings, LocalAws aws, List<Fixture.Call> calls, PrintWriter err) {
        Process process = ProxyLauncher.start(settings, aws::applyTo);
        List<Exchange> exchanges = new ArrayList<>();
        String stderr;
        try (ProxyDriver proxy = new ProxyDriver(process, err, false)) {
            proxy.initialize(NODES.objectNode().put("name", "audit-cli demo").put("version", "1"), ANSWER_TIMEOUT);
            proxy.listTools(ANSWER_TIMEOUT);
            long id = 1;
            for (Fixture.Call call : calls) {
                Answer answer = proxy.request(id++, call.method(), params(call), ANSWER_TIMEOUT);
                if (answer.isMissing()) {
                    throw new ReplayEnvironmentException("the proxy gave no answer to " + call.label() + ": "
                            + answer.missingReason() + ". Its stderr:\n" + proxy.stderr());
                }
                exchanges.add(new Exchange(call, answer));
            }
            stderr = proxy.stderr();
        }
        return new Run(exchanges, exitCode(process), stderr);
    }

    /** What an agent sends for a recorded {@code tools/call}: the tool, its arguments, and the profile to sign with. */
    static ObjectNode params(Fixture.Call call) {
        ObjectNode params = NODES.objectNode().put("name", call.tool());
        JsonNode args = call.args();
        ObjectNode arguments = args != null && args.isObject() ? ((ObjectNode) args).deepCopy() : NODES.objectNode();
        arguments.put("aws_profile", call.profile());
        params.set("arguments", arguments);
        return params;
    }

    private static int exitCode(Process process) {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
