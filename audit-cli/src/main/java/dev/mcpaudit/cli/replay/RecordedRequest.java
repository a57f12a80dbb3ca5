package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.fixtures.replay.Fixture;

/**
 * The JSON-RPC {@code params} that ask the proxy for a recorded call again, as an agent would: a
 * {@code tools/call} names its profile in {@code aws_profile} (which the proxy takes out before
 * forwarding, as it did when the call was recorded); the other methods are rebuilt from the
 * recorded target and arguments.
 */
final class RecordedRequest {
    static final String PROFILE_ARGUMENT = "aws_profile";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RecordedRequest() {}

    /** The params of {@code call}, signed as {@code profile} (null: the proxy's default). */
    static ObjectNode params(Fixture.Call call, String profile) {
        ObjectNode params = NODES.objectNode();
        JsonNode args = call.args();
        switch (call.method()) {
            case Fixture.Call.TOOLS_CALL -> {
                params.put("name", call.tool());
                ObjectNode arguments = args != null && args.isObject() ? ((ObjectNode) args).deepCopy() : NODES.objectNode();
                if (profile != null) {
                    arguments.put(PROFILE_ARGUMENT, profile);
                }
                params.set("arguments", arguments);
            }
            case Fixture.Call.RESOURCES_READ -> params.put("uri", call.target());
            case Fixture.Call.PROMPTS_GET -> {
                params.put("name", call.target());
                if (args != null) {
                    params.set("arguments", args.deepCopy());
                }
            }
            case Fixture.Call.COMPLETION_COMPLETE -> {
                // The log keeps the reference's uri or name as the target; a uri has a scheme.
                String target = call.target() == null ? "" : call.target();
                ObjectNode ref = params.putObject("ref");
                if (target.contains(":")) {
                    ref.put("type", "ref/resource").put("uri", target);
                } else {
                    ref.put("type", "ref/prompt").put("name", target);
                }
                params.set("argument", args == null ? NODES.objectNode() : args.deepCopy());
            }
            default -> throw new IllegalArgumentException("a fixture does not record " + call.method());
        }
        return params;
    }
}
