package dev.mcpaudit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON text as the log stores it (payloads, arguments, results), parsed leniently for display. */
public final class JsonText {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonText() {}

    /** The parsed JSON, or null when {@code json} is null or not JSON. */
    public static JsonNode parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * A call's recorded arguments: their JSON, or, when they are not JSON (arguments a purge replaced
     * as a whole, [PURGED:<seq>]), their text as a text node; null when there are none.
     */
    public static JsonNode parseArgs(String args) {
        JsonNode parsed = parse(args);
        return parsed == null && args != null ? JSON.getNodeFactory().textNode(args) : parsed;
    }

    /**
     * {@code value} as a JSON string literal, {@code "prod "}: quoted, with a tab, a newline or any other
     * control character escaped, so that whitespace and case are visible. "null" for null.
     */
    public static String quoted(String value) {
        return JSON.getNodeFactory().textNode(value).toString();
    }
}
