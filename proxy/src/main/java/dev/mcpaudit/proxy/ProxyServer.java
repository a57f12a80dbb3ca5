package dev.mcpaudit.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.proxy.audit.AuditRecorder;
import dev.mcpaudit.proxy.downstream.StdioChannel;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.proxy.pipeline.AgentReply;
import dev.mcpaudit.proxy.pipeline.Call;
import dev.mcpaudit.proxy.pipeline.CallPipeline;
import dev.mcpaudit.proxy.pipeline.LogRedaction;
import dev.mcpaudit.proxy.pipeline.ToolCatalog;
import dev.mcpaudit.proxy.upstream.InFlight;
import dev.mcpaudit.proxy.upstream.UpstreamException;
import dev.mcpaudit.proxy.upstream.UpstreamFailures;
import dev.mcpaudit.proxy.upstream.UpstreamSession;
import dev.mcpaudit.proxy.upstream.UpstreamSessions;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches each message from the agent. Requests run on worker threads so the stdin reader never
 * blocks (a cancellation must get through while a call runs). Calls that do something upstream go
 * through the {@link CallPipeline}; initialize is answered by {@link InitializeHandler}; everything
 * else passes through on the default profile's session unchanged.
 */
final class ProxyServer {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    private final AgentRequests requests;
    private final ServerRequestRelay relay;
    private final InitializeHandler initializer;
    private final CallPipeline pipeline;
    private final UpstreamSessions upstreams;
    private final ToolCatalog catalog;
    private final AuditRecorder recorder;
    private final LogRedaction log;
    private final String defaultProfile;
    private final Duration toolTimeout;
    private final Duration requestTimeout;
    private final ExecutorService workers;
    private final Runnable onFirstRequest;
    private final AtomicBoolean started = new AtomicBoolean();

    /**
     * @param workers runs the agent's requests, one thread each while it waits on upstream
     * @param onFirstRequest start-up work that can wait until the agent has the answer to its first
     *     request (it must not block)
     */
    ProxyServer(AgentRequests requests, ServerRequestRelay relay, InitializeHandler initializer, CallPipeline pipeline,
            UpstreamSessions upstreams, ToolCatalog catalog, AuditRecorder recorder, LogRedaction log, String defaultProfile,
            Duration toolTimeout, Duration requestTimeout, ExecutorService workers, Runnable onFirstRequest) {
        this.requests = requests;
        this.relay = relay;
        this.initializer = initializer;
        this.pipeline = pipeline;
        this.upstreams = upstreams;
        this.catalog = catalog;
        this.recorder = recorder;
        this.log = log;
        this.defaultProfile = defaultProfile;
        this.toolTimeout = toolTimeout;
        this.requestTimeout = requestTimeout;
        this.workers = workers;
        this.onFirstRequest = onFirstRequest;
    }

    /** Called on the stdin reader thread for each message from the agent. */
    void onAgentMessage(JsonNode message) {
        if (JsonRpc.isResponse(message)) {
            relay.fromAgent(message);
        } else if (JsonRpc.isNotification(message)) {
            onAgentNotification(message);
        } else {
            AgentRequests.Request request = requests.begin(message);
            if (request == null) {
                return;
            }
            boolean first = started.compareAndSet(false, true);
            workers.execute(() -> {
                try {
                    requests.answer(request, handle(message, request.inFlight()));
                } catch (RuntimeException | LinkageError | StackOverflowError e) {
                    // Every request gets an answer: an agent waits for one, possibly forever.
                    LOG.error("handling {} failed", message.get("method").asText(), e);
                    requests.answerFailure(request, JsonRpc.error(message.get("id"), JsonRpc.INTERNAL_ERROR,
                            "Internal error in mcp-audit-proxy: " + e + ". Please report it; retrying may work."));
                } finally {
                    requests.end(request);
                    if (first) {
                        onFirstRequest.run(); // once the agent has its first answer (usually initialize's)
                    }
                }
            });
        }
    }

    private void onAgentNotification(JsonNode message) {
        String method = message.get("method").asText();
        switch (method) {
            case "notifications/initialized" -> { } // upstream sessions send their own when they initialise
            case "notifications/cancelled" -> requests.cancel(message.path("params").path("requestId"),
                    message.path("params").path("reason").asText("cancelled by the client"));
            default -> {
                if (!method.startsWith("notifications/")) {
                    // A request sent without an id (tools/call…) would run upstream unrouted and
                    // unrecorded; JSON-RPC gives a notification no answer, so it is dropped and logged.
                    LOG.warn("dropped a {} sent as a notification (no id): requests need an id to be answered and"
                            + " recorded", method);
                    return;
                }
                workers.execute(() -> {
                    UpstreamSession session = upstreams.get(defaultProfile);
                    if (session.sessionId() != null) {
                        session.notifyUpstream(message);
                    }
                });
            }
        }
    }

    private JsonNode handle(JsonNode request, InFlight inFlight) {
        JsonNode id = request.get("id");
        String method = request.get("method").asText();
        JsonNode params = request.get("params");
        if (method.equals(Call.TOOLS_CALL) && (params == null || !params.path("name").isTextual())) {
            return JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "tools/call needs params with the tool's name.");
        }
        if (Call.handles(method)) {
            Call call = Call.fromRequest(request, toolTimeout, requestTimeout, inFlight);
            return AgentReply.of(call, pipeline.run(call));
        }
        try {
            return switch (method) {
                case "initialize" -> JsonRpc.result(id, initializer.initialize(params));
                case "tools/list" -> passThrough(id, method, params, inFlight, result -> {
                    recorder.toolsListed(defaultProfile, params, result);
                    return catalog.rewrite(result);
                });
                case "ping" -> upstreams.get(defaultProfile).sessionId() == null
                        ? JsonRpc.result(id, JsonRpc.MAPPER.createObjectNode())
                        : passThrough(id, method, params, inFlight, r -> r);
                default -> passThrough(id, method, params, inFlight, r -> r);
            };
        } catch (UpstreamException e) {
            String sentence = UpstreamFailures.requestSentence(method, defaultProfile, e);
            log.logFailure(method, e, sentence);
            return JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, sentence);
        }
    }

    /** A request that is not a call: sent on the default profile's session, its answer passed back. */
    private JsonNode passThrough(JsonNode id, String method, JsonNode params, InFlight inFlight,
            UnaryOperator<JsonNode> rewriteResult) throws UpstreamException {
        JsonNode response = upstreams.get(defaultProfile).request(method, params, requestTimeout, inFlight);
        if (response.has("error")) {
            ObjectNode error = response.deepCopy();
            error.set("id", id);
            return error;
        }
        return JsonRpc.result(id, rewriteResult.apply(response.get("result")));
    }
}
