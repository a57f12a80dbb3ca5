package dev.mcpaudit.schema.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A secret given as the value of a name/value pair: the value is hidden wherever the pair is
 * written, and the name, the pair's other members and the pairs beside it stay readable.
 */
class NameValuePairRedactionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FingerprintKey KEY = FingerprintKey.ephemeral();
    private static final Redactor REDACTOR = new Redactor(RedactionRules.defaults(), KEY);

    private static String m(String secret) {
        return "[REDACTED:name-value-pair:" + KEY.fingerprint(secret) + "]";
    }

    // ---------------------------------------------------------------------------------------------
    // JSON: arguments and results

    static Stream<Arguments> jsonPairs() {
        return Stream.of(
                arguments("ecs environment entry", "{\"name\": \"DB_PASSWORD\", \"value\": \"s1\"}", "/value"),
                arguments("Name/Value", "{\"Name\": \"DB_PASS\", \"Value\": \"s1\"}", "/Value"),
                arguments("NAME/VALUE", "{\"NAME\": \"api_key\", \"VALUE\": \"s1\"}", "/VALUE"),
                arguments("key/value", "{\"key\": \"dbPassword\", \"value\": \"s1\"}", "/value"),
                arguments("Key/Value tag", "{\"Key\": \"STRIPE_SECRET_KEY\", \"Value\": \"s1\"}", "/Value"),
                arguments("CloudFormation parameter",
                        "{\"ParameterKey\": \"DBPassword\", \"ParameterValue\": \"s1\", \"UsePreviousValue\": false}", "/ParameterValue"),
                arguments("CloudFormation output", "{\"OutputKey\": \"AdminToken\", \"OutputValue\": \"s1\", \"Description\": \"x\"}",
                        "/OutputValue"),
                arguments("Elastic Beanstalk option setting",
                        "{\"Namespace\": \"aws:elasticbeanstalk:application:environment\", \"OptionName\": \"DB_PASSWORD\", \"Value\": \"s1\"}",
                        "/Value"),
                arguments("RDS parameter", "{\"ParameterName\": \"master_password\", \"ParameterValue\": \"s1\"}", "/ParameterValue"),
                arguments("SSM parameter read with --with-decryption",
                        "{\"Name\": \"/prod/db/password\", \"Type\": \"SecureString\", \"Value\": \"s1\", \"Version\": 3}", "/Value"),
                arguments("HTTP header as name/value", "{\"name\": \"Authorization\", \"value\": \"s1\"}", "/value"),
                arguments("value that is a number", "{\"name\": \"PIN_PASS\", \"value\": 4711}", "/value"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jsonPairs")
    void theValueOfASecretPairIsHiddenAndTheRestKept(String what, String json, String valuePointer) {
        JsonNode in = json(json);

        Redaction r = REDACTOR.redact(in);

        ObjectNode expected = (ObjectNode) in.deepCopy();
        expected.put(valuePointer.substring(1), m(in.at(valuePointer).asText()));
        assertThat(r.value()).isEqualTo(expected);
        assertThat(r.findings()).containsExactly(new Redaction.Finding("name-value-pair", "$" + valuePointer.replace('/', '.')));
    }

    @Test
    void aContainerDefinitionKeepsItsHarmlessVariablesAndHidesTheSecretOnes() {
        String taskDefinition = """
                {"taskDefinition": {"family": "api", "containerDefinitions": [{"name": "api", "image": "api:1",
                  "environment": [{"name": "STAGE", "value": "prod"}, {"name": "DB_PASSWORD", "value": "hunter2"},
                                  {"name": "REGION", "value": "eu-west-1"}, {"name": "authToken", "value": "t0k3n"}],
                  "secrets": [{"name": "API_KEY", "valueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/api-key"}]}]}}""";
        ObjectNode result = JSON.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", taskDefinition);

        JsonNode out = json(REDACTOR.redact(result).value().at("/content/0/text").asText());

        JsonNode env = out.at("/taskDefinition/containerDefinitions/0/environment");
        assertThat(env.at("/0/value").asText()).isEqualTo("prod");
        assertThat(env.at("/1/name").asText()).isEqualTo("DB_PASSWORD");
        assertThat(env.at("/1/value").asText()).isEqualTo(m("hunter2"));
        assertThat(env.at("/2/value").asText()).isEqualTo("eu-west-1");
        assertThat(env.at("/3/value").asText()).isEqualTo(m("t0k3n"));
        assertThat(out.at("/taskDefinition/containerDefinitions/0/image").asText()).isEqualTo("api:1");
    }

    @Test
    void aPairValueHoldingAnObjectIsHiddenLeafByLeaf() {
        JsonNode out = REDACTOR.redact(json("{\"Key\": \"credentials\", \"Value\": {\"user\": \"app\", \"port\": 5432, \"tls\": true}}"))
                .value();

        assertThat(out).isEqualTo(json("{\"Key\": \"credentials\", \"Value\": {\"user\": \"" + m("app") + "\", \"port\": \""
                + m("5432") + "\", \"tls\": true}}"));
    }

    @Test
    void theTopLevelArgumentsOfAnyToolArePairsToo() {
        ObjectNode args = JSON.createObjectNode().put("name", "DB_PASSWORD").put("value", "hunter2").put("scope", "prod");

        JsonNode out = REDACTOR.redactArguments("env___set", args).value();

        assertThat(out.get("value").asText()).isEqualTo(m("hunter2"));
        assertThat(out.get("name").asText()).isEqualTo("DB_PASSWORD");
        assertThat(out.get("scope").asText()).isEqualTo("prod");
    }

    static Stream<String> harmlessJsonPairs() {
        return Stream.of(
                "{\"Tags\": [{\"Key\": \"Name\", \"Value\": \"web-1\"}, {\"Key\": \"Owner\", \"Value\": \"team-a\"}]}",
                "{\"Dimensions\": [{\"Name\": \"FunctionName\", \"Value\": \"api\"}]}",
                "{\"Parameters\": [{\"ParameterKey\": \"Env\", \"ParameterValue\": \"prod\"}, "
                        + "{\"ParameterKey\": \"DBPasswordSecretArn\", \"ParameterValue\": \"arn:aws:secretsmanager:eu-west-1:123456789012:secret:db\"}]}",
                "{\"Parameters\": [{\"ParameterName\": \"password_encryption_policy\", \"ParameterValue\": \"scram-sha-256\"}]}",
                "{\"OptionSettings\": [{\"OptionName\": \"PasswordLength\", \"Value\": \"16\"}, {\"OptionName\": \"TokenCount\", \"Value\": \"3\"}]}",
                "{\"name\": \"DB_PASSWORD\", \"valueFrom\": \"arn:aws:ssm:eu-west-1:123456789012:parameter/db\"}",
                "{\"Filters\": [{\"Name\": \"tag:Password\", \"Values\": [\"rotated\"]}]}",
                "{\"name\": \"Passenger\", \"value\": \"ada\"}");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("harmlessJsonPairs")
    void aPairWithAHarmlessNameIsKept(String json) {
        Redaction r = REDACTOR.redact(json(json));

        assertThat(r.value()).isEqualTo(json(json));
        assertThat(r.findings()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // Text: shorthand in cli_command, query strings, Python, YAML

    static Stream<Arguments> commandPairs() {
        return Stream.of(
                arguments("CloudFormation parameters in shorthand, the harmless one beside it kept",
                        "aws cloudformation create-stack --stack-name db --parameters ParameterKey=DBPassword,ParameterValue=s3cr3t "
                                + "ParameterKey=Env,ParameterValue=prod",
                        "aws cloudformation create-stack --stack-name db --parameters ParameterKey=DBPassword,ParameterValue="
                                + m("s3cr3t") + " ParameterKey=Env,ParameterValue=prod"),
                arguments("value before name",
                        "aws cloudformation update-stack --stack-name db --parameters ParameterValue=s3cr3t,ParameterKey=DBPassword",
                        "aws cloudformation update-stack --stack-name db --parameters ParameterValue=" + m("s3cr3t")
                                + ",ParameterKey=DBPassword"),
                arguments("Elastic Beanstalk option settings in shorthand",
                        "aws elasticbeanstalk update-environment --environment-name prod --option-settings "
                                + "Namespace=aws:elasticbeanstalk:application:environment,OptionName=DB_PASS,Value=eb-s3cr3t "
                                + "Namespace=aws:elasticbeanstalk:application:environment,OptionName=STAGE,Value=prod",
                        "aws elasticbeanstalk update-environment --environment-name prod --option-settings "
                                + "Namespace=aws:elasticbeanstalk:application:environment,OptionName=DB_PASS,Value=" + m("eb-s3cr3t")
                                + " Namespace=aws:elasticbeanstalk:application:environment,OptionName=STAGE,Value=prod"),
                arguments("ecs overrides in shorthand",
                        "aws ecs run-task --cluster c --task-definition api --overrides "
                                + "'containerOverrides=[{name=api,environment=[{name=API_TOKEN,value=tk-0123},{name=STAGE,value=prod}]}]'",
                        "aws ecs run-task --cluster c --task-definition api --overrides "
                                + "'containerOverrides=[{name=api,environment=[{name=API_TOKEN,value=" + m("tk-0123")
                                + "},{name=STAGE,value=prod}]}]'"),
                arguments("JSON inside a CLI argument",
                        "aws ecs register-task-definition --family api --container-definitions "
                                + "'[{\"name\":\"api\",\"environment\":[{\"name\":\"DB_PASSWORD\",\"value\":\"x1\"},{\"name\":\"STAGE\",\"value\":\"prod\"}]}]'",
                        "aws ecs register-task-definition --family api --container-definitions "
                                + "'[{\"name\":\"api\",\"environment\":[{\"name\":\"DB_PASSWORD\",\"value\":\"" + m("x1")
                                + "\"},{\"name\":\"STAGE\",\"value\":\"prod\"}]}]'"),
                arguments("a secret holding ( ) ; < and an escaped comma is hidden whole, not cut where a plain value stops",
                        "aws cloudformation create-stack --stack-name db --parameters "
                                + "'ParameterKey=DBPassword,ParameterValue=P@ss(w)rd;<x>\\,y' ParameterKey=Env,ParameterValue=prod",
                        "aws cloudformation create-stack --stack-name db --parameters "
                                + "'ParameterKey=DBPassword,ParameterValue=" + m("P@ss(w)rd;<x>\\,y")
                                + "' ParameterKey=Env,ParameterValue=prod"),
                arguments("such a secret before its name",
                        "aws cloudformation update-stack --stack-name db --parameters ParameterValue=P(w);d,ParameterKey=DBPassword",
                        "aws cloudformation update-stack --stack-name db --parameters ParameterValue=" + m("P(w);d")
                                + ",ParameterKey=DBPassword"),
                arguments("tags",
                        "aws ssm add-tags-to-resource --resource-type Parameter --resource-id p --tags Key=api_key,Value=k-0123 Key=team,Value=a",
                        "aws ssm add-tags-to-resource --resource-type Parameter --resource-id p --tags Key=api_key,Value=" + m("k-0123")
                                + " Key=team,Value=a"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commandPairs")
    void aSecretPairInACommandLineHasOnlyItsValueReplaced(String what, String command, String expected) {
        Redaction r = REDACTOR.redactArguments("aws___call_aws", JSON.createObjectNode().put("cli_command", command));

        assertThat(r.value().get("cli_command").asText()).isEqualTo(expected);
        assertThat(r.findings()).extracting(Redaction.Finding::rule).containsOnly("name-value-pair");
    }

    static Stream<Arguments> textPairs() {
        return Stream.of(
                arguments("AWS query string: members pair by their prefix",
                        "Action=CreateStack&Parameters.member.1.ParameterKey=DBPassword&Parameters.member.1.ParameterValue=q5ecret"
                                + "&Parameters.member.2.ParameterKey=Env&Parameters.member.2.ParameterValue=prod",
                        "Action=CreateStack&Parameters.member.1.ParameterKey=DBPassword&Parameters.member.1.ParameterValue=" + m("q5ecret")
                                + "&Parameters.member.2.ParameterKey=Env&Parameters.member.2.ParameterValue=prod"),
                arguments("query string with name and value",
                        "https://config.example.com/set?name=db_password&value=q5ecret&ttl=60",
                        "https://config.example.com/set?name=db_password&value=" + m("q5ecret") + "&ttl=60"),
                arguments("YAML list of name/value",
                        "env:\n  - name: DB_HOST\n    value: db.internal\n  - name: DB_PASSWORD\n    value: two words\n",
                        "env:\n  - name: DB_HOST\n    value: db.internal\n  - name: DB_PASSWORD\n    value: " + m("two words") + "\n"),
                arguments("JSON in a log line that is not JSON as a whole",
                        "2024-05-01 deploy env=[{\"name\":\"STAGE\",\"value\":\"prod\"},{\"name\":\"SMTP_PASS\",\"value\":\"m41l\"}]",
                        "2024-05-01 deploy env=[{\"name\":\"STAGE\",\"value\":\"prod\"},{\"name\":\"SMTP_PASS\",\"value\":\"" + m("m41l")
                                + "\"}]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("textPairs")
    void aSecretPairInTextHasOnlyItsValueReplaced(String what, String text, String expected) {
        assertThat(REDACTOR.redactText(text)).isEqualTo(expected);
    }

    static Stream<Arguments> scriptPairs() {
        return Stream.of(
                arguments("dict literal in a list, single quotes",
                        "env = [{'name': 'DB_PASSWORD', 'value': 'py1'}, {'name': 'STAGE', 'value': 'prod'}]",
                        "env = [{'name': 'DB_PASSWORD', 'value': '" + m("py1") + "'}, {'name': 'STAGE', 'value': 'prod'}]"),
                arguments("boto3 CloudFormation parameters",
                        "cfn.create_stack(StackName='db', Parameters=[{'ParameterKey': 'DBPassword', 'ParameterValue': 'py2'}, "
                                + "{'ParameterKey': 'Env', 'ParameterValue': 'prod'}])",
                        "cfn.create_stack(StackName='db', Parameters=[{'ParameterKey': 'DBPassword', 'ParameterValue': '" + m("py2")
                                + "'}, {'ParameterKey': 'Env', 'ParameterValue': 'prod'}])"),
                arguments("keyword arguments",
                        "setting = dict(Name=\"API_TOKEN\", Value=\"py3\")",
                        "setting = dict(Name=\"API_TOKEN\", Value=\"" + m("py3") + "\")"),
                arguments("JSON written inside a string literal",
                        "body = \"[{\\\"name\\\": \\\"DB_PASS\\\", \\\"value\\\": \\\"py4\\\"}]\"",
                        "body = \"[{\\\"name\\\": \\\"DB_PASS\\\", \\\"value\\\": \\\"" + m("py4") + "\\\"}]\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scriptPairs")
    void aSecretPairInAScriptHasOnlyItsLiteralReplaced(String what, String code, String expected) {
        String out = REDACTOR.redactArguments("aws___run_script", JSON.createObjectNode().put("script", code))
                .value().get("script").asText();

        assertThat(out).isEqualTo(expected);
    }

    @Test
    void aScriptPairWhoseValueIsCodeStaysCode() {
        String code = "env = [{'name': 'DB_PASSWORD', 'value': os.environ['DB_PASSWORD']}]\n"
                + "p = {'Name': 'API_TOKEN', 'Value': token}";

        String out = REDACTOR.redactArguments("aws___run_script", JSON.createObjectNode().put("script", code))
                .value().get("script").asText();

        assertThat(out).isEqualTo(code);
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void redactingTwiceChangesNothing() {
        String command = "aws cloudformation create-stack --stack-name db --parameters ParameterKey=DBPassword,ParameterValue=s3cr3t";
        Redaction once = REDACTOR.redactArguments("aws___call_aws", JSON.createObjectNode().put("cli_command", command));
        Redaction twice = REDACTOR.redactArguments("aws___call_aws", once.value());
        Redaction jsonOnce = REDACTOR.redact(json("{\"name\": \"DB_PASSWORD\", \"value\": \"x\"}"));
        Redaction jsonTwice = REDACTOR.redact(jsonOnce.value());

        assertThat(twice.value()).isEqualTo(once.value());
        assertThat(twice.findings()).isEmpty();
        assertThat(jsonTwice.value()).isEqualTo(jsonOnce.value());
        assertThat(jsonTwice.findings()).isEmpty();
    }

    @Test
    void disablingTheRuleStopsIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("rules.json");
        Files.writeString(file, "{\"disable\": [\"name-value-pair\"]}");
        Redactor without = new Redactor(RedactionRules.load(file), KEY);
        String json = "{\"name\":\"DB_PASSWORD\",\"value\":\"x\"}";

        assertThat(without.redact(json(json)).value()).isEqualTo(json(json));
        assertThat(without.redactText("ParameterKey=DBPassword,ParameterValue=x")).isEqualTo("ParameterKey=DBPassword,ParameterValue=x");
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
