package dev.mcpaudit.proxy.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.schema.ProductVersion;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upstream MCP session per profile, each opened on first use (initialize), re-opened when upstream
 * forgets it and ended with a DELETE by {@link #closeAll}. The proxy's whole view of upstream; replay
 * uses it the same way, without a proxy around it.
 */
public final class UpstreamSessions {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamSessions.class);
    private final UpstreamHttp http;
    private final UpstreamSession.ServerMessages serverMessages;
    private final ExecutorService background;
    private final Map<String, UpstreamSession> sessions = new ConcurrentHashMap<>();
    private volatile ObjectNode initializeParams;
    private volatile UpstreamSession.InitializeListener initializeListener = (session, result) -> { };

    public UpstreamSessions(UpstreamHttp http, UpstreamSession.ServerMessages serverMessages, ExecutorService background) {
        this.http = http;
        this.serverMessages = serverMessages;
        this.background = background;
    }

    /**
     * Upstream sees the proxy as its client, with the agent's protocol version and capabilities, so it
     * only asks for what the agent can do (sampling, elicitation, roots).
     */
    public void setClientInitialize(JsonNode agentParams) {
        ObjectNode params = JsonRpc.MAPPER.createObjectNode();
        params.put("protocolVersion", agentParams.path("protocolVersion").asText("2025-06-18"));
        params.set("capabilities", agentParams.path("capabilities").isObject()
                ? agentParams.get("capabilities") : JsonRpc.MAPPER.createObjectNode());
        params.putObject("clientInfo").put("name", "mcp-audit-proxy").put("version", ProductVersion.get());
        initializeParams = params;
        sessions.values().forEach(s -> s.setInitializeParams(params));
    }

    /** Told about every session's initialize answer, for sessions made from now on. */
    public void onInitialized(UpstreamSession.InitializeListener listener) {
        this.initializeListener = listener;
    }

    /** The profile's session, created (not yet initialised) on first use. */
    public UpstreamSession get(String profile) {
        return sessions.computeIfAbsent(profile, p -> {
            UpstreamSession s = new UpstreamSession(p, http, serverMessages, background);
            s.setInitializeParams(initializeParams);
            s.setInitializeListener(initializeListener);
            return s;
        });
    }

    /** Ends every session at once (DELETE), waiting at most {@code timeout} for upstream's answers. */
    public void closeAll(Duration timeout) {
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
