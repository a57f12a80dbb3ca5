package dev.mcpaudit.schema.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactionRulesFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path file(String json) throws IOException {
        Path f = dir.resolve("rules.json");
        Files.writeString(f, json);
        return f;
    }

    private static String redactText(RedactionRules rules, String text) {
        return new Redactor(rules, FingerprintKey.ephemeral()).redactText(text);
    }

    @Test
    void aUserRuleIsAddedToTheDefaults() throws IOException {
        RedactionRules rules = RedactionRules.load(file("""
                {"rules": [{"name": "acme-token", "type": "value", "pattern": "acme_[A-Za-z0-9]{12}",
                            "description": "ACME internal API tokens"}]}"""));

        assertThat(redactText(rules, "deploy with acme_0123456789ab now"))
                .startsWith("deploy with [REDACTED:acme-token:").endsWith("] now");
        assertThat(redactText(rules, "password=hunter2")).contains("[REDACTED:password-field:");
        assertThat(rules.description("acme-token")).isEqualTo("ACME internal API tokens");
    }

    @Test
    void aDisabledRuleNoLongerFires() throws IOException {
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assertThat(redactText(RedactionRules.defaults(), jwt)).startsWith("[REDACTED:jwt:");

        RedactionRules rules = RedactionRules.load(file("{\"disable\": [\"jwt\"]}"));

        assertThat(redactText(rules, jwt)).isEqualTo(jwt);
        assertThat(rules.rules()).extracting(Rule::name).doesNotContain("jwt");
    }

    @Test
    void userFlagRulesAndCommandTargetsApplyToNewTools() throws IOException {
        RedactionRules rules = RedactionRules.load(file("""
                {"rules": [{"name": "vault-token-flag", "type": "flag", "flags": ["--vault-ticket"]}],
                 "commandArguments": ["ops___run.command"]}"""));
        Redactor redactor = new Redactor(rules, FingerprintKey.ephemeral());

        String out = redactor.redactArguments("ops___run",
                JSON.createObjectNode().put("command", "deploy --vault-ticket s.abcdef --env prod")).value()
                .get("command").asText();

        assertThat(out).startsWith("deploy --vault-ticket [REDACTED:vault-token-flag:").endsWith("] --env prod");
    }

    @Test
    void aUserKeyRuleCanAskForAWholeWord() throws IOException {
        RedactionRules rules = RedactionRules.load(file("""
                {"rules": [{"name": "pin-field", "type": "key", "words": "(^|_)pin$", "description": "PIN codes"}]}"""));

        assertThat(redactText(rules, "CARD_PIN=4711 SPIN=fast")).startsWith("CARD_PIN=[REDACTED:pin-field:").endsWith("] SPIN=fast");
    }

    @Test
    void theEnvironmentVariableNamesTheFileWhenNoFlagIsGiven() throws IOException {
        Path f = file("{\"disable\": [\"jwt\"]}");

        RedactionRules fromEnv = RedactionRules.fromFlagOrEnvironment(null, Map.of(RedactionRules.RULES_ENV, f.toString()));
        RedactionRules none = RedactionRules.fromFlagOrEnvironment(null, Map.of());

        assertThat(fromEnv.rules()).extracting(Rule::name).doesNotContain("jwt");
        assertThat(none).isSameAs(RedactionRules.defaults());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not JSON              | {"rules": [                                                              | is not valid JSON (line 1
            unknown top field     | {"rulez": []}                                                            | unknown field "rulez"
            rules not an array    | {"rules": {}}                                                            | "rules" must be a JSON array
            unknown type          | {"rules": [{"name": "x", "type": "regex"}]}                              | rule #1 "x" has unknown type "regex"
            missing name          | {"rules": [{"type": "value", "pattern": "a"}]}                           | rule #1 needs "name"
            bad name              | {"rules": [{"name": "a b", "type": "value", "pattern": "a"}]}            | use letters, digits
            bad regex             | {"rules": [{"name": "x", "type": "value", "pattern": "(unclosed"}]}      | rule #1 "x" has a "pattern" that is not a valid Java regular expression (Unclosed group
            group out of range    | {"rules": [{"name": "x", "type": "value", "pattern": "a(b)", "group": 2}]} | its pattern has 1 capturing group(s)
            field of another type | {"rules": [{"name": "x", "type": "key", "match": "a", "flags": ["--a"]}]} | has field "flags", which a key rule does not take
            key rule without names | {"rules": [{"name": "x", "type": "key", "except": "a"}]}               | rule #1 "x" needs "match"
            scalarsOnly not boolean | {"rules": [{"name": "x", "type": "key", "match": "a", "scalarsOnly": "yes"}]} | has "scalarsOnly": "yes"; use true or false
            duplicate of default  | {"rules": [{"name": "jwt", "type": "value", "pattern": "a"}]}            | rule #1 "jwt" has the name of an existing rule
            unknown disable       | {"disable": ["jwtt"]}                                                    | "disable" names rule "jwtt", which does not exist
            flag not a flag       | {"rules": [{"name": "x", "type": "flag", "flags": ["user-data"]}]}       | lists flag "user-data"
            bad when              | {"rules": [{"name": "x", "type": "flag", "flags": ["--v"], "when": {"flag": "--t"}}]} | has "when" that is not
            bad command target    | {"commandArguments": ["aws___call_aws"]}                                 | must be TOOL.ARGUMENT
            """)
    void aBadRuleFileIsRefusedWithAMessageNamingTheRule(String what, String json, String expected) throws IOException {
        Path f = file(json);

        assertThatThrownBy(() -> RedactionRules.load(f))
                .isInstanceOf(RedactionRulesException.class)
                .hasMessageStartingWith("redaction rules file " + f)
                .hasMessageContaining(expected);
    }

    @Test
    void aMissingRuleFileSaysSo() {
        Path missing = dir.resolve("nope.json");

        assertThatThrownBy(() -> RedactionRules.load(missing))
                .isInstanceOf(RedactionRulesException.class)
                .hasMessageContaining(missing + " does not exist");
    }

    @Test
    void everyDefaultRuleIsDescribed() {
        RedactionRules defaults = RedactionRules.defaults();

        assertThat(defaults.rules()).hasSizeGreaterThan(20)
                .allSatisfy(rule -> assertThat(defaults.description(rule.name())).as(rule.name()).isNotBlank());
    }

    @Test
    void theReadmeDocumentsEveryDefaultRule() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));

        assertThat(RedactionRules.defaults().rules())
                .allSatisfy(rule -> assertThat(readme).contains("| `" + rule.name() + "` | " + rule.type() + " |"));
    }
}
