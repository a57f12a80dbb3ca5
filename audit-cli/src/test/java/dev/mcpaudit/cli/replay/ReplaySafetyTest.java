package dev.mcpaudit.cli.replay;

import static dev.mcpaudit.cli.replay.RecordedCalls.awsCall;
import static dev.mcpaudit.cli.replay.RecordedCalls.resourceRead;
import static dev.mcpaudit.cli.replay.RecordedCalls.toolCall;
import static dev.mcpaudit.cli.replay.RecordedCalls.withWrites;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpaudit.cli.replay.ReplaySafety.Decision;
import dev.mcpaudit.cli.replay.ReplaySafety.SkipKind;
import dev.mcpaudit.fixtures.replay.Fixture.Call;
import dev.mcpaudit.fixtures.replay.Fixture.Outcome;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ReplaySafetyTest {
    private static final URI AWS = URI.create("https://aws-mcp.us-east-1.api.aws/mcp");
    private static final URI MOCK = URI.create("http://127.0.0.1:8080/mcp");

    private static final Call S3_LS = awsCall(1, "dev", "aws s3 ls", Outcome.OK, "{}");
    private static final Call DESCRIBE = awsCall(2, "dev", "aws ec2 describe-instances --region us-east-1", Outcome.OK, "{}");
    private static final Call PUT_POLICY = awsCall(3, "prod", "aws s3api put-bucket-policy --bucket b --policy file://p.json",
            Outcome.OK, "{}");
    private static final Call SCRIPT = toolCall(4, "dev", "aws___run_script", "{\"script\":\"print(1)\"}", Outcome.OK, "{}");
    private static final Call SUGGEST = toolCall(5, "dev", "aws___suggest_aws_commands", "{\"query\":\"list buckets\"}",
            Outcome.OK, "{}");
    private static final Call REDACTED_READ = awsCall(6, "prod",
            "aws secretsmanager get-secret-value --secret-id [REDACTED:aws-secret-arn:3f9a1c0b2d4e]", Outcome.OK, "{}");
    private static final Call DENIED = awsCall(7, "prod", "aws iam delete-user --user-name bob", Outcome.DENIED, null);
    private static final Call CANCELLED = awsCall(8, "dev", "aws s3 ls", Outcome.CANCELLED, null);

    private static Decision live(Call call, String... allowWrites) {
        return ReplaySafety.forEndpoint(AWS, List.of(allowWrites)).decide(call);
    }

    private static Decision mock(Call call) {
        return ReplaySafety.forEndpoint(MOCK, List.of()).decide(call);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:1/mcp", "http://127.8.9.10/mcp", "http://localhost:4000/mcp", "http://LOCALHOST/mcp",
        "http://[::1]:9/mcp", "http://[0:0:0:0:0:0:0:1]/mcp"})
    void loopbackEndpointsAreMocks(String url) {
        assertThat(ReplaySafety.isLoopback(URI.create(url))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://aws-mcp.us-east-1.api.aws/mcp", "https://127.0.0.1.nip.io/mcp", "http://128.0.0.1/mcp",
        "http://127.0.0.256/mcp", "http://localhost.example.com/mcp", "http://[::2]/mcp", "http://10.0.0.1/mcp"})
    void everythingElseIsReal(String url) {
        assertThat(ReplaySafety.isLoopback(URI.create(url))).isFalse();
    }

    @Test
    void againstAMockEveryCallButDeniedAndCancelledOnesIsSent() {
        assertThat(List.of(S3_LS, PUT_POLICY, SCRIPT, SUGGEST, REDACTED_READ)).allSatisfy(c -> assertThat(mock(c).send()).isTrue());

        assertThat(mock(DENIED).send()).isFalse();
        assertThat(mock(DENIED).skipKind()).isEqualTo(SkipKind.DENIED);
        assertThat(mock(DENIED).reason()).isEqualTo("the proxy refused it when recorded");
        assertThat(mock(CANCELLED).skipKind()).isEqualTo(SkipKind.CANCELLED);
    }

    @Test
    void againstRealAwsReadsAreSent() {
        assertThat(live(S3_LS)).isEqualTo(new Decision(true, null, null, null, null));
        assertThat(live(DESCRIBE).send()).isTrue();
        assertThat(live(resourceRead(9, "dev", "aws://docs/readme", "{}")).send()).isTrue();
    }

    @Test
    void againstRealAwsAWriteIsSkippedWithTheFlagThatWouldAllowIt() {
        Decision d = live(PUT_POLICY);

        assertThat(d.send()).isFalse();
        assertThat(d.skipKind()).isEqualTo(SkipKind.NOT_READ_ONLY);
        assertThat(d.reason()).isEqualTo("write operation s3api put-bucket-policy (allow with --allow-writes 's3api put-bucket-policy')");
        assertThat(d.allowAs()).isEqualTo("s3api put-bucket-policy");
    }

    @Test
    void scriptsUnknownToolsAndCallsRecordedAsWritesCannotBeProvenReadOnly() {
        assertThat(live(SCRIPT).skipKind()).isEqualTo(SkipKind.NOT_READ_ONLY);
        assertThat(live(SCRIPT).reason()).startsWith("a script can do anything");
        assertThat(live(SUGGEST).reason()).startsWith("tool aws___suggest_aws_commands is not known to be read-only");
        assertThat(live(withWrites(DESCRIBE, true, "approved as a write")).reason())
                .startsWith("recorded as a write (approved as a write)");
        assertThat(live(awsCall(10, "dev", "aws --region us-east-1", Outcome.OK, "{}")).reason())
                .startsWith("no AWS operation found");
        assertThat(live(awsCall(11, "dev", "[PURGED:12]", Outcome.OK, "{}")).reason()).startsWith("its command was purged");
    }

    @Test
    void allowWritesMatchesServiceOperationOrToolNameCaseInsensitively() {
        assertThat(live(PUT_POLICY, "s3api *").send()).isTrue();
        assertThat(live(PUT_POLICY, "s3api *").note()).isEqualTo("allowed by --allow-writes 's3api *'");
        assertThat(live(PUT_POLICY, "S3API PUT-BUCKET-?OLICY").send()).isTrue();
        assertThat(live(PUT_POLICY, "s3 *").send()).isFalse(); // s3 is not s3api
        assertThat(live(PUT_POLICY, "iam *", "aws___call_aws").send()).isTrue();
        assertThat(live(SCRIPT, "aws___run_*").send()).isTrue();
        assertThat(live(SCRIPT, "s3api *").send()).isFalse();
    }

    @Test
    void aRedactedArgumentIsNeverSentToRealAwsEvenWhenAllowed() {
        Decision d = live(REDACTED_READ, "secretsmanager *");

        assertThat(d.send()).isFalse();
        assertThat(d.skipKind()).isEqualTo(SkipKind.REDACTED);
        assertThat(d.reason()).isEqualTo("its recorded arguments hold a redaction marker at /cli_command, so the marker would be"
                + " sent instead of the original value");
    }

    @Test
    void deniedAndCancelledCallsAreSkippedAgainstRealAwsToo() {
        assertThat(live(DENIED, "*").skipKind()).isEqualTo(SkipKind.DENIED);
        assertThat(live(CANCELLED).skipKind()).isEqualTo(SkipKind.CANCELLED);
    }

    @Test
    void aBlankGlobIsAUsageError() {
        assertThatThrownBy(() -> ReplaySafety.forEndpoint(AWS, List.of(" ")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--allow-writes needs a glob such as 's3 *'");
    }

    @Test
    void markerPointersAreRfc6901() {
        assertThat(ReplaySafety.firstMarker(RecordedCalls.json("{\"a/b\":[\"x\",{\"c~d\":\"pw [REDACTED:r:1]\"}]}"), ""))
                .isEqualTo("/a~1b/1/c~0d");
        assertThat(ReplaySafety.firstMarker(RecordedCalls.json("{\"a\":\"clean\"}"), "")).isNull();
    }
}
