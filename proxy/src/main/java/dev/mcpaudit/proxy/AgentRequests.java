package dev.mcpaudit.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.proxy.downstream.StdioChannel;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.proxy.upstream.InFlight;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * The agent's requests being worked on: each gets exactly one answer (from its worker, or from the
 * shutdown if that comes first), can be cancelled by id, and is refused once shutdown has begun.
 */
final class AgentRequests {

    /** One request being worked on. */
    static final class Request {
        private final JsonNode id;
        private final String method;
        private final InFlight inFlight = new InFlight();
        private final AtomicBoolean answered = new AtomicBoolean();

        private Request(JsonNode id, String method) {
            this.id = id;
            this.method = method;
        }

        InFlight inFlight() {
            return inFlight;
        }

        private boolean claimAnswer() {
            return answered.compareAndSet(false, true);
        }
    }

    private final StdioChannel agent;
    /** Agent request id (as JSON text) → the request. */
    private final Map<String, Request> working = new ConcurrentHashMap<>();
    private volatile boolean closing;

    AgentRequests(StdioChannel agent) {
        this.agent = agent;
    }

    /** Null once shutdown has begun: the request is then answered with a refusal here. */
    Request begin(JsonNode message) {
        JsonNode id = message.get("id");
        if (closing) {
            agent.send(JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, "mcp-audit-proxy is shutting down;"
                    + " the request was not sent upstream. Start the proxy again to continue."));
            return null;
        }
        Request request = new Request(id, message.get("method").asText());
        working.put(id.toString(), request);
        return request;
    }

    /** Sends the answer unless the request was cancelled or already answered. */
    void answer(Request request, JsonNode response) {
        if (!request.inFlight().cancelled() && request.claimAnswer()) {
            agent.send(response);
        }
    }

    /** An answer that must go out even to a cancelled request: the proxy itself failed. */
    void answerFailure(Request request, JsonNode error) {
        if (request.claimAnswer()) {
            agent.send(error);
        }
    }

    void end(Request request) {
        working.remove(request.id.toString());
    }

    /** notifications/cancelled: upstream is told and the request gets no answer. */
    void cancel(JsonNode requestId, String reason) {
        Request request = working.get(requestId.toString());
        if (request != null) {
            request.inFlight().cancel(reason);
        }
    }

    /** From now on, requests are refused with a sentence instead of being sent upstream. */
    void stopAccepting() {
        closing = true;
    }

    /**
     * Waits until no request is being worked on, at most {@code patience} or until {@code stopWaiting}
     * says so; returns whether none is.
     */
    boolean awaitIdle(Duration patience, BooleanSupplier stopWaiting) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!working.isEmpty() && System.nanoTime() - deadline < 0 && !stopWaiting.getAsBoolean()) {
            Thread.sleep(10);
        }
        return working.isEmpty();
    }

    /**
     * Answers every request still being worked on with {@code sentence}, as a tool error for tool calls
     * and a JSON-RPC error otherwise; whatever upstream answers later is dropped. Returns how many.
     */
    int answerAll(String sentence) {
        int answered = 0;
        for (Request request : working.values()) {
            if (request.claimAnswer() && !request.inFlight().cancelled()) {
                agent.send(request.method.equals("tools/call")
                        ? JsonRpc.result(request.id, JsonRpc.toolError(sentence))
                        : JsonRpc.error(request.id, JsonRpc.INTERNAL_ERROR, sentence));
                answered++;
            }
        }
        return answered;
    }
}
