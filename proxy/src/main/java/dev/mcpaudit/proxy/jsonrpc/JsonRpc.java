package dev.mcpaudit.proxy.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON-RPC 2.0 messages as Jackson trees. The proxy keeps messages as trees end to end so that
 * whatever upstream or the agent sends (extension fields, number forms) passes through unchanged.
 */
public final class JsonRpc {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;

    private JsonRpc() {}

    public static boolean isRequest(JsonNode m) {
        return m.hasNonNull("method") && m.has("id");
    }

    public static boolean isNotification(JsonNode m) {
        return m.hasNonNull("method") && !m.has("id");
    }

    public static boolean isResponse(JsonNode m) {
        return !m.has("method") && m.has("id") && (m.has("result") || m.has("error"));
    }

    /**
     * A JSON-RPC id the proxy can carry back exactly as sent: a string, an integer (of any size: Jackson
     * keeps those beyond 64 bits as BigInteger), or null. A number with a fraction or an exponent is
     * refused: as a double, {@code 1e400} would come back as {@code "Infinity"} and {@code 1.10} as {@code 1.1}.
     */
    public static boolean isValidId(JsonNode id) {
        return id.isTextual() || id.isIntegralNumber() || id.isNull();
    }

    public static ObjectNode request(JsonNode id, String method, JsonNode params) {
        ObjectNode m = NODES.objectNode().put("jsonrpc", "2.0");
        m.set("id", id);
        m.put("method", method);
        if (params != null && !params.isNull() && !params.isMissingNode()) {
            m.set("params", params);
        }
        return m;
    }

    public static ObjectNode notification(String method, JsonNode params) {
        ObjectNode m = NODES.objectNode().put("jsonrpc", "2.0").put("method", method);
        if (params != null && !params.isNull() && !params.isMissingNode()) {
            m.set("params", params);
        }
        return m;
    }

    public static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode m = NODES.objectNode().put("jsonrpc", "2.0");
        m.set("id", id);
        m.set("result", result);
        return m;
    }

    public static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode m = NODES.objectNode().put("jsonrpc", "2.0");
        m.set("id", id == null ? NODES.nullNode() : id);
        m.putObject("error").put("code", code).put("message", message);
        return m;
    }

    /** A tools/call result the model reads as a failure: {@code isError: true} with one text block. */
    public static ObjectNode toolError(String text) {
        ObjectNode r = NODES.objectNode();
        r.putArray("content").addObject().put("type", "text").put("text", text);
        r.put("isError", true);
        return r;
    }
}
