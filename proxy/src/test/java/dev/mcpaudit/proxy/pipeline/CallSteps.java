package dev.mcpaudit.proxy.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.proxy.upstream.InFlight;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Calls as the agent would send them, and a chain end that remembers what reached it. */
final class CallSteps {
    static final Duration TOOL_TIMEOUT = Duration.ofSeconds(300);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private CallSteps() {}

    static JsonNode json(String text) {
        try {
            return JsonRpc.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** A tools/call with these arguments (JSON text, or null for none). */
    static Call toolCall(String tool, String arguments) {
        ObjectNode params = JsonRpc.MAPPER.createObjectNode().put("name", tool);
        if (arguments != null) {
            params.set("arguments", json(arguments));
        }
        return request("tools/call", params);
    }

    static Call request(String method, JsonNode params) {
        ObjectNode request = JsonRpc.request(JsonRpc.MAPPER.getNodeFactory().numberNode(7), method, params);
        return Call.fromRequest(request, TOOL_TIMEOUT, REQUEST_TIMEOUT, new InFlight());
    }

    /** The rest of a pipeline, replaced by a recorder of the calls that reach it and a fixed answer. */
    static final class End implements CallStep.Chain {
        final List<Call> reached = new ArrayList<>();
        private final CallResult answer;

        End(CallResult answer) {
            this.answer = answer;
        }

        End() {
            this(new CallResult.Completed(dev.mcpaudit.proxy.audit.Outcome.OK, json("{\"content\":[]}"), null, null));
        }

        @Override
        public CallResult proceed(Call call) {
            reached.add(call);
            return answer;
        }
    }
}
