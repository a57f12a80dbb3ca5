package dev.mcpaudit.proxy.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matches what upstream sends to the requests waiting for it: each request gets a session-unique
 * numeric id; a response completes the request with that id, on whichever stream it arrives; anything
 * else (notifications, server→client requests) goes to {@code serverMessages}.
 */
final class PendingAnswers {
    private static final Logger LOG = LoggerFactory.getLogger(PendingAnswers.class);

    /** One request waiting for its answer. */
    record Pending(long id, CompletableFuture<JsonNode> answer) {}

    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
    private final Consumer<JsonNode> serverMessages;

    PendingAnswers(Consumer<JsonNode> serverMessages) {
        this.serverMessages = serverMessages;
    }

    Pending open() {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        return new Pending(id, answer);
    }

    /** The request is done (answered, failed or abandoned): a late answer to it is dropped. */
    void close(Pending pending) {
        waiting.remove(pending.id());
        pending.answer().cancel(false);
    }

    /** Stops the caller waiting for request {@code id}, if it still does. */
    void abandon(long id) {
        CompletableFuture<JsonNode> answer = waiting.get(id);
        if (answer != null) {
            answer.cancel(false);
        }
    }

    /** One message from upstream, from an answer's stream or the listening one. */
    void deliver(JsonNode message) {
        if (JsonRpc.isResponse(message)) {
            CompletableFuture<JsonNode> answer = message.get("id").canConvertToLong()
                    ? waiting.get(message.get("id").asLong())
                    : null;
            if (answer != null) {
                answer.complete(message);
            } else {
                LOG.debug("upstream answered request {} that nobody waits for any more", message.get("id"));
            }
        } else if (message.has("method")) {
            serverMessages.accept(message);
        }
    }

    /** One SSE event's data: a JSON-RPC message, or something to skip with a warning. */
    void deliverEvent(String json) {
        JsonNode message;
        try {
            message = JsonRpc.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            LOG.warn("upstream sent an event that is not JSON; skipped");
            return;
        }
        deliver(message);
    }
}
