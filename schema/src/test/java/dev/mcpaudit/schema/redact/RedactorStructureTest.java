package dev.mcpaudit.schema.redact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.schema.redact.Redaction.Finding;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What redaction does to the shape of what is recorded: keys, arrays and non-secret values stay
 * where they were, inputs are never touched, a second pass changes nothing, and findings say which
 * rule fired where without repeating the secret.
 */
class RedactorStructureTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FingerprintKey KEY = FingerprintKey.ephemeral();
    private static final Redactor REDACTOR = new Redactor(RedactionRules.defaults(), KEY);

    private static String m(String rule, String secret) {
        return "[REDACTED:" + rule + ":" + KEY.fingerprint(secret) + "]";
    }

    // ---------------------------------------------------------------------------------------------
    // Shape

    @Test
    void keysAndArraysStayAndOnlySecretLeavesChange() {
        JsonNode in = json("""
                {"SecretList": [{"Name": "a", "SecretString": "x1"}, {"Name": "b", "SecretString": "x2"}],
                 "Parameters": [], "NextToken": null, "Count": 2, "Truncated": false}""");

        JsonNode out = REDACTOR.redact(in).value();

        assertThat(fieldNames(out)).isEqualTo(fieldNames(in));
        assertThat(out.get("SecretList")).hasSize(2);
        assertThat(fieldNames(out.at("/SecretList/0"))).containsExactly("Name", "SecretString");
        assertThat(out.at("/SecretList/0/Name").asText()).isEqualTo("a");
        assertThat(out.at("/SecretList/0/SecretString").asText()).isEqualTo(m("secret-field", "x1"));
        assertThat(out.at("/SecretList/1/SecretString").asText()).isEqualTo(m("secret-field", "x2"));
        assertThat(out.get("Parameters").isArray()).isTrue();
        assertThat(out.get("Parameters")).isEmpty();
        assertThat(out.get("NextToken").isNull()).isTrue();
        assertThat(out.get("Count").isInt()).isTrue();
        assertThat(out.get("Truncated").asBoolean()).isFalse();
    }

    @Test
    void underASecretKeyEveryLeafIsHiddenButBooleansAndNullsStay() {
        JsonNode in = json("""
                {"credentials": {"user": "app", "pass": "hunter2", "port": 5432, "ssl": true, "proxy": null,
                                 "hosts": ["db1", "db2"], "empty": "", "nested": {"pin": 1234}}, "region": "us-east-1"}""");

        JsonNode out = REDACTOR.redact(in).value();

        ObjectNode expected = JSON.createObjectNode();
        ObjectNode creds = expected.putObject("credentials");
        creds.put("user", m("credential-field", "app"));
        creds.put("pass", m("credential-field", "hunter2"));
        creds.put("port", m("credential-field", "5432"));
        creds.put("ssl", true);
        creds.putNull("proxy");
        creds.putArray("hosts").add(m("credential-field", "db1")).add(m("credential-field", "db2"));
        creds.put("empty", "");
        creds.putObject("nested").put("pin", m("credential-field", "1234"));
        expected.put("region", "us-east-1");
        assertThat(out).isEqualTo(expected);
        assertThat(out.at("/credentials/port").isTextual()).as("a hidden number becomes a marker string").isTrue();
    }

    @Test
    void aSecretKeyAboveAnArrayHidesEachElement() {
        JsonNode out = REDACTOR.redact(json("{\"api_keys\": [\"k1\", \"k2\", 3]}")).value();

        assertThat(out).isEqualTo(json("{\"api_keys\": [\"" + m("api-key-field", "k1") + "\", \""
                + m("api-key-field", "k2") + "\", \"" + m("api-key-field", "3") + "\"]}"));
    }

    // ---------------------------------------------------------------------------------------------
    // Inputs are never modified

    @Test
    void redactDoesNotModifyItsInput() {
        JsonNode in = json("{\"db\": {\"password\": \"hunter2\", \"host\": \"db.internal\"}, "
                + "\"content\": [{\"type\": \"text\", \"text\": \"{\\\"SecretString\\\": \\\"x\\\"}\"}]}");
        JsonNode before = in.deepCopy();

        Redaction r = REDACTOR.redact(in);

        assertThat(in).isEqualTo(before);
        assertThat(r.value()).isNotEqualTo(in);
        assertThat(r.value()).isNotSameAs(in);
    }

    @Test
    void redactArgumentsDoesNotModifyItsInput() {
        ObjectNode in = JSON.createObjectNode()
                .put("cli_command", "aws secretsmanager create-secret --name prod/db --secret-string hunter2")
                .put("password", "hunter2");
        JsonNode before = in.deepCopy();

        REDACTOR.redactArguments("aws___call_aws", in);

        assertThat(in).isEqualTo(before);
    }

    @Test
    void redactPayloadDoesNotModifyItsInput() {
        JsonNode in = json("{\"tool\": \"aws___run_script\", \"arguments\": {\"script\": \"password = \\\"hunter2\\\"\"}}");
        JsonNode before = in.deepCopy();

        REDACTOR.redactPayload(in);

        assertThat(in).isEqualTo(before);
    }

    // ---------------------------------------------------------------------------------------------
    // Idempotence

    static Stream<String> documents() {
        return Stream.of(
                "{\"password\": \"hunter2\"}",
                "{\"credentials\": {\"user\": \"app\", \"port\": 5432, \"ssl\": true}}",
                "{\"log\": \"DB_PASSWORD=hunter2 and token ghp_R2d2C3p0FakeTokenForTests0123456789a\"}",
                "{\"content\": [{\"type\": \"text\", \"text\": \"{\\\"Name\\\": \\\"prod/db\\\", \\\"SecretString\\\": \\\"x\\\"}\"}]}",
                "{\"text\": \"Authorization: Bearer mF_9.B5f-4.1JqM.tYz8Q2\"}",
                "{\"url\": \"postgres://app:s3cr3t@db.example.com:5432/orders\"}");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void redactingARedactedValueChangesNothing(String document) {
        Redaction once = REDACTOR.redact(json(document));
        Redaction twice = REDACTOR.redact(once.value());

        assertThat(once.findings()).isNotEmpty();
        assertThat(twice.value()).isEqualTo(once.value());
        assertThat(twice.value().toString()).isEqualTo(once.value().toString());
        assertThat(twice.findings()).isEmpty();
    }

    @Test
    void redactingRedactedTextChangesNothing() {
        String once = REDACTOR.redactText("password=hunter2 secret_key: abc Bearer mF_9.B5f-4.1JqM.tYz8Q2");

        assertThat(once).doesNotContain("hunter2").doesNotContain("abc ").doesNotContain("mF_9");
        assertThat(REDACTOR.redactText(once)).isEqualTo(once);
    }

    @Test
    void aMarkerStandingAloneIsNeverRedactedAgain() {
        String marker = m("password-field", "hunter2");

        assertThat(REDACTOR.redactText(marker)).isEqualTo(marker);
        assertThat(REDACTOR.redact(json("{\"password\": \"" + marker + "\"}")).findings()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // Findings

    @Test
    void findingNamesTheRuleAndTheJsonPath() {
        Redaction r = REDACTOR.redact(json("{\"db\": {\"host\": \"db.internal\", \"password\": \"hunter2\"}, "
                + "\"items\": [{\"apiKey\": \"k-123456\"}]}"));

        assertThat(r.findings()).containsExactly(
                new Finding("password-field", "$.db.password"),
                new Finding("api-key-field", "$.items[0].apiKey"));
    }

    @Test
    void findingInsideJsonHeldInAStringPointsIntoThatJson() {
        ObjectNode result = JSON.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", "{\"Name\": \"prod/db\", \"SecretString\": \"hunter2\"}");

        Redaction r = REDACTOR.redact(result);

        assertThat(r.findings()).hasSize(1);
        Finding f = r.findings().get(0);
        assertThat(f.rule()).isEqualTo("secret-field");
        assertThat(f.path()).startsWith("$.content[0].text").endsWith("SecretString");
    }

    @Test
    void findingsNeverContainTheSecret() {
        List<Redaction> redactions = new ArrayList<>();
        redactions.add(REDACTOR.redact(json("{\"password\": \"hunter2\", \"note\": \"token ghp_R2d2C3p0FakeTokenForTests0123456789a\"}")));
        redactions.add(REDACTOR.redactArguments("aws___call_aws", JSON.createObjectNode()
                .put("cli_command", "aws secretsmanager create-secret --name prod/db --secret-string hunter2")));
        redactions.add(REDACTOR.redactArguments("aws___run_script", JSON.createObjectNode()
                .put("script", "password = \"hunter2\"")));

        for (Redaction r : redactions) {
            assertThat(r.findings()).isNotEmpty();
            assertThat(r.findings().toString()).doesNotContain("hunter2").doesNotContain("ghp_R2d2");
        }
    }

    @Test
    void nothingHiddenMeansNoFindings() {
        assertThat(REDACTOR.redact(json("{\"Name\": \"prod/db\", \"NextToken\": \"abc\", \"inputTokens\": 5}")).findings())
                .isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // redactPayload

    @Test
    void payloadArgumentsNextToToolAreThatToolsArguments() {
        String command = "aws secretsmanager create-secret --name prod/db --secret-string hunter2";
        ObjectNode payload = JSON.createObjectNode().put("tool", "aws___call_aws").put("profile", "prod");
        payload.putObject("args").put("cli_command", command);

        Redaction r = REDACTOR.redactPayload(payload);

        JsonNode asArguments = REDACTOR.redactArguments("aws___call_aws", payload.get("args")).value();
        assertThat(r.value().get("args")).isEqualTo(asArguments);
        assertThat(r.value().at("/args/cli_command").asText())
                .isEqualTo("aws secretsmanager create-secret --name prod/db --secret-string " + m("secret-field", "hunter2"));
        assertThat(r.value().get("tool").asText()).isEqualTo("aws___call_aws");
        assertThat(r.value().get("profile").asText()).isEqualTo("prod");
        assertThat(r.findings()).containsExactly(new Finding("secret-field", "$.args.cli_command --secret-string"));
    }

    @Test
    void payloadScriptArgumentsGetScriptHandling() {
        ObjectNode payload = JSON.createObjectNode().put("tool", "aws___run_script");
        payload.putObject("args").put("script", "password = \"hunter2\"\ntoken = get_token()");

        JsonNode out = REDACTOR.redactPayload(payload).value();

        assertThat(out.at("/args/script").asText())
                .isEqualTo("password = \"" + m("password-field", "hunter2") + "\"\ntoken = get_token()");
    }

    @Test
    void payloadArgumentsOfAnotherToolAreOrdinaryJsonWhoseTextStillHidesSecretFlags() {
        String command = "aws secretsmanager create-secret --name prod/db --secret-string hunter2 --user-data 'x y'";
        ObjectNode payload = JSON.createObjectNode().put("tool", "other___tool");
        payload.putObject("args").put("cli_command", command).put("password", "hunter2");

        Redaction r = REDACTOR.redactPayload(payload);

        // Not parsed as a command line (that is for the configured tools), but a secret flag in any text is hidden.
        assertThat(r.value().at("/args/cli_command").asText()).isEqualTo("aws secretsmanager create-secret --name prod/db"
                + " --secret-string " + m("secret-field", "hunter2") + " --user-data '" + m("user-data-flag", "x y") + "'");
        assertThat(r.value().at("/args/password").asText()).isEqualTo(m("password-field", "hunter2"));
    }

    // ---------------------------------------------------------------------------------------------
    // Strings holding JSON

    @Test
    void jsonInAStringWithNothingToHideStaysByteIdentical() {
        String cliOutput = """
                {
                    "ARN": "arn:aws:iam::123456789012:role/deploy",
                    "Name" : "deploy",
                    "Ratio": 1.0,
                    "Big": 12345678901234567890,
                    "Caf\\u00e9": "d\\u00e9j\\u00e0 vu",
                    "Tags": [ ],
                    "NextToken": null
                }
                """;
        ObjectNode result = JSON.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", cliOutput);

        Redaction r = REDACTOR.redact(result);

        assertThat(r.value().at("/content/0/text").asText()).isEqualTo(cliOutput);
        assertThat(r.findings()).isEmpty();
    }

    @Test
    void jsonInAStringWithASecretKeepsEveryOtherValue() {
        String cliOutput = """
                {
                    "Name": "prod/db",
                    "SecretString": "hunter2",
                    "Ratio": 1.5,
                    "Tags": [{"Key": "env", "Value": "prod"}]
                }
                """;
        ObjectNode result = JSON.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", cliOutput);

        JsonNode text = json(REDACTOR.redact(result).value().at("/content/0/text").asText());

        ObjectNode expected = (ObjectNode) json(cliOutput);
        expected.put("SecretString", m("secret-field", "hunter2"));
        assertThat(text).isEqualTo(expected);
    }

    // ---------------------------------------------------------------------------------------------

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
