package dev.mcpaudit.proxy.pipeline;

import static dev.mcpaudit.proxy.pipeline.CallSteps.json;
import static dev.mcpaudit.proxy.pipeline.CallSteps.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpaudit.fixtures.AwsProfileFiles;
import dev.mcpaudit.fixtures.AwsProfileFiles.ProfileSpec;
import dev.mcpaudit.fixtures.FakeAwsMcpServer;
import dev.mcpaudit.proxy.audit.Outcome;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.proxy.testing.SdkProfileFiles;
import dev.mcpaudit.proxy.upstream.ProfileCredentials;
import dev.mcpaudit.proxy.upstream.SigV4Signer;
import dev.mcpaudit.proxy.upstream.UpstreamException;
import dev.mcpaudit.proxy.upstream.UpstreamHttp;
import dev.mcpaudit.proxy.upstream.UpstreamSessions;
import dev.mcpaudit.schema.redact.RedactionRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The last step against the SigV4-checking fake upstream: how each way a call can end is reported. */
class UpstreamForwarderTest {
    private static final ProfileSpec DEV = new ProfileSpec("dev", "AKIADEVDEVDEVDEV0001", "devsecret", null, "us-east-1");

    @TempDir
    Path dir;

    private final ExecutorService background = Executors.newCachedThreadPool();
    private FakeAwsMcpServer fake;
    private UpstreamSessions sessions;
    private UpstreamForwarder forwarder;
    private SdkProfileFiles sdkFiles;

    @BeforeEach
    void start() {
        AwsProfileFiles files = AwsProfileFiles.write(dir.resolve("aws"), List.of(DEV));
        sdkFiles = new SdkProfileFiles(files);
        fake = FakeAwsMcpServer.forProfiles(List.of(DEV), "aws-mcp", "us-east-1");
        sessions = new UpstreamSessions(new UpstreamHttp(fake.endpoint(), Duration.ofSeconds(2),
                new SigV4Signer("aws-mcp", "us-east-1"), new ProfileCredentials(Map.of()), Map.of(), Map.of(),
                Duration.ofSeconds(10), 0, false), (from, m) -> { }, background);
        sessions.setClientInitialize(json("{\"protocolVersion\":\"2025-06-18\"}"));
        forwarder = new UpstreamForwarder(sessions, new LogRedaction(RedactionRules.defaults()));
    }

    @AfterEach
    void stop() {
        fake.close();
        background.shutdownNow();
        sdkFiles.close();
    }

    private CallResult.Completed forward(Call call) {
        return (CallResult.Completed) forwarder.handle(call.routedTo("dev"), new CallSteps.End());
    }

    private static Call aws(String cli) {
        return toolCall("aws___call_aws", "{\"cli_command\":\"" + cli + "\"}");
    }

    @Test
    void aResultAndAToolErrorPassThroughExactly() {
        CallResult.Completed ok = forward(aws("aws s3 ls"));
        CallResult.Completed toolError = forward(aws("aws s3 ls tool-error"));

        assertThat(ok.outcome()).isEqualTo(Outcome.OK);
        assertThat(ok.result().at("/structuredContent/cli_command").asText()).isEqualTo("aws s3 ls");
        assertThat(ok.failure()).isNull();
        assertThat(toolError.outcome()).isEqualTo(Outcome.TOOL_ERROR);
        assertThat(toolError.result().at("/content/0/text").asText()).isEqualTo(FakeAwsMcpServer.ERROR_TEXT);
    }

    @Test
    void upstreamsJsonRpcErrorBecomesAToolErrorQuotingItOnToolCallsAndPassesThroughOtherwise() {
        CallResult.Completed tool = forward(toolCall("no_such_tool", "{}"));
        CallResult.Completed prompt = forward(CallSteps.request("completion/complete",
                json("{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"p\"},\"argument\":{\"name\":\"a\",\"value\":\"b\"}}")));

        assertThat(tool.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(tool.failure()).isEqualTo("Tool call 'no_such_tool' failed: upstream error -32602: Unknown tool: no_such_tool.");
        assertThat(tool.result()).isEqualTo(JsonRpc.toolError(tool.failure()));
        assertThat(prompt.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(prompt.upstreamError().path("code").asInt()).isEqualTo(-32601);
        assertThat(prompt.result()).isNull();
    }

    @Test
    void anHttpFailureIsTheSentenceTheAgentReads() {
        CallResult.Completed failed = forward(aws("aws s3 ls http500"));

        assertThat(failed.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(failed.failure()).isEqualTo("Tool call 'aws___call_aws' failed: upstream answered tools/call with"
                + " HTTP 500: internal failure. Retry; if it keeps failing, check upstream's status.");
    }

    @Test
    void aSessionThatCouldNotBeOpenedFailsTheCallWithItsCauseAndNothingIsSent() {
        Call call = aws("aws s3 ls").routedTo("dev").connected(null,
                new UpstreamException(UpstreamException.Kind.CONNECT_FAILED, "could not connect to upstream: refused"));

        CallResult.Completed failed = (CallResult.Completed) forwarder.handle(call, new CallSteps.End());

        assertThat(failed.failure()).isEqualTo("Tool call 'aws___call_aws' failed: could not connect to upstream:"
                + " refused. Check the endpoint URL and the network, then retry.");
        assertThat(fake.toolCalls()).isEmpty();
    }

    @Test
    void aTimeoutAndACancellationAreTheirOwnOutcomes() {
        Call slow = toolCall("aws___call_aws", "{\"cli_command\":\"aws s3 ls slow:3000\"}");
        Call timingOut = new Call(slow.method(), slow.id(), slow.tool(), null, slow.params(), slow.arguments(), null,
                null, Duration.ofMillis(300), slow.inFlight(), null, null, null);
        Call cancelled = aws("aws s3 ls slow:3000");
        background.execute(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            cancelled.inFlight().cancel("user pressed stop");
        });

        CallResult.Completed cancelledResult = forward(cancelled);
        CallResult.Completed timedOut = forward(timingOut);

        assertThat(cancelledResult.outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(timedOut.outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(timedOut.failure()).isEqualTo("Tool 'aws___call_aws' timed out after 300 ms; upstream was asked to"
                + " cancel it. Retry, or start the proxy with a larger --tool-timeout.");
    }
}
