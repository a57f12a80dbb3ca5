package dev.mcpaudit.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpaudit.proxy.upstream.UpstreamException.Kind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UpstreamFailuresTest {

    private static String tool(Kind kind, String cause) {
        return UpstreamFailures.toolSentence("aws___call_aws", "prod", new UpstreamException(kind, cause), Duration.ofSeconds(300));
    }

    @Test
    void credentialProblemsNameTheProfileAndTheCommandThatFixesThem() {
        for (Kind kind : new Kind[] {Kind.NO_CREDENTIALS, Kind.AUTH_REJECTED}) {
            assertThat(tool(kind, "upstream refused the AWS credentials (HTTP 403)"))
                    .startsWith("Tool call 'aws___call_aws' failed: upstream refused")
                    .contains("aws sso login --profile prod")
                    .contains("without a restart");
        }
    }

    @Test
    void aTimeoutSaysWhichToolAfterHowLongAndWhatToDo() {
        assertThat(UpstreamFailures.toolSentence("aws___run_script", "dev", new UpstreamException(Kind.TIMEOUT, "x"),
                Duration.ofMillis(1500)))
                .isEqualTo("Tool 'aws___run_script' timed out after 1500 ms; upstream was asked to cancel it."
                        + " Retry, or start the proxy with a larger --tool-timeout.");
    }

    @Test
    void eachKindEndsWithOneClearNextStepAndNoDoublePeriod() {
        assertThat(tool(Kind.CONNECT_FAILED, "could not connect to upstream: Connection refused"))
                .endsWith("Check the endpoint URL and the network, then retry.");
        assertThat(tool(Kind.THROTTLED, "upstream is throttling requests (HTTP 429)")).contains("--retries");
        assertThat(tool(Kind.HTTP_STATUS, "upstream answered tools/call with HTTP 500")).endsWith("check upstream's status.");
        for (Kind kind : Kind.values()) {
            assertThat(tool(kind, "cause")).doesNotContain("..").doesNotContain(". .");
        }
    }

    @Test
    void nonToolRequestsNameTheMethod() {
        assertThat(UpstreamFailures.requestSentence("tools/list", "dev", new UpstreamException(Kind.CONNECT_FAILED,
                "could not connect to upstream"))).startsWith("tools/list failed: could not connect to upstream.");
    }
}
