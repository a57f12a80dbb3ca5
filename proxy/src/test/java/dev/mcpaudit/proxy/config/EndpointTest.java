package dev.mcpaudit.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointTest {

    @ParameterizedTest(name = "{0} -> service {1}, region {2}")
    @CsvSource({
        "https://aws-mcp.us-east-1.api.aws/mcp, aws-mcp, us-east-1",
        "https://eks-mcp.us-west-2.api.aws/mcp, eks-mcp, us-west-2",
        "https://my-gw.gateway.bedrock-agentcore.eu-west-1.amazonaws.com/mcp, bedrock-agentcore, eu-west-1",
        "https://bedrock-agentcore.us-east-1.amazonaws.com/runtimes/arn%3Aaws%3Ax/invocations?qualifier=DEFAULT, bedrock-agentcore, us-east-1",
        "https://service.subdomain.us-west-2.api.aws/mcp, service, ",
        "https://lambda.us-east-1.amazonaws.com/mcp, lambda, ",
        "https://myservice, myservice, ",
        "http://localhost:8080/mcp, localhost, ",
        "http://127.0.0.1:9999/mcp, 127, ",
        "http://[::1]:9999/mcp, [::1], ",
    })
    void infersServiceAndRegionFromTheHostLikeTheBaseline(String url, String service, String region) {
        Endpoint e = Endpoint.parse(url);

        assertThat(e.inferredService()).isEqualTo(service);
        assertThat(e.inferredRegion()).isEqualTo(Optional.ofNullable(region));
    }

    @ParameterizedTest(name = "{0} is refused: {1}")
    @CsvSource(delimiter = '|', value = {
        "aws-mcp.us-east-1.api.aws/mcp | missing URL scheme",
        "http://aws-mcp.us-east-1.api.aws/mcp | HTTP is not allowed for remote endpoint 'aws-mcp.us-east-1.api.aws'",
        "http://10.0.0.5/mcp | HTTP is not allowed",
        "ftp://example.com/mcp | unsupported scheme 'ftp'",
        "ws://localhost/mcp | unsupported scheme 'ws'",
        "file:///tmp/x | unsupported scheme 'file'",
    })
    void refusesAnythingButHttpsOrLoopbackHttp(String url, String message) {
        assertThatThrownBy(() -> Endpoint.parse(url)).isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }

    @org.junit.jupiter.api.Test
    void explicitServiceWinsAndAMissingOneIsAClearError() {
        assertThat(Endpoint.parse("https://aws-mcp.us-east-1.api.aws/mcp").service("iam")).isEqualTo("iam");
        assertThatThrownBy(() -> Endpoint.parse("https:///mcp").service(null))
                .hasMessageContaining("--service");
    }
}
