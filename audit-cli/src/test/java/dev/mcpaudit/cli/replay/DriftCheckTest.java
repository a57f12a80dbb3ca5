package dev.mcpaudit.cli.replay;

import static dev.mcpaudit.cli.replay.RecordedCalls.awsCall;
import static dev.mcpaudit.cli.replay.RecordedCalls.json;
import static dev.mcpaudit.cli.replay.RecordedCalls.withResult;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.fixtures.replay.Fixture.Call;
import dev.mcpaudit.fixtures.replay.Fixture.Outcome;
import dev.mcpaudit.schema.CanonicalJson;
import dev.mcpaudit.schema.compare.Difference;
import dev.mcpaudit.schema.compare.VolatileRules;
import dev.mcpaudit.schema.redact.FingerprintKey;
import dev.mcpaudit.schema.redact.RedactionRules;
import dev.mcpaudit.schema.redact.Redactor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status decision, without a proxy: recorded calls against answers built in place. */
class DriftCheckTest {
    private static final Redactor REDACTOR = new Redactor(RedactionRules.defaults(), FingerprintKey.ephemeral());
    private static final DriftCheck CHECK = new DriftCheck(VolatileRules.defaults(), REDACTOR);

    private static final String INSTANCES = """
            {"content":[{"type":"text","text":"{\\"Reservations\\":[{\\"Instances\\":[{\\"InstanceId\\":\\"i-0b2\\",\
            \\"State\\":{\\"Name\\":\\"running\\"},\\"LaunchTime\\":\\"2026-12-01T09:15:00Z\\"}]}],\\"ResponseMetadata\\":\
            {\\"RequestId\\":\\"%s\\"}}"}],"isError":false}""";
    private static final Call DESCRIBE = awsCall(12, "prod", "aws ec2 describe-instances", Outcome.OK,
            INSTANCES.formatted("req-1"));

    private static Answer result(String json) {
        return Answer.result(json(json));
    }

    @Test
    void equalHashIsAMatchWithoutLookingAtBodies() {
        Call hashOnly = withResult(DESCRIBE, null, DESCRIBE.resultSha256(), null);

        CallVerdict v = CHECK.check(hashOnly, result(INSTANCES.formatted("req-1")));

        assertThat(v.status()).isEqualTo(CallStatus.MATCH);
        assertThat(v.reason()).isNull();
        assertThat(v.replayOutcome()).isEqualTo(Outcome.OK);
    }

    @Test
    void bodiesDifferingOnlyInVolatilePathsMatchAndSaySo() {
        CallVerdict v = CHECK.check(DESCRIBE, result(INSTANCES.formatted("req-2").replace("09:15:00Z", "10:00:00Z")));

        assertThat(v.status()).isEqualTo(CallStatus.MATCH);
        assertThat(v.ignoredPaths()).isEqualTo(2);
        assertThat(v.reason()).isEqualTo("2 volatile paths ignored");
        assertThat(v.status().isDrift()).isFalse();
    }

    @Test
    void aChangedValueIsReportedByPointerWithBothValues() {
        CallVerdict v = CHECK.check(DESCRIBE, result(INSTANCES.formatted("req-2").replace("running", "stopped")));

        assertThat(v.status()).isEqualTo(CallStatus.CHANGED);
        assertThat(v.differences()).extracting(Difference::pointer)
                .containsExactly("/content/0/text/Reservations/0/Instances/0/State/Name");
        assertThat(v.differences().get(0).recorded().textValue()).isEqualTo("running");
        assertThat(v.differences().get(0).actual().textValue()).isEqualTo("stopped");
        assertThat(v.reason()).isEqualTo("1 volatile path ignored");
        assertThat(v.status().isDrift()).isTrue();
    }

    @Test
    void okBecomingAToolErrorIsAnOutcomeFlipWithTheErrorText() {
        CallVerdict v = CHECK.check(DESCRIBE, result("{\"content\":[{\"type\":\"text\",\"text\":\"An error occurred (AccessDenied)"
                + " when calling\\nDescribeInstances\"}],\"isError\":true}"));

        assertThat(v.status()).isEqualTo(CallStatus.OUTCOME);
        assertThat(v.reason()).isEqualTo("ok -> tool_error: An error occurred (AccessDenied) when calling DescribeInstances");
        assertThat(v.recordedOutcome()).isEqualTo(Outcome.OK);
        assertThat(v.replayOutcome()).isEqualTo(Outcome.TOOL_ERROR);
    }

    @Test
    void aJsonRpcErrorIsAnErrorOutcome() {
        CallVerdict v = CHECK.check(DESCRIBE, Answer.error(json("{\"code\":-32603,\"message\":\"upstream unavailable\"}")));

        assertThat(v.status()).isEqualTo(CallStatus.OUTCOME);
        assertThat(v.reason()).isEqualTo("ok -> error: upstream unavailable");
    }

    @Test
    void aToolErrorThatNowSucceedsIsAnOutcomeFlipToo() {
        Call failed = new Call(5, "h", 6L, "h2", "c", "dev", Fixture.Call.TOOLS_CALL, "aws___call_aws", null,
                json("{\"cli_command\":\"aws s3 ls\"}"), Outcome.TOOL_ERROR, "AccessDenied", json("{\"content\":[],\"isError\":true}"),
                "0", true, null, null, null);

        CallVerdict v = CHECK.check(failed, result("{\"content\":[],\"isError\":false}"));

        assertThat(v.status()).isEqualTo(CallStatus.OUTCOME);
        assertThat(v.reason()).isEqualTo("tool_error -> ok (recorded error: AccessDenied)");
    }

    @Test
    void aDifferentHashWithoutARecordedBodyIsHashOnly() {
        CallVerdict absent = CHECK.check(withResult(DESCRIBE, null, DESCRIBE.resultSha256(), null),
                result(INSTANCES.formatted("req-2")));
        CallVerdict cut = CHECK.check(withResult(DESCRIBE, "{\"content\":[]}", DESCRIBE.resultSha256(), false),
                result(INSTANCES.formatted("req-2")));

        assertThat(absent.status()).isEqualTo(CallStatus.HASH_ONLY);
        assertThat(absent.reason()).contains("its body was not recorded");
        assertThat(cut.status()).isEqualTo(CallStatus.HASH_ONLY);
        assertThat(cut.reason()).contains("cut short");
    }

    @Test
    void noAnswerIsMissingWithItsReason() {
        CallVerdict v = CHECK.check(DESCRIBE, Answer.missing("no answer within 30s"));

        assertThat(v.status()).isEqualTo(CallStatus.MISSING);
        assertThat(v.reason()).isEqualTo("no answer within 30s");
        assertThat(v.replayOutcome()).isNull();
    }

    @Test
    void aLiveSecretMeetsItsRecordedMarkerAndIsNeverShown() {
        JsonNode live = json("{\"content\":[{\"type\":\"text\",\"text\":\"{\\\"password\\\":\\\"Hunter2-live!\\\",\\\"n\\\":1}\"}]}");
        // recorded in another log: same rule, another fingerprint key
        JsonNode recordedBody = new Redactor(RedactionRules.defaults(), FingerprintKey.ephemeral()).redact(live).value();
        Call recorded = withResult(DESCRIBE, recordedBody.toString(), "not-the-hash", true);

        assertThat(recordedBody.toString()).contains("[REDACTED:").doesNotContain("Hunter2");
        assertThat(CHECK.check(recorded, Answer.result(live)).status()).isEqualTo(CallStatus.MATCH);

        CallVerdict changed = CHECK.check(recorded, Answer.result(json(live.toString().replace("\\\"n\\\":1", "\\\"n\\\":2"))));
        assertThat(changed.status()).isEqualTo(CallStatus.CHANGED);
        assertThat(changed.differences()).extracting(Difference::pointer).containsExactly("/content/0/text/n");
        assertThat(changed.differences().toString()).doesNotContain("Hunter2");
    }

    @Test
    void twoErrorsCompareTheirMessages() {
        Call prompt = new Call(13, "h", 14L, "h2", "c", "dev", Fixture.Call.PROMPTS_GET, null, "troubleshoot", null, Outcome.ERROR,
                "Prompt not found: troubleshoot", null, null, null, null, null, null);

        assertThat(CHECK.check(prompt, Answer.error(json("{\"code\":-32602,\"message\":\"Prompt not found: troubleshoot\"}"))).status())
                .isEqualTo(CallStatus.MATCH);
        CallVerdict v = CHECK.check(prompt, Answer.error(json("{\"code\":-32602,\"message\":\"Prompt troubleshoot is gone\"}")));
        assertThat(v.status()).isEqualTo(CallStatus.CHANGED);
        assertThat(v.differences()).extracting(Difference::pointer).containsExactly("/error/message");
    }

    @Test
    void theFixturesOwnVolatileRulesApply() {
        Fixture fixture = new Fixture(Fixture.FORMAT, new Fixture.Source("l", "s", null, null, null, null, null), Map.of(), List.of(),
                new Fixture.VolatileFields(List.of("/structuredContent/Owner"), List.of("ETag")), null, List.of());
        DriftCheck check = new DriftCheck(DriftCheck.rulesOf(fixture), REDACTOR);
        String body = "{\"structuredContent\":{\"Owner\":\"%s\",\"ETag\":\"%s\",\"Size\":1}}";
        Call recorded = awsCall(1, "dev", "aws s3api head-object --bucket b --key k", Outcome.OK, body.formatted("alice", "e1"));

        CallVerdict v = check.check(recorded, result(body.formatted("bob", "e2")));

        assertThat(v.status()).isEqualTo(CallStatus.MATCH);
        assertThat(v.ignoredPaths()).isEqualTo(2);
        assertThat(CanonicalJson.sha256Hex(json(body.formatted("bob", "e2")))).isNotEqualTo(recorded.resultSha256());
    }
}
