package dev.mcpaudit.proxy.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.proxy.upstream.InFlight;
import dev.mcpaudit.proxy.upstream.UpstreamException;
import java.time.Duration;

/**
 * One call from the agent that does something upstream (tools/call, resources/read, prompts/get,
 * completion/complete), as it flows through the {@link CallPipeline}. Immutable: a step that learns
 * something returns a new value ({@link #routedTo}, {@link #connected}).
 *
 * @param method the JSON-RPC method
 * @param id the agent's request id
 * @param tool the tool's name (tools/call only)
 * @param target the resource URI, prompt name or completion reference (the other methods)
 * @param params the request's params as the agent sent them
 * @param arguments what the call asks, without {@code aws_profile}: tool or prompt arguments, or the
 *     argument to complete; null when there are none
 * @param requestedProfile the {@code aws_profile} value the agent sent (any JSON), or null
 * @param profile the profile that signs the call, once routed; null before
 * @param timeout how long upstream has to answer
 * @param inFlight lets the agent cancel the call while it runs
 * @param upstreamSessionId the profile's upstream session, once connected
 * @param connectFailure why that session could not be opened; the call fails with it after being recorded
 * @param callId the log's id for the call once a step fixed it before recording ({@link WriteApproval}); null before
 */
public record Call(String method, JsonNode id, String tool, String target, JsonNode params, JsonNode arguments,
        JsonNode requestedProfile, String profile, Duration timeout, InFlight inFlight, String upstreamSessionId,
        UpstreamException connectFailure, String callId) {

    public static final String TOOLS_CALL = "tools/call";
    /** The argument with which the agent picks a profile; never forwarded upstream. */
    public static final String PROFILE_ARGUMENT = "aws_profile";

    /**
     * The call a request asks for; {@code aws_profile} is taken out of a tool's arguments here, always,
     * so that no later step can forward it by mistake.
     */
    public static Call fromRequest(JsonNode request, Duration toolTimeout, Duration requestTimeout, InFlight inFlight) {
        String method = request.get("method").asText();
        JsonNode params = request.get("params");
        JsonNode p = params == null ? JsonRpc.MAPPER.createObjectNode() : params;
        JsonNode id = request.get("id");
        return switch (method) {
            case TOOLS_CALL -> {
                JsonNode arguments = p.get("arguments");
                JsonNode requested = null;
                if (arguments != null && arguments.isObject() && arguments.has(PROFILE_ARGUMENT)) {
                    // Shallow: the argument values are shared with the agent's request, which nothing changes.
                    ObjectNode without = ((ObjectNode) arguments).objectNode();
                    without.setAll((ObjectNode) arguments);
                    requested = without.remove(PROFILE_ARGUMENT);
                    arguments = without;
                }
                yield new Call(method, id, p.path("name").asText(), null, params, arguments, requested, null,
                        toolTimeout, inFlight, null, null, null);
            }
            case "resources/read" -> new Call(method, id, null, p.path("uri").asText(null), params, null, null,
                    null, requestTimeout, inFlight, null, null, null);
            case "prompts/get" -> new Call(method, id, null, p.path("name").asText(null), params, p.get("arguments"),
                    null, null, requestTimeout, inFlight, null, null, null);
            case "completion/complete" -> new Call(method, id, null,
                    p.path("ref").path("uri").asText(p.path("ref").path("name").asText(null)), params,
                    p.get("argument"), null, null, requestTimeout, inFlight, null, null, null);
            default -> throw new IllegalArgumentException(method + " is not a call the pipeline handles");
        };
    }

    /** Whether {@link #fromRequest} takes this method. */
    public static boolean handles(String method) {
        return switch (method) {
            case TOOLS_CALL, "resources/read", "prompts/get", "completion/complete" -> true;
            default -> false;
        };
    }

    public boolean isToolCall() {
        return method.equals(TOOLS_CALL);
    }

    /** How the call is named in sentences: "Tool call 'x'" or the method. */
    public String shownAs() {
        return isToolCall() ? "Tool call '" + tool + "'" : method;
    }

    public Call routedTo(String chosenProfile) {
        return new Call(method, id, tool, target, params, arguments, requestedProfile, chosenProfile, timeout,
                inFlight, upstreamSessionId, connectFailure, callId);
    }

    public Call connected(String sessionId, UpstreamException failure) {
        return new Call(method, id, tool, target, params, arguments, requestedProfile, profile, timeout, inFlight,
                sessionId, failure, callId);
    }

    /** The call with the id the log will know it by, fixed before it is recorded. */
    public Call identifiedAs(String logCallId) {
        return new Call(method, id, tool, target, params, arguments, requestedProfile, profile, timeout, inFlight,
                upstreamSessionId, connectFailure, logCallId);
    }

    /** The params upstream receives: the agent's, with a tool's arguments as forwarded. */
    public JsonNode forwardedParams() {
        if (!isToolCall() || arguments == null || arguments == params.get("arguments")) {
            return params;
        }
        ObjectNode forwarded = JsonRpc.MAPPER.createObjectNode();
        forwarded.setAll((ObjectNode) params); // shallow: only "arguments" is replaced
        forwarded.set("arguments", arguments);
        return forwarded;
    }
}
