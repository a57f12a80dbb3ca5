package dev.mcpaudit.schema.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Members AWS's own service models mark sensitive, hidden in the {@code aws___call_aws} commands that
 * set them and in the results of the operations that return them, whatever the names look like.
 */
class ModelRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FingerprintKey KEY = FingerprintKey.ephemeral();
    private static final Redactor REDACTOR = new Redactor(RedactionRules.defaults(), KEY);

    @TempDir
    Path dir;

    private static String m(String rule, String secret) {
        return "[REDACTED:" + rule + ":" + KEY.fingerprint(secret) + "]";
    }

    private static String model(String secret) {
        return m("aws-model", secret);
    }

    private static Redaction callAws(Redactor redactor, String command) {
        return redactor.redactArguments("aws___call_aws", JSON.createObjectNode().put("cli_command", command));
    }

    private static String cli(String command) {
        return callAws(REDACTOR, command).value().get("cli_command").asText();
    }

    // ---------------------------------------------------------------------------------------------
    // Commands: only the sensitive values change; flags, keys and everything else stay as written.

    static Stream<Arguments> sensitiveMembersInCommands() {
        return Stream.of(
                arguments("a top-level member by its flag",
                        "aws cognito-idp admin-create-user --user-pool-id eu-west-1_aBcDeF --username maria.garcia --region eu-west-1",
                        "aws cognito-idp admin-create-user --user-pool-id eu-west-1_aBcDeF --username " + model("maria.garcia")
                                + " --region eu-west-1"),
                arguments("the = form of a flag",
                        "aws cognito-idp admin-create-user --user-pool-id eu-west-1_aBcDeF --username=maria.garcia",
                        "aws cognito-idp admin-create-user --user-pool-id eu-west-1_aBcDeF --username=" + model("maria.garcia")),
                arguments("a map inside a structure, in shorthand: values hidden, keys kept",
                        "aws lambda create-function --function-name api --runtime python3.12 "
                                + "--environment Variables={DB_HOST=db1.internal,LOG_LEVEL=info}",
                        "aws lambda create-function --function-name api --runtime python3.12 "
                                + "--environment 'Variables={DB_HOST=" + model("db1.internal") + ",LOG_LEVEL=" + model("info") + "}'"),
                arguments("the same in JSON",
                        "aws lambda create-function --function-name api "
                                + "--environment '{\"Variables\":{\"DB_HOST\":\"db1.internal\",\"LOG_LEVEL\":\"info\"}}'",
                        "aws lambda create-function --function-name api --environment '{\"Variables\":{\"DB_HOST\":\""
                                + model("db1.internal") + "\",\"LOG_LEVEL\":\"" + model("info") + "\"}}'"),
                arguments("the same in --cli-input-json, next to members that are not sensitive",
                        "aws lambda create-function --cli-input-json "
                                + "'{\"FunctionName\":\"api\",\"Runtime\":\"python3.12\",\"Environment\":{\"Variables\":{\"DB_HOST\":\"db1.internal\"}}}'",
                        "aws lambda create-function --cli-input-json '{\"FunctionName\":\"api\",\"Runtime\":\"python3.12\","
                                + "\"Environment\":{\"Variables\":{\"DB_HOST\":\"" + model("db1.internal") + "\"}}}'"),
                arguments("a list flag: every word is one element, and only its sensitive member is hidden",
                        "aws cognito-idp admin-update-user-attributes --user-pool-id eu-west-1_aBcDeF --username maria "
                                + "--user-attributes Name=email,Value=maria@example.com Name=phone_number,Value=+15551234567 --region eu-west-1",
                        "aws cognito-idp admin-update-user-attributes --user-pool-id eu-west-1_aBcDeF --username " + model("maria")
                                + " --user-attributes Name=email,Value=" + model("maria@example.com")
                                + " Name=phone_number,Value=" + model("+15551234567") + " --region eu-west-1"),
                arguments("a list flag as JSON",
                        "aws cognito-idp admin-update-user-attributes --user-pool-id p "
                                + "--user-attributes '[{\"Name\":\"email\",\"Value\":\"maria@example.com\"}]'",
                        "aws cognito-idp admin-update-user-attributes --user-pool-id p "
                                + "--user-attributes '[{\"Name\":\"email\",\"Value\":\"" + model("maria@example.com") + "\"}]'"),
                arguments("a quoted shorthand value with a comma, and a list of values under one key",
                        "aws ssm send-command --document-name AWS-RunShellScript --instance-ids i-0abc "
                                + "--parameters 'commands=[\"echo a,b\",uptime],workingDirectory=/srv'",
                        "aws ssm send-command --document-name AWS-RunShellScript --instance-ids i-0abc "
                                + "--parameters commands=[" + model("\"echo a,b\"") + "," + model("uptime")
                                + "],workingDirectory=" + model("/srv")),
                arguments("a member any number of levels down (QuickSight visuals)",
                        "aws quicksight create-analysis --aws-account-id 123456789012 --analysis-id a1 --name sales "
                                + "--definition '{\"Sheets\":[{\"SheetId\":\"s1\",\"Visuals\":[{\"TableVisual\":{\"VisualId\":\"v1\","
                                + "\"ChartConfiguration\":{\"FieldOptions\":{\"NullString\":\"n/a-internal\"}}}}]}]}'",
                        "aws quicksight create-analysis --aws-account-id 123456789012 --analysis-id a1 --name sales "
                                + "--definition '{\"Sheets\":[{\"SheetId\":\"s1\",\"Visuals\":[{\"TableVisual\":{\"VisualId\":\"v1\","
                                + "\"ChartConfiguration\":{\"FieldOptions\":{\"NullString\":\"" + model("n/a-internal") + "\"}}}}]}]}'"),
                arguments("every SSM parameter value, String ones too: AWS marks the member, not the type",
                        "aws ssm put-parameter --name /prod/app/log-level --value debug --type String",
                        "aws ssm put-parameter --name /prod/app/log-level --value " + model("debug") + " --type String"),
                arguments("global flags before the service do not hide the operation",
                        "aws --region eu-west-1 --output json lambda update-function-configuration --function-name api "
                                + "--environment Variables={TIER=gold}",
                        "aws --region eu-west-1 --output json lambda update-function-configuration --function-name api "
                                + "--environment 'Variables={TIER=" + model("gold") + "}'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sensitiveMembersInCommands")
    void aSensitiveMemberIsHiddenAndTheRestOfTheCommandStays(String what, String command, String expected) {
        String out = cli(command);

        assertThat(out).isEqualTo(expected);
        assertThat(cli(out)).as("redacting again changes nothing").isEqualTo(out);
    }

    @Test
    void aValueANameRuleHidesKeepsThatRulesName() {
        String out = cli("aws lambda update-function-configuration --function-name api "
                + "--environment Variables={DB_PASSWORD=hunter2,LOG_LEVEL=info}");

        assertThat(out).isEqualTo("aws lambda update-function-configuration --function-name api "
                + "--environment 'Variables={DB_PASSWORD=" + m("password-field", "hunter2") + ",LOG_LEVEL=" + model("info") + "}'");
    }

    @Test
    void aValueThatIsNeitherShorthandNorJsonIsHiddenWholeRatherThanGuessedAt() {
        String out = cli("aws lambda update-function-configuration --function-name api --environment 'Variables={DB_HOST=db1'");

        assertThat(out).isEqualTo("aws lambda update-function-configuration --function-name api --environment "
                + model("Variables={DB_HOST=db1"));
    }

    @Test
    void aScalarMemberIsOneValueEvenWhenItLooksLikeJson() {
        String out = cli("aws cognito-idp admin-get-user --user-pool-id p --username '{\"given\":\"maria\"}'");

        assertThat(out).isEqualTo("aws cognito-idp admin-get-user --user-pool-id p --username " + model("{\"given\":\"maria\"}"));
    }

    @Test
    void theFindingNamesTheModelMemberThatFired() {
        Redaction r = callAws(REDACTOR, "aws lambda create-function --function-name api "
                + "--environment Variables={DB_HOST=db1.internal} --cli-input-json '{\"Environment\":{\"Variables\":{\"A\":\"b\"}}}'");

        assertThat(r.findings()).extracting(Redaction.Finding::rule).containsOnly(
                "aws-model:lambda.create-function.Environment.Variables");
        assertThat(r.findings()).extracting(Redaction.Finding::path).containsExactlyInAnyOrder(
                "$.cli_command --environment", "$.cli_command --cli-input-json.Environment.Variables.A");
        assertThat(RedactionRules.defaults().description("aws-model:lambda.create-function.Environment.Variables"))
                .contains("service models mark sensitive");
    }

    static Stream<String> commandsTheModelLeavesAlone() {
        return Stream.of(
                "aws lambda update-function-configuration --function-name api --timeout 30 --memory-size 512",
                "aws lambda update-function-configuration --function-name api --environment file://env.json",
                "aws lambda get-function-configuration --function-name api --query Environment",
                "aws ec2 describe-instances --region us-east-1 --filters Name=tag:Environment,Values=prod",
                "aws cognito-idp list-users --user-pool-id eu-west-1_aBcDeF --limit 10 --attributes-to-get email",
                "aws s3api list-objects-v2 --bucket logs --prefix 2026/ --max-items 100",
                "aws help");
    }

    @ParameterizedTest
    @MethodSource("commandsTheModelLeavesAlone")
    void aCommandWithoutSensitiveMembersIsKeptByteIdentical(String command) {
        Redaction r = callAws(REDACTOR, command);

        assertThat(r.value().get("cli_command").asText()).isEqualTo(command);
        assertThat(r.findings()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // Results: the operation's sensitive output members, wherever the CLI's JSON sits in the result.

    private static JsonNode textResult(String cliOutput) {
        ObjectNode result = JSON.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", cliOutput);
        result.put("isError", false);
        return result;
    }

    private static ObjectNode commandArgs(String command) {
        return JSON.createObjectNode().put("cli_command", command);
    }

    @Test
    void aResultHidesWhatTheOperationReturnsInSensitiveMembers() throws Exception {
        JsonNode result = textResult("{\"FunctionName\":\"api\",\"Runtime\":\"python3.12\","
                + "\"Environment\":{\"Variables\":{\"DB_HOST\":\"db1.internal\"}}}");

        Redaction r = REDACTOR.redactResult("aws___call_aws",
                commandArgs("aws lambda get-function-configuration --function-name api"), result);

        JsonNode cli = JSON.readTree(r.value().at("/content/0/text").asText());
        assertThat(cli.at("/Environment/Variables/DB_HOST").asText()).isEqualTo(model("db1.internal"));
        assertThat(cli.path("FunctionName").asText()).isEqualTo("api");
        assertThat(cli.path("Runtime").asText()).isEqualTo("python3.12");
        assertThat(r.findings()).extracting(Redaction.Finding::rule)
                .containsExactly("aws-model:lambda.get-function-configuration.Environment.Variables");
    }

    @Test
    void aResultWrappedByTheServerOrInStructuredContentIsFoundToo() {
        ObjectNode result = JSON.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text",
                "{\"response\":{\"status_code\":200,\"json\":\"{\\\"Parameters\\\":[{\\\"Name\\\":\\\"/app/url\\\","
                        + "\\\"Type\\\":\\\"String\\\",\\\"Value\\\":\\\"https://internal.example\\\"}]}\"}}");
        result.putObject("structuredContent").putArray("Parameters").addObject()
                .put("Name", "/app/stage").put("Type", "SecureString").put("Value", "stage-123"); // no name rule knows it

        Redaction r = REDACTOR.redactResult("aws___call_aws",
                commandArgs("aws ssm get-parameters --names /app/url /app/stage --with-decryption"), result);

        String out = r.value().toString();
        assertThat(out).doesNotContain("https://internal.example").doesNotContain("stage-123")
                .contains("/app/url").contains("/app/stage").contains("SecureString");
        assertThat(r.findings()).extracting(Redaction.Finding::rule)
                .containsOnly("aws-model:ssm.get-parameters.Parameters[].Value").hasSize(2);
    }

    @Test
    void withoutTheCommandAResultGetsTheNameRulesOnly() {
        JsonNode result = textResult("{\"Parameter\":{\"Name\":\"/app/url\",\"Value\":\"https://internal.example\"}}");

        assertThat(REDACTOR.redact(result).value()).isEqualTo(result);
        assertThat(REDACTOR.redactResult("aws___call_aws", commandArgs("aws ssm describe-parameters"), result).value())
                .as("another operation's result: its members are not sensitive").isEqualTo(result);
        assertThat(REDACTOR.redactResult("aws___call_aws", commandArgs("aws ssm get-parameter --name /app/url"), result)
                .value().toString()).doesNotContain("https://internal.example");
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void aRuleFileCanTurnTheModelRulesOff() throws Exception {
        Path file = Files.writeString(dir.resolve("rules.json"), "{\"disable\": [\"aws-model\"]}");
        Redactor off = new Redactor(RedactionRules.load(file), KEY);
        String command = "aws lambda create-function --function-name api --environment Variables={DB_HOST=db1.internal}";

        assertThat(callAws(off, command).value().get("cli_command").asText()).isEqualTo(command);
        assertThat(RedactionRules.defaults().rules()).extracting(Rule::name).contains("aws-model");
    }
}
