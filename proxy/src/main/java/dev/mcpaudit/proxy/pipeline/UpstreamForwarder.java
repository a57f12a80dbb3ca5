package dev.mcpaudit.proxy.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.proxy.audit.Outcome;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.proxy.upstream.UpstreamException;
import dev.mcpaudit.proxy.upstream.UpstreamFailures;
import dev.mcpaudit.proxy.upstream.UpstreamSessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's last step: sends the call on its profile's upstream session and says how it ended.
 * A tool's result passes through exactly (structuredContent and isError included); a failure becomes
 * the sentence the agent reads, as a tool error for tools/call.
 */
public final class UpstreamForwarder implements CallStep {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamForwarder.class);

    private final UpstreamSessions sessions;
    /** For DEBUG lines, which may quote upstream; null above DEBUG. */
    private final LogRedaction logRedaction;

    public UpstreamForwarder(UpstreamSessions sessions, LogRedaction logRedaction) {
        this.sessions = sessions;
        this.logRedaction = logRedaction;
    }

    @Override
    public CallResult handle(Call call, Chain next) {
        try {
            if (call.connectFailure() != null) {
                throw call.connectFailure();
            }
            JsonNode response = sessions.get(call.profile())
                    .request(call.method(), call.forwardedParams(), call.timeout(), call.inFlight());
            if (response.has("error")) {
                return upstreamError(call, response.get("error"));
            }
            JsonNode result = response.get("result");
            boolean toolError = call.isToolCall() && result != null && result.path("isError").asBoolean(false);
            return new CallResult.Completed(toolError ? Outcome.TOOL_ERROR : Outcome.OK, result, null, null);
        } catch (UpstreamException e) {
            String sentence = call.isToolCall()
                    ? UpstreamFailures.toolSentence(call.tool(), call.profile(), e, call.timeout())
                    : UpstreamFailures.requestSentence(call.method(), call.profile(), e);
            logRedaction.logFailure(call.isToolCall() ? call.tool() : call.method(), e, sentence);
            return new CallResult.Completed(outcomeOf(e, call), call.isToolCall() ? JsonRpc.toolError(sentence) : null,
                    null, sentence);
        }
    }

    /** tools/call: a tool error that quotes upstream's; other methods: upstream's error as it is. */
    private static CallResult upstreamError(Call call, JsonNode error) {
        if (!call.isToolCall()) {
            return new CallResult.Completed(Outcome.ERROR, null, error, error.path("message").asText());
        }
        String sentence = "Tool call '" + call.tool() + "' failed: upstream error " + error.path("code").asInt()
                + ": " + error.path("message").asText() + ".";
        return new CallResult.Completed(Outcome.ERROR, JsonRpc.toolError(sentence), null, sentence);
    }

    private static Outcome outcomeOf(UpstreamException e, Call call) {
        if (call.inFlight().cancelled() || e.kind() == UpstreamException.Kind.CANCELLED) {
            return Outcome.CANCELLED;
        }
        return e.kind() == UpstreamException.Kind.TIMEOUT ? Outcome.TIMEOUT : Outcome.ERROR;
    }
}
