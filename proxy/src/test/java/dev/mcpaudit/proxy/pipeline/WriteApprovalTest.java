package dev.mcpaudit.proxy.pipeline;

import static dev.mcpaudit.proxy.pipeline.CallSteps.json;
import static dev.mcpaudit.proxy.pipeline.CallSteps.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.proxy.audit.AccountResolver;
import dev.mcpaudit.proxy.audit.AuditRecorder;
import dev.mcpaudit.proxy.audit.AuditRecorder.FailurePolicy;
import dev.mcpaudit.proxy.config.ApprovalSettings;
import dev.mcpaudit.proxy.config.ProfileSet;
import dev.mcpaudit.proxy.config.ProxyOptions;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.proxy.upstream.InFlight;
import dev.mcpaudit.proxy.upstream.ProfileCredentials;
import dev.mcpaudit.schema.redact.RedactionRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The step with a real log file and an agent that answers as each test scripts it. */
class WriteApprovalTest {
    @TempDir
    Path dir;

    private final ProfileRouter router = new ProfileRouter(new ProfileSet(List.of("dev", "prod")),
            ProxyOptions.DEFAULT_PROFILE_TOOLS);
    private final CallDescriber describer = new CallDescriber(router, new AccountResolver(
            new ProfileCredentials(Map.of()), p -> "us-east-1", Executors.newSingleThreadExecutor(), Duration.ofSeconds(1)),
            Map.of("dev", "us-east-2", "prod", "eu-west-1"), "aws-mcp");
    private final ToolCatalog catalog = new ToolCatalog(router, false);
    private AuditRecorder recorder;
    private Path db;

    /** An agent that answers each elicitation/create with what {@code answers} returns (empty: no answer). */
    private static class ScriptedAgent implements ApprovalChannel {
        final List<ObjectNode> asked = new ArrayList<>();
        final boolean canAsk;
        final Function<ObjectNode, Optional<JsonNode>> answers;

        ScriptedAgent(boolean canAsk, Function<ObjectNode, Optional<JsonNode>> answers) {
            this.canAsk = canAsk;
            this.answers = answers;
        }

        @Override
        public boolean canAsk() {
            return canAsk;
        }

        @Override
        public JsonNode client() {
            return json("{\"name\":\"test-agent\",\"version\":\"1.0\"}");
        }

        @Override
        public synchronized Optional<JsonNode> ask(ObjectNode params, Duration timeout, InFlight call) {
            asked.add(params);
            return answers.apply(params);
        }
    }

    private static Optional<JsonNode> answer(String action, String reason) {
        ObjectNode result = JsonRpc.MAPPER.createObjectNode().put("action", action);
        if (reason != null) {
            result.putObject("content").put("reason", reason);
        }
        return Optional.of(JsonRpc.result(JsonRpc.MAPPER.getNodeFactory().textNode("x"), result));
    }

    @BeforeEach
    void open() {
        db = dir.resolve("audit.db");
        recorder = new AuditRecorder(db, RedactionRules.defaults(), FailurePolicy.CLOSED, -1);
        recorder.start(() -> JsonRpc.MAPPER.createObjectNode().put("proxy_version", "test"));
        catalog.rewrite(json("{\"tools\":[{\"name\":\"search_documentation\",\"annotations\":{\"readOnlyHint\":true}},"
                + "{\"name\":\"eks_apply\"}]}"));
    }

    @AfterEach
    void close() {
        recorder.close();
    }

    private CallPipeline pipeline(ScriptedAgent agent, CallStep end) {
        WriteApproval approval = new WriteApproval(new ApprovalSettings(List.of("prod"), Duration.ofSeconds(5), false),
                agent, catalog, describer, recorder);
        return new CallPipeline(List.of(router, approval, new CallRecorder(recorder, describer), end), recorder,
                describer, new LogRedaction(RedactionRules.defaults()));
    }

    private static Call onProd(String cli) {
        return toolCall("aws___call_aws", "{\"cli_command\":\"" + cli + "\",\"aws_profile\":\"prod\"}");
    }

    private static final class Upstream implements CallStep {
        final List<Call> reached = new ArrayList<>();

        @Override
        public synchronized CallResult handle(Call call, Chain next) {
            reached.add(call);
            return new CallResult.Completed(dev.mcpaudit.proxy.audit.Outcome.OK, json("{\"content\":[]}"), null, null);
        }
    }

    @Test
    void anAcceptedWriteGoesOnAfterItsApprovalIsRecordedUnderTheSameCallId() {
        ScriptedAgent agent = new ScriptedAgent(true, p -> answer("accept", "planned change CHG-1"));
        Upstream upstream = new Upstream();

        CallResult result = pipeline(agent, upstream).run(onProd("aws s3 rm s3://b/k"));
        recorder.close();

        assertThat(result).isInstanceOf(CallResult.Completed.class);
        assertThat(upstream.reached).hasSize(1);
        String message = agent.asked.get(0).get("message").asText();
        assertThat(message).contains("Profile: prod", "Region:  eu-west-1", "Tool:    aws___call_aws",
                "Command: aws s3 rm s3://b/k", "it may change something");
        assertThat(agent.asked.get(0).at("/requestedSchema/properties/reason/type").asText()).isEqualTo("string");
        List<Map<String, Object>> events = AuditLogRows.query(db, "SELECT type, call_id,"
                + " json_extract(payload, '$.decision') AS decision, json_extract(payload, '$.reason') AS reason,"
                + " json_extract(payload, '$.client.name') AS client FROM events WHERE call_id IS NOT NULL ORDER BY seq");
        assertThat(events).extracting(e -> e.get("type")).containsExactly("call.approval", "call.requested",
                "call.completed");
        assertThat(events).extracting(e -> e.get("call_id")).containsOnly(events.get(0).get("call_id"));
        assertThat(events.get(0)).containsEntry("decision", "accept").containsEntry("reason", "planned change CHG-1")
                .containsEntry("client", "test-agent");
        assertThat(AuditLogRows.query(db, "SELECT json_extract(payload, '$.write_reason') AS w,"
                + " json_extract(payload, '$.message') AS m FROM events WHERE type = 'call.approval'"))
                .containsExactly(Map.of("w", "s3 rm: a write", "m", message));
    }

    @Test
    void aDeclinedWriteIsRefusedWithTheUsersReasonAndNothingGoesOn() {
        ScriptedAgent agent = new ScriptedAgent(true, p -> answer("decline", "not during the freeze"));
        Upstream upstream = new Upstream();

        CallResult result = pipeline(agent, upstream).run(onProd("aws ec2 terminate-instances --instance-ids i-1"));
        recorder.close();

        assertThat(upstream.reached).isEmpty();
        assertThat(result).isInstanceOfSatisfying(CallResult.Refused.class, r -> assertThat(r.sentence())
                .contains("the user declined it (reason: \"not during the freeze\")"));
        assertThat(AuditLogRows.query(db, "SELECT type, json_extract(payload, '$.decision') AS d FROM events"
                + " WHERE call_id IS NOT NULL ORDER BY seq")).extracting(e -> e.get("type") + " " + e.get("d"))
                .containsExactly("call.approval decline", "call.rejected null");
        assertThat(AuditLogRows.query(db, "SELECT outcome FROM calls")).extracting(e -> e.get("outcome"))
                .containsExactly("denied");
    }

    @Test
    void cancelAndNoAnswerAreRefusalsToo() {
        Upstream upstream = new Upstream();
        CallResult cancelled = pipeline(new ScriptedAgent(true, p -> answer("cancel", null)), upstream)
                .run(onProd("aws iam create-user --user-name u"));
        CallResult unanswered = pipeline(new ScriptedAgent(true, p -> Optional.empty()), upstream)
                .run(onProd("aws iam create-user --user-name u"));
        recorder.close();

        assertThat(upstream.reached).isEmpty();
        assertThat(cancelled).isInstanceOfSatisfying(CallResult.Refused.class,
                r -> assertThat(r.sentence()).contains("the user cancelled it"));
        assertThat(unanswered).isInstanceOfSatisfying(CallResult.Refused.class,
                r -> assertThat(r.sentence()).contains("nobody answered within 5 s (--confirm-timeout)"));
        assertThat(AuditLogRows.query(db, "SELECT json_extract(payload, '$.decision') AS d FROM events"
                + " WHERE type = 'call.approval' ORDER BY seq")).extracting(e -> e.get("d"))
                .containsExactly("cancel", "timeout");
    }

    @Test
    void readsOnProtectedProfilesAndEverythingElsewherePassWithoutAQuestion() {
        ScriptedAgent agent = new ScriptedAgent(true, p -> answer("decline", null));
        Upstream upstream = new Upstream();
        CallPipeline pipeline = pipeline(agent, upstream);

        pipeline.run(onProd("aws s3 ls"));
        pipeline.run(onProd("aws s3 cp s3://b/report.csv ."));
        pipeline.run(toolCall("aws___call_aws", "{\"cli_command\":\"aws s3 rm s3://b/k\",\"aws_profile\":\"dev\"}"));
        pipeline.run(toolCall("aws___run_script", "{\"script\":\"print(1)\"}")); // default profile dev
        pipeline.run(toolCall("search_documentation", "{\"search_phrase\":\"s3\"}"));

        assertThat(agent.asked).isEmpty();
        assertThat(upstream.reached).hasSize(5);
    }

    @Test
    void scriptsAndToolsNotMarkedReadOnlyAreAskedOnProtectedProfiles() {
        ScriptedAgent agent = new ScriptedAgent(true, p -> answer("accept", null));
        Upstream upstream = new Upstream();
        CallPipeline pipeline = pipeline(agent, upstream);

        pipeline.run(toolCall("aws___run_script", "{\"script\":\"import boto3\",\"aws_profile\":\"prod\"}"));
        WriteApproval onDefault = new WriteApproval(new ApprovalSettings(List.of("dev"), Duration.ofSeconds(5), false),
                agent, catalog, describer, recorder);
        onDefault.handle(toolCall("eks_apply", "{\"manifest\":\"kind: Pod\"}").routedTo("dev"), c -> upstream.handle(c, null));

        assertThat(agent.asked).hasSize(2);
        assertThat(agent.asked.get(0).get("message").asText()).contains("Script:\nimport boto3");
        assertThat(agent.asked.get(1).get("message").asText()).contains("Tool:    eks_apply", "Manifest:\nkind: Pod");
    }

    @Test
    void aClientThatCannotBeAskedIsRefusedWithWhatToDo() {
        Upstream upstream = new Upstream();

        CallResult result = pipeline(new ScriptedAgent(false, p -> answer("accept", null)), upstream)
                .run(onProd("aws s3 rm s3://b/k"));
        recorder.close();

        assertThat(upstream.reached).isEmpty();
        assertThat(result).isInstanceOfSatisfying(CallResult.Refused.class, r -> assertThat(r.sentence())
                .contains("did not declare the elicitation capability", "Use a client that supports elicitation",
                        "--confirm-writes", "--confirm-fallback allow"));
        assertThat(AuditLogRows.query(db, "SELECT json_extract(payload, '$.decision') AS d FROM events"
                + " WHERE type = 'call.approval'")).extracting(e -> e.get("d")).containsExactly("no-capability");
    }

    @Test
    void theSecretInACommandIsNeverShownNorRecorded() {
        ScriptedAgent agent = new ScriptedAgent(true, p -> answer("accept", null));
        pipeline(agent, new Upstream()).run(onProd(
                "aws secretsmanager put-secret-value --secret-id db --secret-string hunter2-Secret-Value"));
        recorder.close();

        assertThat(agent.asked.get(0).toString()).doesNotContain("hunter2-Secret-Value").contains("[REDACTED");
        assertThat(AuditLogRows.query(db, "SELECT payload FROM events").toString()).doesNotContain("hunter2-Secret-Value");
    }

    @Test
    void writesArrivingTogetherAreAskedOneAtATimeInArrivalOrder() throws Exception {
        List<String> order = new ArrayList<>();
        int[] open = {0};
        int[] mostOpen = {0};
        java.util.concurrent.CountDownLatch firstAsked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch othersQueued = new java.util.concurrent.CountDownLatch(1);
        ApprovalChannel slowAgent = new ScriptedAgent(true, p -> answer("accept", null)) {
            @Override
            public Optional<JsonNode> ask(ObjectNode params, Duration timeout, InFlight call) {
                String command = params.get("message").asText().replaceAll("(?s).*Command: (\\S+ \\S+ \\S+ \\S+).*", "$1");
                synchronized (order) {
                    open[0]++;
                    mostOpen[0] = Math.max(mostOpen[0], open[0]);
                    order.add(command);
                }
                try {
                    if (command.endsWith("/1")) {
                        firstAsked.countDown();
                        othersQueued.await(); // the user takes a while; meanwhile the other two wait their turn
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (order) {
                    open[0]--;
                }
                return answer("accept", null);
            }
        };
        WriteApproval approval = new WriteApproval(new ApprovalSettings(List.of("prod"), Duration.ofSeconds(5), false),
                slowAgent, catalog, describer, recorder);
        // Made in this order, as the stdin reader makes them (InFlight numbers arrivals).
        List<Call> calls = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            calls.add(onProd("aws s3 rm s3://b/" + i).routedTo("prod"));
        }
        List<Thread> threads = new ArrayList<>();
        threads.add(new Thread(() -> approval.handle(calls.get(0), c -> null)));
        threads.get(0).start();
        firstAsked.await();
        for (int i = 2; i >= 1; i--) { // their threads start in the reverse order
            Call c = calls.get(i);
            Thread t = new Thread(() -> approval.handle(c, x -> null));
            t.start();
            threads.add(t);
            Thread.sleep(100);
        }
        Thread.sleep(400);
        othersQueued.countDown();
        for (Thread t : threads) {
            t.join();
        }

        assertThat(mostOpen[0]).isEqualTo(1);
        assertThat(order).containsExactly("aws s3 rm s3://b/1", "aws s3 rm s3://b/2", "aws s3 rm s3://b/3");
    }
}
