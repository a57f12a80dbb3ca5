package dev.mcpaudit.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.mcpaudit.proxy.downstream.StdioChannel;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.proxy.upstream.UpstreamSession;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries what upstream sends unasked to the agent, and the agent's answers back. A server→client
 * request (sampling, elicitation, roots) gets an id of the proxy's own, since sessions of different
 * profiles may use the same ids; the answer goes back to the session that asked, with its id.
 */
final class ServerRequestRelay {
    private static final Logger LOG = LoggerFactory.getLogger(ServerRequestRelay.class);

    private record Origin(UpstreamSession session, JsonNode upstreamId) {}

    private final StdioChannel agent;
    private final Executor senders;
    private final Map<String, Origin> waiting = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

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

    /** The agent's response to one of those requests. */
    void fromAgent(JsonNode response) {
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
