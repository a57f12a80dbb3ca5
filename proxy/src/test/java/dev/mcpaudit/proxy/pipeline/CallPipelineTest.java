package dev.mcpaudit.proxy.pipeline;

import static dev.mcpaudit.proxy.pipeline.CallSteps.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.proxy.audit.AccountResolver;
import dev.mcpaudit.proxy.audit.AuditRecorder;
import dev.mcpaudit.proxy.audit.AuditRecorder.FailurePolicy;
import dev.mcpaudit.proxy.audit.Outcome;
import dev.mcpaudit.proxy.config.ProfileSet;
import dev.mcpaudit.proxy.config.ProxyOptions;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.proxy.upstream.ProfileCredentials;
import dev.mcpaudit.schema.redact.RedactionRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline with a real log file: steps run in order, and every refusal is recorded once, alike. */
class CallPipelineTest {
    @TempDir
    Path dir;

    private final ProfileRouter router = new ProfileRouter(new ProfileSet(List.of("dev", "prod")),
            ProxyOptions.DEFAULT_PROFILE_TOOLS);
    private final CallDescriber describer = new CallDescriber(router, new AccountResolver(
            new ProfileCredentials(Map.of()), p -> "us-east-1", Executors.newSingleThreadExecutor(), Duration.ofSeconds(1)),
            Map.of("dev", "us-east-2", "prod", "eu-west-1"), "aws-mcp");
    private final List<String> ran = new ArrayList<>();

    private AuditRecorder recorder(Path db) {
        AuditRecorder recorder = new AuditRecorder(db, RedactionRules.defaults(), FailurePolicy.CLOSED, -1);
        recorder.start(() -> JsonRpc.MAPPER.createObjectNode().put("proxy_version", "test"));
        return recorder;
    }

    private CallPipeline pipeline(AuditRecorder recorder, CallStep... steps) {
        return new CallPipeline(List.of(steps), recorder, describer, new LogRedaction(RedactionRules.defaults()));
    }

    /** A step that notes it ran and passes the call on. */
    private CallStep passes(String name) {
        return (call, next) -> {
            ran.add(name);
            return next.proceed(call);
        };
    }

    private CallStep upstream() {
        return (call, next) -> {
            ran.add("upstream:" + call.profile());
            ObjectNode result = JsonRpc.toolError("fine");
            return new CallResult.Completed(Outcome.OK, result, null, null);
        };
    }

    private static CallStep refuses(String sentence) {
        return (call, next) -> new CallResult.Refused(call, "test refusal", sentence);
    }

    @Test
    void stepsRunInTheirOrderAndEachSeesWhatTheOneBeforeDecided() {
        Path db = dir.resolve("audit.db");
        AuditRecorder recorder = recorder(db);

        CallResult result = pipeline(recorder, passes("guard"), router, passes("after-router"),
                new CallRecorder(recorder, describer), upstream())
                .run(toolCall("aws___call_aws", "{\"cli_command\":\"aws s3 ls\",\"aws_profile\":\"prod\"}"));
        recorder.close();

        assertThat(ran).containsExactly("guard", "after-router", "upstream:prod");
        assertThat(result).isInstanceOf(CallResult.Completed.class);
        assertThat(AuditLogRows.query(db, "SELECT profile, region, tool, args, outcome FROM calls")).containsExactly(
                Map.of("profile", "prod", "region", "eu-west-1", "tool", "aws___call_aws",
                        "args", "{\"cli_command\":\"aws s3 ls\"}", "outcome", "ok"));
    }

    @Test
    void aRefusalBeforeOrAtTheRouterIsRecordedOnceWithTheProfileTheCallNamedAndNothingAfterItRuns() {
        Path db = dir.resolve("audit.db");
        AuditRecorder recorder = recorder(db);
        CallPipeline guarded = pipeline(recorder, refuses("No writes here."), router, new CallRecorder(recorder, describer),
                upstream());
        CallPipeline routed = pipeline(recorder, router, new CallRecorder(recorder, describer), upstream());

        guarded.run(toolCall("aws___call_aws", "{\"cli_command\":\"aws s3 rb s3://b\",\"aws_profile\":\"prod\"}"));
        guarded.run(toolCall("aws___call_aws", "{\"cli_command\":\"aws s3 rb s3://b\"}"));
        routed.run(toolCall("aws___call_aws", "{\"cli_command\":\"aws s3 ls\",\"aws_profile\":\"prod \"}"));
        recorder.close();

        assertThat(ran).isEmpty();
        assertThat(AuditLogRows.query(db, "SELECT profile, coalesce(region, '-') AS region, args, outcome,"
                + " substr(error, 1, 40) AS reason FROM calls")).containsExactly(
                Map.of("profile", "prod", "region", "eu-west-1", "args", "{\"cli_command\":\"aws s3 rb s3://b\"}",
                        "outcome", "denied", "reason", "No writes here."),
                Map.of("profile", "dev", "region", "us-east-2", "args", "{\"cli_command\":\"aws s3 rb s3://b\"}",
                        "outcome", "denied", "reason", "No writes here."),
                Map.of("profile", "prod ", "region", "-", "args", "{\"cli_command\":\"aws s3 ls\"}",
                        "outcome", "denied", "reason", "Tool call 'aws___call_aws' was refused: "));
    }

    @Test
    void aCallTheLogCannotTakeIsNotSentAndNotRecorded() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        AuditRecorder recorder = recorder(notADirectory.resolve("audit.db"));

        CallResult result = pipeline(recorder, router, new CallRecorder(recorder, describer), upstream())
                .run(toolCall("aws___call_aws", "{\"cli_command\":\"aws s3 ls\"}"));

        assertThat(ran).isEmpty();
        assertThat(result).isInstanceOfSatisfying(CallResult.NotSent.class, r -> assertThat(r.sentence())
                .startsWith("Tool call 'aws___call_aws' was not sent: the audit log is unavailable")
                .contains("--audit-failure open"));
    }
}
