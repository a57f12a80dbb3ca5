package dev.mcpaudit.proxy.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;

/**
 * The JSON-RPC response the agent gets for a call's result. A tool call always gets a result (a failure
 * is a tool error the model can read); other methods get upstream's error, or one the proxy makes.
 */
public final class AgentReply {
    private AgentReply() {}

    public static JsonNode of(Call call, CallResult result) {
        if (result instanceof CallResult.Completed done) {
            if (done.failure() == null || done.result() != null) {
                return JsonRpc.result(call.id(), done.result());
            }
            if (done.upstreamError() != null) {
                ObjectNode error = JsonRpc.MAPPER.createObjectNode();
                error.put("jsonrpc", "2.0");
                error.set("id", call.id());
                error.set("error", done.upstreamError());
                return error;
            }
            return JsonRpc.error(call.id(), JsonRpc.INTERNAL_ERROR, done.failure());
        }
        if (result instanceof CallResult.NotSent notSent) {
            return call.isToolCall() ? JsonRpc.result(call.id(), JsonRpc.toolError(notSent.sentence()))
                    : JsonRpc.error(call.id(), notSent.jsonRpcCode(), notSent.sentence());
        }
        CallResult.Refused refused = (CallResult.Refused) result;
        return call.isToolCall() ? JsonRpc.result(call.id(), JsonRpc.toolError(refused.sentence()))
                : JsonRpc.error(call.id(), JsonRpc.INVALID_REQUEST, refused.sentence());
    }
}
