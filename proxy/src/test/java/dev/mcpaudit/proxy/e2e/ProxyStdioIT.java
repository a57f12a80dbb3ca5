package dev.mcpaudit.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.fixtures.AwsProfileFiles;
import dev.mcpaudit.fixtures.AwsProfileFiles.ProfileSpec;
import dev.mcpaudit.fixtures.FakeAwsMcpServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stdio contract, byte by byte: bad input, cancellation, clean shutdown, stdout hygiene. */
class ProxyStdioIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ProfileSpec DEV = new ProfileSpec("dev", "AKIADEVDEVDEVDEV0001", "devsecret", null, "us-east-1");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"Test Agent\",\"version\":\"9.9\"}}}";

    @TempDir
    Path dir;

    FakeAwsMcpServer upstream;
    Map<String, String> env;
    ProxyProcess proxy;

    @BeforeEach
    void start() throws Exception {
        AwsProfileFiles profiles = AwsProfileFiles.write(dir.resolve("aws"), List.of(DEV));
        upstream = FakeAwsMcpServer.forProfiles(List.of(DEV), "aws-mcp", "us-east-1");
        env = new HashMap<>();
        profiles.applyTo(env);
        env.put("HOME", dir.toString());
        env.putAll(upstream.stsEnvironment());
        env.put("MCP_AUDIT_DB", dir.resolve("audit.db").toString());
        proxy = start("--log-level", "INFO");
    }

    private ProxyProcess start(String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of(upstream.endpoint().toString(), "--service", "aws-mcp",
                "--region", "us-east-1", "--profile", "dev"));
        args.addAll(List.of(extra));
        return new ProxyProcess(args, env);
    }

    @AfterEach
    void stop() {
        proxy.close();
        upstream.close();
    }

    @Test
    void garbageAndOverLongInputGetErrorsAndTheProxyKeepsServing() throws Exception {
        proxy.send("this is not json");
        JsonNode parseError = proxy.read(WAIT);
        proxy.send(INITIALIZE);
        JsonNode initialized = proxy.readResponse(1, WAIT);

        proxy.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\"}");
        JsonNode noParams = proxy.readResponse(3, WAIT);

        assertThat(noParams.at("/error/code").asInt()).isEqualTo(-32602);
        assertThat(parseError.at("/error/code").asInt()).isEqualTo(-32700);
        assertThat(initialized.at("/result/serverInfo/name").asText()).isEqualTo("mcp-audit-proxy");
        assertThat(initialized.at("/result/capabilities/tools").isObject()).isTrue();
        assertThat(upstream.received().get(0).header("user-agent")).contains("test-agent/9.9");
    }

    @Test
    void twoMessagesOnALineAnIdOf1e400AndALineLedByNulsGetErrorsAndTheProxyKeepsServing() throws Exception {
        proxy.send(INITIALIZE);
        proxy.readResponse(1, WAIT);
        String call = "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"tools/call\",\"params\":{\"name\":\"aws___call_aws\","
                + "\"arguments\":{\"cli_command\":\"%s\"}}}";

        proxy.send(String.format(call, 2, "aws s3 ls s3://first") + String.format(call, 3, "aws s3 ls s3://second"));
        JsonNode twoOnALine = proxy.read(WAIT);
        proxy.send(String.format(call, "1e400", "aws s3 ls s3://huge-id"));
        JsonNode hugeId = proxy.read(WAIT);
        proxy.send("\u0000\u0000{\u0000}\u0000\u0000\u0000"); // ended the proxy's read loop before
        JsonNode nuls = proxy.read(WAIT);
        proxy.send(String.format(call, 5, "aws s3 ls"));
        JsonNode answered = proxy.readResponse(5, WAIT);

        assertThat(twoOnALine.at("/error/code").asInt()).isEqualTo(-32700);
        assertThat(twoOnALine.at("/error/message").asText()).contains("more than one JSON value");
        assertThat(twoOnALine.get("id").isNull()).isTrue();
        assertThat(hugeId.at("/error/code").asInt()).isEqualTo(-32600);
        assertThat(hugeId.get("id").isNull()).isTrue();
        assertThat(hugeId.at("/error/message").asText()).contains("the id is").doesNotContain("Infinity");
        assertThat(nuls.at("/error/code").asInt()).isEqualTo(-32700);
        assertThat(answered.at("/result/isError").asBoolean()).isFalse();
        assertThat(upstream.toolCalls()).extracting(FakeAwsMcpServer.Received::cliCommand).containsExactly("aws s3 ls");
    }

    @Test
    void anOverlongSlashInAMethodIsAParseErrorAndNothingReachesUpstream() throws Exception {
        proxy.close();
        // tools/<C0 AF>call: an overlong '/', which Jackson decodes, so the call reached upstream as tools//call
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        bytes.writeBytes("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        bytes.writeBytes(new byte[] {(byte) 0xC0, (byte) 0xAF});
        bytes.writeBytes(("call\",\"params\":{\"name\":\"aws___call_aws\",\"arguments\":{\"cli_command\":"
                + "\"aws s3 rb s3://overlong-bucket --force\"}}}\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Path overlong = dir.resolve("overlong.jsonl");
        java.nio.file.Files.write(overlong, bytes.toByteArray());
        // ProxyProcess.send writes strings as UTF-8, so these bytes come from a file: the jar's stdin is that
        // file followed by what the test sends (the JVM runs in a pipeline, not exec'd; it exits at end of input).
        proxy = new ProxyProcess("{ cat '" + overlong + "'; exec cat; } | \"$0\" \"$@\"; exit $?",
                List.of(upstream.endpoint().toString(), "--service", "aws-mcp", "--region", "us-east-1", "--profile", "dev"),
                env);

        proxy.send(INITIALIZE);
        proxy.readResponse(1, WAIT);
        proxy.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"aws___call_aws\","
                + "\"arguments\":{\"cli_command\":\"aws s3 ls\"}}}");
        JsonNode answered = proxy.readResponse(3, WAIT);
        proxy.closeStdin();
        assertThat(proxy.waitFor(WAIT)).isZero();

        List<JsonNode> errors = new java.util.ArrayList<>();
        for (String line : proxy.allStdout()) {
            JsonNode m = JSON.readTree(line);
            if (m.has("error")) {
                errors.add(m);
            }
        }
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.at("/error/code").asInt()).isEqualTo(-32700);
            assertThat(e.at("/error/message").asText()).contains("not valid UTF-8");
            assertThat(e.get("id").isNull()).isTrue();
        });
        assertThat(answered.at("/result/isError").asBoolean()).isFalse();
        assertThat(upstream.received()).extracting(FakeAwsMcpServer.Received::jsonRpcMethod).doesNotContain("tools//call");
        assertThat(upstream.received()).extracting(FakeAwsMcpServer.Received::body).noneMatch(b -> b.contains("overlong-bucket"));
        assertThat(upstream.toolCalls()).extracting(FakeAwsMcpServer.Received::cliCommand).containsExactly("aws s3 ls");
    }

    @Test
    void cancellationFromTheAgentReachesUpstreamAndNoAnswerFollows() throws Exception {
        proxy.send(INITIALIZE);
        proxy.readResponse(1, WAIT);
        proxy.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");

        proxy.send("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"aws___call_aws\","
                + "\"arguments\":{\"cli_command\":\"aws s3 cp slow:3000\"}}}");
        upstream.await(r -> "tools/call".equals(r.jsonRpcMethod()), WAIT);
        proxy.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":5,"
                + "\"reason\":\"user pressed escape\"}}");
        FakeAwsMcpServer.Received cancelled = upstream.await(r -> "notifications/cancelled".equals(r.jsonRpcMethod()), WAIT);
        proxy.send("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\"}");
        JsonNode next = proxy.read(WAIT);

        long upstreamId = upstream.toolCalls().get(0).id().asLong();
        assertThat(JSON.readTree(cancelled.body()).at("/params/requestId").asLong()).isEqualTo(upstreamId);
        assertThat(next.get("id").asInt()).as("no answer for the cancelled call").isEqualTo(6);
        assertThat(proxy.pollLine(Duration.ofSeconds(4))).as("still no answer for the cancelled call").isNull();
    }

    @Test
    void aToolCallSentWithoutAnIdIsDroppedNeverRunUnrecorded() throws Exception {
        proxy.send(INITIALIZE);
        proxy.readResponse(1, WAIT);

        proxy.send("{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"aws___call_aws\","
                + "\"arguments\":{\"cli_command\":\"aws s3 rb s3://prod-data --force\"}}}");
        proxy.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
        JsonNode next = proxy.read(WAIT);
        proxy.closeStdin();
        proxy.waitFor(WAIT);

        assertThat(next.get("id").asInt()).as("the notification gets no answer").isEqualTo(2);
        assertThat(upstream.toolCalls()).as("nothing ran upstream").isEmpty();
        assertThat(proxy.stderr()).contains("dropped a tools/call sent as a notification (no id)");
    }

    @Test
    void lazyConnectAnswersInitializeWithoutUpstreamAndConnectsOnFirstUse() throws Exception {
        proxy.close();
        proxy = start("--lazy-connect");

        proxy.send(INITIALIZE);
        JsonNode initialized = proxy.readResponse(1, WAIT);
        int before = upstream.received().size();
        proxy.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        JsonNode tools = proxy.readResponse(2, WAIT);

        assertThat(initialized.at("/result/capabilities/tools").isObject()).isTrue();
        assertThat(before).as("initialize did not contact upstream").isZero();
        assertThat(tools.at("/result/tools").size()).isEqualTo(4);
        assertThat(upstream.byMethod("initialize")).hasSize(1);
    }

    @Test
    void anUnreachableUpstreamIsAnErrorNotAnEmptyToolList() throws Exception {
        proxy.close();
        proxy = new ProxyProcess(List.of("http://127.0.0.1:1/mcp", "--service", "aws-mcp", "--region", "us-east-1",
                "--profile", "dev", "--lazy-connect"), env);

        proxy.send(INITIALIZE);
        proxy.readResponse(1, WAIT);
        proxy.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        JsonNode tools = proxy.readResponse(2, WAIT);

        assertThat(tools.has("result")).isFalse();
        assertThat(tools.at("/error/message").asText()).contains("tools/list failed").contains("could not connect")
                .contains("Check the endpoint URL");
    }

    @Test
    void aRefusedProfileValueIsNotWrittenToTheLogs() throws Exception {
        proxy.send(INITIALIZE);
        proxy.readResponse(1, WAIT);
        proxy.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"aws___call_aws\","
                + "\"arguments\":{\"cli_command\":\"aws s3 ls\",\"aws_profile\":\"leaky-value-123\"}}}");
        JsonNode refused = proxy.readResponse(2, WAIT);
        proxy.closeStdin();
        proxy.waitFor(WAIT);

        assertThat(refused.at("/result/isError").asBoolean()).isTrue();
        assertThat(refused.at("/result/content/0/text").asText()).contains("'leaky-value-123'");
        assertThat(proxy.stderr()).contains("refused a tools/call to aws___call_aws").doesNotContain("leaky-value-123");
    }

    @Test
    void requestsSentBeforeEndOfInputAreStillAnsweredWithinTheGracePeriod() throws Exception {
        proxy.send(INITIALIZE);
        proxy.readResponse(1, WAIT); // the grace period counts from end of input; a cold start is not part of it
        proxy.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"aws___call_aws\","
                + "\"arguments\":{\"cli_command\":\"aws s3 ls slow:200\"}}}");
        proxy.closeStdin();

        assertThat(proxy.readResponse(2, WAIT).at("/result/isError").asBoolean()).isFalse();
        assertThat(proxy.waitFor(WAIT)).isZero();
    }

    @Test
    void endOfInputClosesUpstreamSessionsAndExitsZero() throws Exception {
        proxy.send(INITIALIZE);
        proxy.readResponse(1, WAIT);
        String session = upstream.liveSessions().keySet().iterator().next();

        proxy.closeStdin();

        assertThat(proxy.waitFor(WAIT)).isZero();
        assertThat(upstream.deletedSessions()).contains(session);
        assertThat(proxy.allStdout()).allSatisfy(line -> assertThat(JSON.readTree(line).get("jsonrpc").asText()).isEqualTo("2.0"));
        assertThat(proxy.stderr()).doesNotContain(DEV.secretKey());
    }

    @Test
    void aBadRedactionRuleStopsStartUpWithAMessageNamingIt() throws Exception {
        proxy.close();
        Path rules = dir.resolve("rules.json");
        java.nio.file.Files.writeString(rules, "{\"rules\": [{\"name\": \"acme\", \"type\": \"value\", \"pattern\": \"acme_(\"}]}");

        proxy = start("--redaction-rules", rules.toString());

        assertThat(proxy.waitFor(WAIT)).isEqualTo(2);
        assertThat(proxy.stderr()).contains("redaction rules file " + rules + ": rule #1 \"acme\"")
                .contains("not a valid Java regular expression");
        assertThat(proxy.allStdout()).isEmpty();
        assertThat(upstream.received()).isEmpty();
    }
}
