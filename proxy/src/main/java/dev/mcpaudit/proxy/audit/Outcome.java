package dev.mcpaudit.proxy.audit;

/** How a recorded call ended, as the {@code outcome} field of {@code call.completed}. */
public enum Outcome {
    /** Upstream answered with a result that is not an error. */
    OK("ok"),
    /** Upstream answered with a tool result marked {@code isError}. */
    TOOL_ERROR("tool_error"),
    /** Upstream answered with a JSON-RPC error, or could not be reached or understood. */
    ERROR("error"),
    /** No answer within the deadline. */
    TIMEOUT("timeout"),
    /** The agent cancelled the call; it got no answer. */
    CANCELLED("cancelled");

    private final String wireName;

    Outcome(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
