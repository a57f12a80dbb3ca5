package dev.mcpaudit.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpaudit.schema.redact.RedactionRules;
import dev.mcpaudit.schema.redact.Rule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ProxyOptionsTest {
    private static final String URL = "https://aws-mcp.us-east-1.api.aws/mcp";

    private static ProxyConfig resolve(Map<String, String> env, String... args) {
        ProxyOptions options = new ProxyOptions();
        new CommandLine(options).parseArgs(args);
        return options.resolve(env);
    }

    @Test
    void defaultsMatchTheBaseline() {
        ProxyConfig c = resolve(Map.of(), URL);

        assertThat(c.service()).isEqualTo("aws-mcp");
        assertThat(c.signingRegion()).isEqualTo("us-east-1");
        assertThat(c.profiles().allowed()).containsExactly("default");
        assertThat(c.readOnly()).isFalse();
        assertThat(c.retries()).isZero();
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(180));
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.readTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(c.toolTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(c.profileTools()).containsExactlyElementsOf(ProxyOptions.DEFAULT_PROFILE_TOOLS);
    }

    @Test
    void endpointMayComeLastAfterTheProfiles() {
        ProxyConfig c = resolve(Map.of(), "--profile", "dev", "prod", URL, "--region", "eu-west-1");

        assertThat(c.endpoint().uri().toString()).isEqualTo(URL);
        assertThat(c.profiles().allowed()).containsExactly("dev", "prod");
        assertThat(c.signingRegion()).isEqualTo("eu-west-1");
        assertThat(resolve(Map.of(), URL, "--profile", "dev", "prod").profiles().allowed()).containsExactly("dev", "prod");
    }

    @Test
    void profilePrecedenceIsEnvListThenFlagThenAwsProfileWithDuplicatesDropped() {
        assertThat(resolve(Map.of("AWS_MCP_PROXY_PROFILES", " p2  p1 p2 ", "AWS_PROFILE", "x"), URL, "--profile", "a")
                .profiles().allowed()).containsExactly("p2", "p1");
        assertThat(resolve(Map.of("AWS_MCP_PROXY_PROFILES", "  ", "AWS_PROFILE", "x"), URL, "--profile", "a", "a", "b")
                .profiles().allowed()).containsExactly("a", "b");
        assertThat(resolve(Map.of("AWS_PROFILE", "env-profile"), URL).profiles().allowed()).containsExactly("env-profile");
        assertThat(resolve(Map.of(), URL, "--profile", "solo").profiles().switching()).isFalse();
    }

    @Test
    void metadataAndHeadersAreKeyValuePairs() {
        ProxyConfig c = resolve(Map.of(), URL, "--metadata", "KEY1=value1", "K=a=b", "--header", "X-Team=platform");

        assertThat(c.metadata()).containsEntry("KEY1", "value1").containsEntry("K", "a=b");
        assertThat(c.headers()).containsEntry("X-Team", "platform");
        assertThatThrownBy(() -> resolve(Map.of(), URL, "--metadata", "INVALID")).hasMessageContaining("KEY=VALUE");
    }

    @Test
    void reservedHeadersAreRefused() {
        for (String h : List.of("Authorization=x", "host=x", "X-Amz-Date=x", "Mcp-Session-Id=x")) {
            assertThatThrownBy(() -> resolve(Map.of(), URL, "--header", h)).hasMessageContaining("not allowed");
        }
    }

    @Test
    void badNumbersAndMissingPiecesAreClearErrors() {
        assertThatThrownBy(() -> resolve(Map.of(), URL, "--retries", "11")).hasMessageContaining("between 0 and 10");
        assertThat(resolve(Map.of(), URL, "--retries", "10").retries()).isEqualTo(10);
        assertThatThrownBy(() -> resolve(Map.of(), URL, "--timeout", "-1")).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> resolve(Map.of(), URL, "--log-level", "INVALID"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--log-level");
        assertThatThrownBy(() -> resolve(Map.of())).hasMessageContaining("Missing ENDPOINT");
        assertThatThrownBy(() -> resolve(Map.of(), "--profile", "prod", "dev")).hasMessageContaining("Missing ENDPOINT");
        assertThatThrownBy(() -> resolve(Map.of(), "http://localhost:1/mcp")).hasMessageContaining("--region");
        assertThat(resolve(Map.of("AWS_REGION", "ap-south-1"), "http://localhost:1/mcp").signingRegion())
                .isEqualTo("ap-south-1");
    }

    @Test
    void everyBaselineFlagParsesTogether() {
        ProxyConfig c = resolve(Map.of(), URL, "--service", "lambda", "--profile", "prod", "--region", "eu-west-1",
                "--read-only", "--log-level", "WARNING", "--retries", "3", "--timeout", "300", "--connect-timeout", "30",
                "--read-timeout", "90", "--write-timeout", "120", "--tool-timeout", "5.5", "--disable-telemetry",
                "--skip-auth", "--lazy-connect", "--profile-tools", "eks_*", "aws___call_aws");

        assertThat(c.service()).isEqualTo("lambda");
        assertThat(c.toolTimeout()).isEqualTo(Duration.ofMillis(5500));
        assertThat(c.readOnly()).isTrue();
        assertThat(c.skipAuth()).isTrue();
        assertThat(c.lazyConnect()).isTrue();
        assertThat(c.profileTools()).containsExactly("eks_*", "aws___call_aws");
    }

    @Test
    void redactionRulesComeFromTheFlagElseTheEnvironmentAndAreCheckedAtStartUp(@TempDir Path dir) throws Exception {
        Path noJwt = Files.writeString(dir.resolve("no-jwt.json"), "{\"disable\": [\"jwt\"]}");
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"disable\": [\"no-such-rule\"]}");

        assertThat(resolve(Map.of(), URL).redactionRules()).isSameAs(RedactionRules.defaults());
        assertThat(resolve(Map.of(RedactionRules.RULES_ENV, noJwt.toString()), URL).redactionRules().rules())
                .extracting(Rule::name).doesNotContain("jwt").contains("password-field");
        assertThat(resolve(Map.of(RedactionRules.RULES_ENV, broken.toString()), URL, "--redaction-rules", noJwt.toString())
                .redactionRules().rules()).extracting(Rule::name).doesNotContain("jwt");
        assertThatThrownBy(() -> resolve(Map.of(), URL, "--redaction-rules", broken.toString()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("\"disable\" names rule \"no-such-rule\", which does not exist");
    }

    @Test
    void confirmWritesFromTheFlagAndTheEnvironmentAddUp() {
        ProxyConfig none = resolve(Map.of(), URL, "--profile", "dev", "prod");
        assertThat(none.approval().protectedProfiles()).isEmpty();
        assertThat(none.approval().timeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(none.approval().fallbackAllow()).isFalse();

        ApprovalSettings both = resolve(Map.of("AWS_MCP_PROXY_CONFIRM_WRITES", " staging, prod "), URL,
                "--profile", "dev", "staging", "prod", "--confirm-writes", "prod", "--confirm-timeout", "1.5",
                "--confirm-fallback", "allow").approval();
        assertThat(both.protectedProfiles()).containsExactly("prod", "staging");
        assertThat(both.timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(both.fallbackAllow()).isTrue();
        assertThat(resolve(Map.of(), "--profile", "dev", "prod", "--confirm-writes", "prod", URL).approval()
                .protectedProfiles()).containsExactly("prod");
    }

    @Test
    void aConfirmWritesProfileThatIsNotAllowedOrABadFallbackIsAnError() {
        assertThatThrownBy(() -> resolve(Map.of(), URL, "--profile", "dev", "prod", "--confirm-writes", "prdo"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'prdo', which is not an allowed profile");
        assertThatThrownBy(() -> resolve(Map.of(), URL, "--profile", "dev", "--confirm-fallback", "yes"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("refuse or allow");
    }
}
