package dev.mcpaudit.proxy.pipeline;

import static dev.mcpaudit.proxy.pipeline.CallSteps.json;
import static dev.mcpaudit.proxy.pipeline.CallSteps.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpaudit.proxy.audit.Outcome;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import org.junit.jupiter.api.Test;

class AgentReplyTest {
    private final Call tool = toolCall("aws___call_aws", "{}");
    private final Call resource = CallSteps.request("resources/read", json("{\"uri\":\"aws://r\"}"));

    @Test
    void aToolCallAlwaysGetsAResultTheModelCanRead() {
        assertThat(AgentReply.of(tool, new CallResult.Refused(tool, "why", "Refused, use dev.")))
                .isEqualTo(json("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\":\"text\","
                        + "\"text\":\"Refused, use dev.\"}],\"isError\":true}}"));
        assertThat(AgentReply.of(tool, new CallResult.NotSent("Not sent.", JsonRpc.INTERNAL_ERROR)).at("/result/isError")
                .asBoolean()).isTrue();
    }

    @Test
    void otherMethodsGetUpstreamsErrorAsItIsOrAnErrorTheProxyMakes() {
        assertThat(AgentReply.of(resource, new CallResult.Completed(Outcome.ERROR, null,
                json("{\"code\":-32002,\"message\":\"Resource not found\",\"data\":{\"uri\":\"aws://r\"}}"), "x")))
                .isEqualTo(json("{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32002,"
                        + "\"message\":\"Resource not found\",\"data\":{\"uri\":\"aws://r\"}}}"));
        assertThat(AgentReply.of(resource, new CallResult.Completed(Outcome.TIMEOUT, null, null, "timed out.")))
                .isEqualTo(JsonRpc.error(json("7"), JsonRpc.INTERNAL_ERROR, "timed out."));
        assertThat(AgentReply.of(resource, new CallResult.NotSent("cannot record", JsonRpc.INVALID_PARAMS))
                .at("/error/code").asInt()).isEqualTo(JsonRpc.INVALID_PARAMS);
    }

    @Test
    void aResultPassesThroughExactly() {
        var result = json("{\"contents\":[{\"uri\":\"aws://r\",\"text\":\"hi\"}]}");

        assertThat(AgentReply.of(resource, new CallResult.Completed(Outcome.OK, result, null, null)).get("result"))
                .isSameAs(result);
    }
}
