package dev.mcpaudit.proxy.e2e;

import dev.mcpaudit.proxy.testing.SdkCalls;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.fixtures.AwsProfileFiles;
import dev.mcpaudit.fixtures.AwsProfileFiles.ProfileSpec;
import dev.mcpaudit.fixtures.FakeAwsMcpServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ElicitResult;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Approving writes end to end: the packaged proxy started by the MCP Java SDK's stdio client, whose
 * elicitation handler plays the user, in front of the fake AWS MCP Server, which records what reaches
 * upstream. {@code prod} is protected with --confirm-writes; {@code dev} is not.
 */
class WriteApprovalIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ProfileSpec DEV = new ProfileSpec("dev", "AKIADEVDEVDEVDEV0001", "devsecret", null, "us-east-2");
    private static final ProfileSpec PROD = new ProfileSpec("prod", "AKIAPRODPRODPROD0002", "prodsecret", null,
            "eu-west-1");
    private static final String SECRET = "Sup3r-Secret-Value-9x";

    @TempDir
    Path dir;

    FakeAwsMcpServer upstream;
    AwsProfileFiles profiles;
    final List<McpSyncClient> clients = new ArrayList<>();
    final List<String> stderr = new CopyOnWriteArrayList<>();
    final CountDownLatch never = new CountDownLatch(1);
    final ExecutorService background = Executors.newCachedThreadPool();

    @BeforeEach
    void start() {
        profiles = AwsProfileFiles.write(dir.resolve("aws"), List.of(DEV, PROD));
        upstream = FakeAwsMcpServer.forProfiles(List.of(DEV, PROD), "aws-mcp", "us-east-1");
    }

    @AfterEach
    void stop() {
        never.countDown();
        clients.forEach(McpSyncClient::closeGracefully);
        background.shutdownNow();
        upstream.close();
    }

    private Path db() {
        return dir.resolve("audit.db");
    }

    /**
     * The proxy with prod protected, and a client whose elicitation handler is {@code user} (null: a
     * client without the elicitation capability).
     */
    private McpSyncClient connect(Function<McpSchema.ElicitFormRequest, ElicitResult> user, String... extraArgs) {
        List<String> cmd = new ArrayList<>(List.of("-XX:+UseSerialGC", "-jar", ProxyProcess.JAR.toString(),
                upstream.endpoint().toString(), "--service", "aws-mcp", "--region", "us-east-1",
                "--profile", "dev", "prod", "--confirm-writes", "prod"));
        cmd.addAll(List.of(extraArgs));
        Map<String, String> env = new HashMap<>(System.getenv());
        profiles.applyTo(env);
        env.put("HOME", dir.toString());
        env.putAll(upstream.stsEnvironment());
        env.put("MCP_AUDIT_DB", db().toString());
        ServerParameters params = ServerParameters.builder(ProxyProcess.javaBinary()).args(cmd).env(env).build();
        StdioClientTransport transport = new StdioClientTransport(params, new JacksonMcpJsonMapper(new ObjectMapper())) {
            @Override
            protected ProcessBuilder getProcessBuilder() {
                ProcessBuilder pb = new ProcessBuilder();
                profiles.applyTo(pb.environment());
                pb.environment().remove("AWS_ENDPOINT_URL");
                pb.environment().remove("AWS_ENDPOINT_URL_STS");
                return pb;
            }
        };
        transport.setStdErrorHandler(stderr::add);
        McpClient.SyncSpec spec = McpClient.sync(transport)
                .clientInfo(new McpSchema.Implementation("approval-it", "2.5"))
                .requestTimeout(Duration.ofSeconds(60));
        if (user != null) {
            spec.capabilities(McpSchema.ClientCapabilities.builder().elicitation().build()).elicitation(user);
        }
        McpSyncClient client = spec.build();
        clients.add(client);
        client.initialize();
        return client;
    }

    private static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    private static ElicitResult answer(ElicitResult.Action action, String reason) {
        return new ElicitResult(action, reason == null ? null : Map.of("reason", reason));
    }

    private List<Map<String, Object>> rows(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db() + "?mode=ro");
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            List<Map<String, Object>> out = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                out.add(row);
            }
            return out;
        }
    }

    private List<Map<String, Object>> approvals() throws Exception {
        return rows("SELECT seq, call_id, json_extract(payload, '$.decision') AS decision,"
                + " json_extract(payload, '$.reason') AS reason, json_extract(payload, '$.message') AS message,"
                + " json_extract(payload, '$.answer_ms') AS answer_ms, json_extract(payload, '$.client.name') AS client,"
                + " json_extract(payload, '$.client.version') AS client_version"
                + " FROM events WHERE type = 'call.approval' ORDER BY seq");
    }

    @Test
    void anAcceptedWriteReachesUpstreamOnlyAfterTheApprovalIsDurable() throws Exception {
        List<String> shown = new CopyOnWriteArrayList<>();
        List<Integer> upstreamCallsWhenAsked = new CopyOnWriteArrayList<>();
        McpSyncClient client = connect(request -> {
            shown.add(request.message());
            upstreamCallsWhenAsked.add(upstream.toolCalls().size());
            return answer(ElicitResult.Action.ACCEPT, "CHG-42 approved by the on-call");
        });
        String command = "aws secretsmanager put-secret-value --secret-id app/db --secret-string " + SECRET
                + " slow:1500";
        // While upstream holds its answer, the log is read as a reviewer would: the approval must be there.
        Future<List<Map<String, Object>>> atUpstream = background.submit(() -> {
            upstream.await(r -> "aws___call_aws".equals(r.toolName()), Duration.ofSeconds(30));
            return rows("SELECT seq, type FROM events WHERE call_id IS NOT NULL ORDER BY seq");
        });

        McpSchema.CallToolResult result = SdkCalls.callAws(client, command, "prod");

        assertThat(result.isError()).as(result.toString()).isFalse();
        assertThat(upstreamCallsWhenAsked).containsExactly(0);
        assertThat(atUpstream.get(30, TimeUnit.SECONDS)).extracting(r -> r.get("type"))
                .startsWith("call.approval", "call.requested");
        assertThat(upstream.toolCalls()).singleElement().satisfies(r -> assertThat(r.cliCommand()).contains(SECRET));
        String message = shown.get(0);
        assertThat(message).contains("profile 'prod'", "Profile: prod", "Account: ", "Region:  eu-west-1",
                "Tool:    aws___call_aws", "Command: aws secretsmanager put-secret-value --secret-id app/db",
                "[REDACTED").doesNotContain(SECRET);
        Map<String, Object> approval = approvals().get(0);
        assertThat(approval).containsEntry("decision", "accept").containsEntry("reason", "CHG-42 approved by the on-call")
                .containsEntry("message", message).containsEntry("client", "approval-it")
                .containsEntry("client_version", "2.5");
        assertThat(((Number) approval.get("answer_ms")).longValue()).isGreaterThanOrEqualTo(0);
        assertThat(rows("SELECT call_id, outcome FROM calls")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("call_id", approval.get("call_id")).containsEntry("outcome", "ok"));
        assertThat(rows("SELECT payload FROM events").toString()).doesNotContain(SECRET);
    }

    @Test
    void declineAndCancelAreToolErrorsAndNothingGoesUpstream() throws Exception {
        List<ElicitResult> answers = new ArrayList<>(List.of(answer(ElicitResult.Action.DECLINE, "change freeze"),
                answer(ElicitResult.Action.CANCEL, null)));
        McpSyncClient client = connect(request -> answers.remove(0));

        McpSchema.CallToolResult declined = SdkCalls.callAws(client, "aws ec2 terminate-instances --instance-ids i-1", "prod");
        McpSchema.CallToolResult cancelled = SdkCalls.callAws(client, "aws s3 rm s3://app-data/k", "prod");

        assertThat(declined.isError()).isTrue();
        assertThat(text(declined)).contains("the user declined it (reason: \"change freeze\")");
        assertThat(cancelled.isError()).isTrue();
        assertThat(text(cancelled)).contains("the user cancelled it");
        assertThat(upstream.toolCalls()).isEmpty();
        assertThat(approvals()).extracting(a -> a.get("decision")).containsExactly("decline", "cancel");
        assertThat(rows("SELECT outcome FROM calls ORDER BY started_at")).extracting(r -> r.get("outcome"))
                .containsExactly("denied", "denied");
    }

    @Test
    void noAnswerWithinTheTimeoutDeclines() throws Exception {
        McpSyncClient client = connect(request -> {
            try {
                never.await(20, TimeUnit.SECONDS); // the user walked away
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return answer(ElicitResult.Action.ACCEPT, null); // too late: dropped
        }, "--confirm-timeout", "1");

        long started = System.nanoTime();
        McpSchema.CallToolResult result = SdkCalls.callAws(client, "aws iam create-user --user-name mallory", "prod");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("nobody answered within 1 s (--confirm-timeout)");
        assertThat(upstream.toolCalls()).isEmpty();
        assertThat(approvals()).extracting(a -> a.get("decision")).containsExactly("timeout");
    }

    @Test
    void readsOnTheProtectedProfileAndEveryCallOnOthersPassWithoutAQuestion() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        McpSyncClient client = connect(request -> {
            asked.incrementAndGet();
            return answer(ElicitResult.Action.DECLINE, null);
        });

        assertThat(SdkCalls.callAws(client, "aws s3 ls", "prod").isError()).isFalse();
        assertThat(SdkCalls.callAws(client, "aws ec2 describe-instances", "prod").isError()).isFalse();
        SdkCalls.callAws(client, "aws s3 cp s3://app-data/report.csv .", "prod");
        SdkCalls.callAws(client, "aws s3 rm s3://app-data/k", "dev");
        SdkCalls.callAws(client, "aws s3 rm s3://app-data/k", null); // the default profile, dev
        client.callTool(McpSchema.CallToolRequest.builder().name("aws___run_script")
                .arguments(Map.of("script", "print(1)", "aws_profile", "dev")).build());

        assertThat(asked.get()).isZero();
        assertThat(upstream.toolCalls()).hasSize(6);
        assertThat(approvals()).isEmpty();
    }

    @Test
    void toolDescriptionsSayWritesOnProdNeedApproval() {
        McpSyncClient client = connect(request -> answer(ElicitResult.Action.DECLINE, null));

        McpSchema.ListToolsResult tools = client.listTools();

        assertThat(tools.tools()).filteredOn(t -> t.name().equals("aws___call_aws")).singleElement()
                .satisfies(t -> assertThat(t.description()).contains("Writes on AWS profile prod need the user's approval"));
        assertThat(tools.tools()).filteredOn(t -> t.name().equals("search_documentation")).singleElement()
                .satisfies(t -> assertThat(t.description()).doesNotContain("approval"));
    }

    @Test
    void aClientWithoutElicitationIsRefusedWithWhatToDo() throws Exception {
        McpSyncClient client = connect(null);

        McpSchema.CallToolResult result = SdkCalls.callAws(client, "aws s3 rm s3://app-data/k", "prod");

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("did not declare the elicitation capability",
                "Use a client that supports elicitation", "without --confirm-writes for 'prod'");
        assertThat(upstream.toolCalls()).isEmpty();
        assertThat(approvals()).extracting(a -> a.get("decision")).containsExactly("no-capability");
        assertThat(SdkCalls.callAws(client, "aws s3 ls", "prod").isError()).isFalse(); // reads still pass
    }

    @Test
    void withFallbackAllowAClientWithoutElicitationWritesAndStderrSaysSoOnce() throws Exception {
        McpSyncClient client = connect(null, "--confirm-fallback", "allow");

        assertThat(SdkCalls.callAws(client, "aws s3 rm s3://app-data/a", "prod").isError()).isFalse();
        assertThat(SdkCalls.callAws(client, "aws s3 rm s3://app-data/b", "prod").isError()).isFalse();

        assertThat(upstream.toolCalls()).hasSize(2);
        assertThat(approvals()).extracting(a -> a.get("decision")).containsExactly("fallback-allowed", "fallback-allowed");
        assertThat(stderr).filteredOn(l -> l.contains("WITHOUT approval (--confirm-fallback allow)")).hasSize(1);
    }

    @Test
    void parallelWritesAreAskedOneAtATimeInArrivalOrder() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        AtomicInteger open = new AtomicInteger();
        AtomicInteger mostOpen = new AtomicInteger();
        CountDownLatch firstAsked = new CountDownLatch(1);
        CountDownLatch othersSent = new CountDownLatch(1);
        McpSyncClient client = connect(request -> {
            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            String command = request.message().replaceAll("(?s).*Command: (\\S+ \\S+ \\S+ \\S+).*", "$1");
            asked.add(command);
            try {
                if (command.endsWith("/1")) {
                    firstAsked.countDown();
                    othersSent.await(30, TimeUnit.SECONDS); // the user takes a while; the other two wait their turn
                } else {
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            open.decrementAndGet();
            return answer(ElicitResult.Action.ACCEPT, null);
        });
        // The SDK lists tools before its first call (to check results against output schemas); done
        // now, so that the calls leave the client in the order they are made.
        client.listTools();

        List<Future<McpSchema.CallToolResult>> results = new ArrayList<>();
        results.add(background.submit(() -> SdkCalls.callAws(client, "aws s3 rm s3://app-data/1", "prod")));
        assertThat(firstAsked.await(30, TimeUnit.SECONDS)).isTrue();
        for (int i = 2; i <= 3; i++) {
            String cli = "aws s3 rm s3://app-data/" + i;
            results.add(background.submit(() -> SdkCalls.callAws(client, cli, "prod")));
            Thread.sleep(300); // sent in this order
        }
        othersSent.countDown();
        for (Future<McpSchema.CallToolResult> r : results) {
            assertThat(r.get(60, TimeUnit.SECONDS).isError()).isFalse();
        }

        assertThat(mostOpen.get()).isEqualTo(1);
        assertThat(asked).containsExactly("aws s3 rm s3://app-data/1", "aws s3 rm s3://app-data/2",
                "aws s3 rm s3://app-data/3");
        assertThat(upstream.toolCalls()).extracting(FakeAwsMcpServer.Received::cliCommand).containsExactly(
                "aws s3 rm s3://app-data/1", "aws s3 rm s3://app-data/2", "aws s3 rm s3://app-data/3");
        assertThat(approvals()).hasSize(3); // each write asked: nothing is cached
    }

    /**
     * Over raw stdio, to see every line: an unanswered question is withdrawn with notifications/cancelled
     * naming it, and its id is not of the form of relayed upstream requests.
     */
    @Test
    void anUnansweredQuestionIsWithdrawnWithNotificationsCancelled() throws Exception {
        Map<String, String> env = new HashMap<>();
        profiles.applyTo(env);
        env.put("HOME", dir.toString());
        env.putAll(upstream.stsEnvironment());
        env.put("MCP_AUDIT_DB", db().toString());
        try (ProxyProcess proxy = new ProxyProcess(List.of(upstream.endpoint().toString(), "--service", "aws-mcp",
                "--region", "us-east-1", "--profile", "dev", "prod", "--confirm-writes", "prod", "--confirm-timeout",
                "1"), env)) {
            proxy.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                    + "\"2025-11-25\",\"capabilities\":{\"elicitation\":{\"form\":{}}},\"clientInfo\":{\"name\":\"raw\","
                    + "\"version\":\"1\"}}}");
            proxy.readResponse(1, Duration.ofSeconds(30));
            proxy.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            proxy.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"aws___call_aws\","
                    + "\"arguments\":{\"cli_command\":\"aws s3 rb s3://old\",\"aws_profile\":\"prod\"}}}");

            JsonNode question = proxy.read(Duration.ofSeconds(30));
            JsonNode withdrawn = proxy.read(Duration.ofSeconds(30));
            JsonNode answer = proxy.readResponse(2, Duration.ofSeconds(30));

            assertThat(question.path("method").asText()).isEqualTo("elicitation/create");
            assertThat(question.path("id").asText()).startsWith("mcp-audit-proxy-own-");
            assertThat(question.at("/params/mode").asText()).isEqualTo("form");
            assertThat(question.at("/params/requestedSchema/properties/reason/type").asText()).isEqualTo("string");
            assertThat(withdrawn.path("method").asText()).isEqualTo("notifications/cancelled");
            assertThat(withdrawn.at("/params/requestId")).isEqualTo(question.get("id"));
            assertThat(answer.at("/result/isError").asBoolean()).isTrue();
            assertThat(upstream.toolCalls()).isEmpty();
        }
    }
}
