package dev.mcpaudit.proxy.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.proxy.audit.Outcome;

/** How a call ended, as the pipeline hands it back: sent and answered, refused by a step, or not sent. */
public sealed interface CallResult {

    /**
     * Upstream was asked.
     *
     * @param outcome how it ended, as recorded
     * @param result the result the agent gets (upstream's, or the tool error the proxy made), or null
     * @param upstreamError upstream's JSON-RPC error object, passed through on calls other than tools/call
     * @param failure the sentence that says what went wrong, recorded as the call's error; null when it went well
     */
    record Completed(Outcome outcome, JsonNode result, JsonNode upstreamError, String failure) implements CallResult {}

    /**
     * A step refused the call; nothing went upstream and the refusal is recorded as {@code call.rejected}.
     *
     * @param call the call as the refusing step saw it
     * @param why a short cause for the proxy's own log, which never quotes the call
     * @param sentence what the agent reads: the cause and what to do instead
     */
    record Refused(Call call, String why, String sentence) implements CallResult {}

    /** The call could not be recorded, so it was not sent (fail-closed); nothing is in the log. */
    record NotSent(String sentence, int jsonRpcCode) implements CallResult {}
}
