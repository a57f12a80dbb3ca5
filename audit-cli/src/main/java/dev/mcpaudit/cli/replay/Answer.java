package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.fixtures.replay.Fixture.Outcome;

/**
 * What came back for one replayed call: the JSON-RPC {@code result}, its {@code error}, or nothing
 * (and why: no answer in time, the proxy died).
 */
public record Answer(JsonNode result, JsonNode error, String missingReason) {

    public static Answer result(JsonNode result) {
        return new Answer(result, null, null);
    }

    public static Answer error(JsonNode error) {
        return new Answer(null, error, null);
    }

    public static Answer missing(String reason) {
        return new Answer(null, null, reason);
    }

    public boolean isMissing() {
        return result == null && error == null;
    }

    /** As the proxy records it: a JSON-RPC error is {@code error}, a tool result with {@code isError} is {@code tool_error}. */
    public Outcome outcome() {
        if (error != null) {
            return Outcome.ERROR;
        }
        if (result != null) {
            return result.path("isError").asBoolean(false) ? Outcome.TOOL_ERROR : Outcome.OK;
        }
        return null;
    }

    /** The error's message, or the first text of an {@code isError} result; null when there is none. */
    public String errorText() {
        if (error != null) {
            return error.path("message").asText("");
        }
        if (result != null) {
            for (JsonNode content : result.path("content")) {
                if (content.path("text").isTextual()) {
                    return content.get("text").textValue();
                }
            }
        }
        return null;
    }
}
