package dev.mcpaudit.schema.writes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WriteRulesTest {

    private static JsonNode cli(String command) {
        return JsonNodeFactory.instance.objectNode().put("cli_command", command);
    }

    private static boolean writes(String command) {
        return WriteRules.classify(AwsOperation.CALL_AWS, cli(command), null).write();
    }

    @ParameterizedTest(name = "{0} is a read")
    @CsvSource(delimiter = '|', value = {
        "aws ec2 describe-instances",
        "aws s3api list-buckets",
        "aws s3api get-object --bucket b --key k out.txt",
        "aws s3api head-object --bucket b --key k",
        "aws cloudtrail lookup-events",
        "aws resource-groups search-resources --resource-query x",
        "aws dynamodb scan --table-name t",
        "aws dynamodb query --table-name t",
        "aws s3api select-object-content --bucket b --key k",
        "aws dynamodb batch-get-item --request-items file://r.json",
        "aws cloudwatch get-metric-data --metric-data-queries file://q.json",
        "aws sts get-caller-identity",
        "aws logs filter-log-events --log-group-name g",
        "aws iam simulate-principal-policy --policy-source-arn a",
    })
    void verbsThatOnlyRead(String command) {
        assertThat(writes(command)).isFalse();
    }

    @ParameterizedTest(name = "{0} is a write")
    @CsvSource(delimiter = '|', value = {
        "aws ec2 terminate-instances --instance-ids i-1",
        "aws s3api put-bucket-policy --bucket b --policy p",
        "aws iam create-user --user-name u",
        "aws dynamodb batch-write-item --request-items file://r.json",
        "aws lambda invoke --function-name f out.json",
        "aws apigateway test-invoke-method --rest-api-id a --resource-id r --http-method GET",
        "aws configure set region us-east-1",
        "aws s3",
    })
    void everythingElseWrites(String command) {
        assertThat(writes(command)).isTrue();
    }

    /** Every row of the committed exceptions table, both ways where it has two. */
    @ParameterizedTest(name = "{0} → write: {1}")
    @CsvSource(delimiter = '|', value = {
        "aws s3 ls | false",
        "aws s3 ls s3://bucket/prefix/ --recursive | false",
        "aws s3 presign s3://b/k --expires-in 60 | false",
        "aws s3 cp s3://b/report.csv . | false",
        "aws s3 cp s3://b/report.csv - | false",
        "aws s3 cp s3://b/logs/ ./logs --recursive --exclude '*.tmp' | false",
        "aws s3 cp ./report.csv s3://b/report.csv | true",
        "aws s3 cp s3://a/k s3://b/k | true",
        "aws s3 cp --acl private ./f s3://b/k | true",
        "aws s3 cp ./f arn:aws:s3:us-east-1:123456789012:accesspoint/ap/k | true",
        "aws s3 sync s3://b ./here | true",
        "aws s3 sync ./here s3://b | true",
        "aws s3 mv s3://b/k ./k | true",
        "aws s3 rm s3://b/k | true",
        "aws s3 mb s3://new | true",
        "aws sts assume-role --role-arn arn:aws:iam::1:role/r --role-session-name s | false",
        "aws sts assume-role-with-saml --role-arn r --principal-arn p --saml-assertion x | false",
        "aws sts assume-role-with-web-identity --role-arn r --role-session-name s --web-identity-token t | false",
        "aws sts decode-authorization-message --encoded-message m | false",
        "aws logs start-query --log-group-name g --query-string 'fields @message' --start-time 1 --end-time 2 | false",
        "aws logs stop-query --query-id q | false",
        "aws logs start-live-tail --log-group-identifiers g | false",
        "aws athena start-query-execution --query-string 'SELECT * FROM t LIMIT 10' | false",
        "aws athena start-query-execution --query-string='with x as (select 1) select * from x' | false",
        "aws athena start-query-execution --query-string '/* c */ SHOW TABLES' | false",
        "aws athena start-query-execution --query-string 'DROP TABLE t' | true",
        "aws athena start-query-execution --query-string 'CREATE TABLE t AS SELECT 1' | true",
        "aws athena start-query-execution --query-string file://q.sql | true",
        "aws athena start-query-execution --query-execution-context Database=d | true",
        "aws dynamodb execute-statement --statement 'SELECT * FROM t' | false",
        "aws dynamodb execute-statement --statement 'DELETE FROM t WHERE k=1' | true",
    })
    void theExceptionsTable(String command, boolean write) {
        assertThat(writes(command)).isEqualTo(write);
    }

    @Test
    void everyExceptionIsCoveredAbove() throws Exception {
        String source = new String(WriteRulesTest.class.getResourceAsStream("WriteRulesTest.class").readAllBytes(),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        for (ReadExceptions.Entry e : ReadExceptions.TABLE) {
            assertThat(source).as("a test row for " + e.service() + " " + e.operation())
                    .contains("aws " + e.service() + " " + e.operation());
        }
    }

    @Test
    void scriptsAlwaysWriteAndOtherToolsFollowReadOnlyHint() {
        JsonNode code = JsonNodeFactory.instance.objectNode().put("script", "print(1)");
        assertThat(WriteRules.classify(AwsOperation.RUN_SCRIPT, code, true).write()).isTrue();
        assertThat(WriteRules.classify(AwsOperation.RUN_SCRIPT, code, null).reason())
                .isEqualTo("aws___run_script: code cannot be proven read-only");
        assertThat(WriteRules.classify("search_documentation", null, true).write()).isFalse();
        assertThat(WriteRules.classify("eks_apply", null, false).write()).isTrue();
        // The log does not carry the hint: a recorded call of another tool is not counted as a write.
        assertThat(WriteRules.classify("eks_apply", null, null).write()).isFalse();
    }

    @Test
    void aCommandNamingNoOperationRunsNothingAndAPurgedOneWrites() {
        assertThat(WriteRules.classify(AwsOperation.CALL_AWS, cli(""), false).write()).isFalse();
        assertThat(WriteRules.classify(AwsOperation.CALL_AWS, JsonNodeFactory.instance.textNode("[PURGED:7]"), false)
                .write()).isTrue();
    }

    @Test
    void storedArgumentsAreClassifiedTheSame() {
        assertThat(WriteRules.RECORDED_CALLS.isWrite(AwsOperation.CALL_AWS, "{\"cli_command\":\"aws s3 cp s3://b/k .\"}"))
                .isFalse();
        assertThat(WriteRules.RECORDED_CALLS.isWrite(AwsOperation.CALL_AWS, "{\"cli_command\":\"aws s3 rm s3://b/k\"}"))
                .isTrue();
        assertThat(WriteRules.RECORDED_CALLS.isWrite(AwsOperation.CALL_AWS, "[PURGED:3]")).isTrue();
    }
}
