package dev.mcpaudit.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.mcpaudit.proxy.downstream.StdioChannel;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.proxy.upstream.UpstreamSession;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries what upstream sends unasked to the agent, and the agent's answers back. A server→client
 * request (sampling, elicitation, roots) gets an id of the proxy's own, since sessions of different
 * profiles may use the same ids; the answer goes back to the session that asked, with its id. The
 * proxy's own requests to the agent (approvals, {@link AgentElicitation}) go out here too, with ids
 * of another form, and their answers are handed back to whoever waits for them.
 */
final class ServerRequestRelay {
    private static final Logger LOG = LoggerFactory.getLogger(ServerRequestRelay.class);

    private record Origin(UpstreamSession session, JsonNode upstreamId) {}

    private final StdioChannel agent;
    private final Executor senders;
    private final Map<String, Origin> waiting = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    /** The proxy's own requests awaiting the agent's answer, by id as JSON text. */
    private final Map<String, CompletableFuture<JsonNode>> own = new ConcurrentHashMap<>();
    private final AtomicLong ownIds = new AtomicLong();

    /** A request the proxy itself sent to the agent: its id, and the agent's response once it comes. */
    record OwnRequest(String id, CompletableFuture<JsonNode> answer) {}

    /** @param senders where answers are sent upstream, off the stdin reader thread */
    ServerRequestRelay(StdioChannel agent, Executor senders) {
        this.agent = agent;
        this.senders = senders;
    }

    /** A notification or request from any profile's session. */
    void fromUpstream(UpstreamSession from, JsonNode message) {
        if (JsonRpc.isRequest(message)) {
            String id = "mcp-audit-proxy-" + ids.incrementAndGet();
            waiting.put(TextNode.valueOf(id).toString(), new Origin(from, message.get("id")));
            ObjectNode forwarded = message.deepCopy();
            forwarded.put("id", id);
            agent.send(forwarded);
        } else {
            agent.send(message);
        }
    }

    /** Sends a request of the proxy's own to the agent; its response completes the returned future. */
    OwnRequest askAgent(String method, JsonNode params) {
        // "mcp-audit-proxy-N" are relayed requests; this form cannot be one of them.
        String id = "mcp-audit-proxy-own-" + ownIds.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        own.put(TextNode.valueOf(id).toString(), answer);
        ObjectNode request = JsonRpc.MAPPER.createObjectNode();
        request.put("jsonrpc", "2.0");
        request.put("id", id);
        request.put("method", method);
        request.set("params", params);
        agent.send(request);
        return new OwnRequest(id, answer);
    }

    /**
     * Gives up on an own request: the agent is told with notifications/cancelled, and a late answer is
     * dropped. False when the answer had already come.
     */
    boolean withdraw(OwnRequest request, String reason) {
        if (own.remove(TextNode.valueOf(request.id()).toString()) == null) {
            return false;
        }
        ObjectNode cancelled = JsonRpc.MAPPER.createObjectNode();
        cancelled.put("jsonrpc", "2.0");
        cancelled.put("method", "notifications/cancelled");
        cancelled.putObject("params").put("requestId", request.id()).put("reason", reason);
        agent.send(cancelled);
        return true;
    }

    /** The agent's response to one of those requests. */
    void fromAgent(JsonNode response) {
        CompletableFuture<JsonNode> waiter = own.remove(response.get("id").toString());
        if (waiter != null) {
            waiter.complete(response);
            return;
        }
        Origin origin = waiting.remove(response.get("id").toString());
        if (origin == null) {
            LOG.warn("the agent answered request {} that the proxy never sent", response.get("id"));
            return;
        }
        ObjectNode forwarded = response.deepCopy();
        forwarded.set("id", origin.upstreamId());
        senders.execute(() -> origin.session().notifyUpstream(forwarded));
    }
}
