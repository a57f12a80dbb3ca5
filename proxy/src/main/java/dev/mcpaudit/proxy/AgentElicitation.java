package dev.mcpaudit.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.proxy.pipeline.ApprovalChannel;
import dev.mcpaudit.proxy.upstream.InFlight;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The proxy's own questions to the user: {@code elicitation/create} sent to the agent through the
 * {@link ServerRequestRelay} (ids of their own, apart from relayed ones), once the agent's initialize
 * said it can answer them.
 */
final class AgentElicitation implements ApprovalChannel {
    /** The protocol version from which elicitation/create carries {@code mode}. */
    private static final String MODES_SINCE = "2025-11-25";
    /** How often a wait looks whether the agent cancelled the call. */
    private static final long CANCEL_POLL_MS = 100;

    private final ServerRequestRelay relay;
    private volatile boolean canAsk;
    private volatile boolean sendsMode;
    private volatile JsonNode client;

    AgentElicitation(ServerRequestRelay relay) {
        this.relay = relay;
    }

    /**
     * From the agent's initialize params: {@code capabilities.elicitation} present, and (when it names
     * modes, as clients of 2025-11-25 may) including {@code form}.
     */
    void agentInitialized(JsonNode params) {
        JsonNode elicitation = params.path("capabilities").path("elicitation");
        boolean namesModes = elicitation.has("form") || elicitation.has("url");
        canAsk = elicitation.isObject() && (!namesModes || elicitation.has("form"));
        String version = params.path("protocolVersion").asText("");
        sendsMode = version.compareTo(MODES_SINCE) >= 0;
        JsonNode info = params.path("clientInfo");
        client = info.isObject() ? info.deepCopy() : null;
    }

    @Override
    public boolean canAsk() {
        return canAsk;
    }

    @Override
    public JsonNode client() {
        return client;
    }

    @Override
    public Optional<JsonNode> ask(ObjectNode params, Duration timeout, InFlight call) throws InterruptedException {
        if (call.cancelled()) {
            return Optional.empty(); // cancelled while it waited for its turn: nobody needs to be asked
        }
        ObjectNode sent = params;
        if (sendsMode) {
            sent = params.objectNode().put("mode", "form");
            sent.setAll(params);
        }
        ServerRequestRelay.OwnRequest request = relay.askAgent("elicitation/create", sent);
        CompletableFuture<JsonNode> answer = request.answer();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || call.cancelled()) {
                    break;
                }
                try {
                    return Optional.of(answer.get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(CANCEL_POLL_MS)),
                            TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    // look at the deadline and the cancellation again
                } catch (ExecutionException e) {
                    break; // not completed exceptionally by the relay; treated as no answer
                }
            }
        } catch (InterruptedException e) {
            relay.withdraw(request, "mcp-audit-proxy is shutting down");
            throw e;
        }
        boolean withdrawn = relay.withdraw(request, call.cancelled()
                ? "the agent cancelled the call this approval was for"
                : "no answer within --confirm-timeout; the write was declined");
        return withdrawn || !answer.isDone() ? Optional.empty() : Optional.of(answer.join());
    }
}
