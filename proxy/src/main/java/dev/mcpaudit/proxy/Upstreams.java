package dev.mcpaudit.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.proxy.upstream.UpstreamHttp;
import dev.mcpaudit.proxy.upstream.UpstreamSession;
import dev.mcpaudit.schema.ProductVersion;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One upstream MCP session per profile: the default's made at initialize, the others on first use. */
final class Upstreams {
    private static final Logger LOG = LoggerFactory.getLogger(Upstreams.class);
    private final UpstreamHttp http;
    private final UpstreamSession.ServerMessages serverMessages;
    private final ExecutorService background;
    private final Map<String, UpstreamSession> sessions = new ConcurrentHashMap<>();
    private volatile ObjectNode initializeParams;

    Upstreams(UpstreamHttp http, UpstreamSession.ServerMessages serverMessages, ExecutorService background) {
        this.http = http;
        this.serverMessages = serverMessages;
        this.background = background;
    }

    /**
     * Upstream sees the proxy as its client, with the agent's protocol version and capabilities, so it
     * only asks for what the agent can do (sampling, elicitation, roots).
     */
    void setAgentInitialize(JsonNode agentParams) {
        ObjectNode params = JsonRpc.MAPPER.createObjectNode();
        params.put("protocolVersion", agentParams.path("protocolVersion").asText("2025-06-18"));
        params.set("capabilities", agentParams.path("capabilities").isObject()
                ? agentParams.get("capabilities") : JsonRpc.MAPPER.createObjectNode());
        params.putObject("clientInfo").put("name", "mcp-audit-proxy").put("version", ProductVersion.get());
        initializeParams = params;
        sessions.values().forEach(s -> s.setInitializeParams(params));
    }

    UpstreamSession get(String profile) {
        return sessions.computeIfAbsent(profile, p -> {
            UpstreamSession s = new UpstreamSession(p, http, serverMessages, background);
            s.setInitializeParams(initializeParams);
            return s;
        });
    }

    Collection<UpstreamSession> all() {
        return sessions.values();
    }

    /** Ends every session at once (DELETE), waiting at most {@code timeout} for upstream's answers. */
    void closeAll(Duration timeout) {
        CompletableFuture<?>[] closing = sessions.values().stream()
                .map(s -> CompletableFuture.runAsync(() -> s.close(timeout), background))
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(closing).get(timeout.toMillis() + 200, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("upstream did not confirm the end of every session within {} ms", timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
