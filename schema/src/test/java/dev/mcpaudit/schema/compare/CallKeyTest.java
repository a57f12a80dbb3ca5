package dev.mcpaudit.schema.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.schema.compare.SequenceAlignment.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallKeyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static CallKey key(String tool, String args) {
        return CallKey.of(tool, json(args), VolatileRules.defaults());
    }

    @Test
    void memberOrderAndMetaDoNotMakeAnotherCall() {
        assertThat(key("aws___call_aws", "{'cli_command':'aws s3 ls','max_results':5}"))
                .isEqualTo(key("aws___call_aws", "{'_meta':{'progressToken':3},'max_results':5.0,'cli_command':'aws s3 ls'}"));
    }

    @Test
    void otherArgumentsOrAnotherToolMakeAnotherCall() {
        CallKey base = key("aws___call_aws", "{'cli_command':'aws s3 ls'}");
        assertThat(key("aws___call_aws", "{'cli_command':'aws s3 ls s3://logs'}")).isNotEqualTo(base);
        assertThat(key("aws___run_script", "{'cli_command':'aws s3 ls'}")).isNotEqualTo(base);
    }

    @Test
    void aTimeInTheArgumentsIsPartOfTheCall() {
        assertThat(key("aws___call_aws", "{'cli_command':'aws logs filter-log-events','start':'2026-12-01T00:00:00Z'}"))
                .isNotEqualTo(key("aws___call_aws", "{'cli_command':'aws logs filter-log-events','start':'2026-12-02T00:00:00Z'}"));
    }

    @Test
    void aRedactedArgumentMatchesTheSameRuleFromALogWithAnotherFingerprintKey() {
        assertThat(key("aws___call_aws", "{'secret':'[REDACTED:aws-secret:3f9a1c0b2d4e]'}"))
                .isEqualTo(key("aws___call_aws", "{'secret':'[REDACTED:aws-secret:0123456789ab]'}"))
                .isNotEqualTo(key("aws___call_aws", "{'secret':'[REDACTED:password-field:3f9a1c0b2d4e]'}"));
    }

    @Test
    void aCommandLineWithAMarkerInsideMatchesTheSameLineFromALogWithAnotherFingerprintKey() {
        assertThat(key("aws___call_aws", "{'cli_command':'aws sm create-secret --secret-string [REDACTED:secret-field:3f9a1c0b2d4e]'}"))
                .isEqualTo(key("aws___call_aws", "{'cli_command':'aws sm create-secret --secret-string [REDACTED:secret-field:0123456789ab]'}"));
    }

    @Test
    void theKeyIsTheToolAndCanonicalArguments() {
        assertThat(key("aws___call_aws", "{'b':1,'a':'x'}")).hasToString("aws___call_aws {\"a\":\"x\",\"b\":1}");
        assertThat(CallKey.of("aws___list_regions", null, VolatileRules.defaults())).hasToString("aws___list_regions null");
    }

    record Call(String tool, JsonNode args) {}

    @Test
    void twoSessionsAlignedByCallKeyReportTheSameCallWithOtherArgumentsAsChanged() {
        List<Call> staging = List.of(
                new Call("aws___call_aws", json("{'cli_command':'aws sts get-caller-identity'}")),
                new Call("aws___call_aws", json("{'cli_command':'aws ec2 describe-security-groups --group-ids sg-0aa1'}")),
                new Call("aws___call_aws", json("{'cli_command':'aws s3 ls s3://stg-artifacts'}")),
                new Call("aws___call_aws", json("{'cli_command':'aws lambda list-functions'}")));
        List<Call> prod = List.of(
                new Call("aws___call_aws", json("{'_meta':{'progressToken':9},'cli_command':'aws sts get-caller-identity'}")),
                new Call("aws___call_aws", json("{'cli_command':'aws ec2 describe-security-groups --group-ids sg-0bb2'}")),
                new Call("aws___call_aws", json("{'cli_command':'aws iam attach-role-policy --role-name deploy'}")),
                new Call("aws___call_aws", json("{'cli_command':'aws lambda list-functions'}")));

        List<Step<Call>> steps = SequenceAlignment.align(staging, prod,
                c -> CallKey.of(c.tool(), c.args(), VolatileRules.defaults()).toString(),
                (x, y) -> JsonSimilarity.between(x.args(), y.args()),
                (x, y) -> x.tool().equals(y.tool()));

        assertThat(steps).extracting(Step::kind).containsExactly(
                Step.Kind.SAME, Step.Kind.CHANGED, Step.Kind.REMOVED, Step.Kind.ADDED, Step.Kind.SAME);
    }
}
