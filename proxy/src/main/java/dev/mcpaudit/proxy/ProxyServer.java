package dev.mcpaudit.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.mcpaudit.proxy.audit.Account;
import dev.mcpaudit.proxy.audit.AccountResolver;
import dev.mcpaudit.proxy.audit.AuditRecorder;
import dev.mcpaudit.proxy.audit.AuditRecorder.RecordedCall;
import dev.mcpaudit.proxy.audit.AuditUnavailableException;
import dev.mcpaudit.proxy.audit.CallStart;
import dev.mcpaudit.proxy.audit.Outcome;
import dev.mcpaudit.proxy.audit.UnrecordableCallException;
import dev.mcpaudit.proxy.config.ProxyConfig;
import dev.mcpaudit.proxy.downstream.StdioChannel;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.proxy.pipeline.AgentMessages;
import dev.mcpaudit.proxy.pipeline.ProfileRouter;
import dev.mcpaudit.proxy.pipeline.ToolCatalog;
import dev.mcpaudit.proxy.upstream.UpstreamException;
import dev.mcpaudit.proxy.upstream.UpstreamHttp;
import dev.mcpaudit.proxy.upstream.UpstreamSession;
import dev.mcpaudit.proxy.upstream.UpstreamSession.InFlight;
import dev.mcpaudit.schema.ProductVersion;
import dev.mcpaudit.schema.redact.FingerprintKey;
import dev.mcpaudit.schema.redact.Redactor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes every message between the agent and upstream. Requests run on worker threads so the stdin
 * reader never blocks (a cancellation must get through while a call runs). tools/call goes through
 * the pipeline (read-only guard, profile router); everything else passes through on the default
 * profile's session unchanged. Calls that do something upstream (tools/call, resources/read,
 * prompts/get, completion/complete) are recorded in the audit log before they leave and before
 * their answer reaches the agent; one that cannot be recorded is not sent (fail-closed).
 */
final class ProxyServer {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    private final ProxyConfig config;
    private final StdioChannel agent;
    private final UpstreamHttp http;
    private final Upstreams upstreams;
    private final ProfileRouter router;
    private final ToolCatalog catalog;
    private final AuditRecorder recorder;
    private final AccountResolver accounts;
    private final Map<String, String> regionByProfile;
    /** For DEBUG lines that quote upstream or the agent: the same rules as the log, a throw-away key; null above DEBUG. */
    private final Redactor logRedactor;
    private final ExecutorService workers;
    private final Runnable onFirstRequest;
    private final AtomicBoolean started = new AtomicBoolean();
    /** Agent request id (as JSON text) → the request still being worked on, for notifications/cancelled and shutdown. */
    private final Map<String, AgentRequest> inFlight = new ConcurrentHashMap<>();
    /** Set at shutdown: requests that arrive after it are refused, never sent upstream. */
    private volatile boolean closing;
    /** Proxy-assigned id → the upstream request it stands for (server→client requests). */
    private final Map<String, ServerRequest> serverRequests = new ConcurrentHashMap<>();
    private final AtomicLong serverRequestIds = new AtomicLong();

    private record ServerRequest(UpstreamSession session, JsonNode upstreamId) {}

    /** A request from the agent being worked on; {@code answered} makes sure it gets one answer only. */
    private record AgentRequest(JsonNode id, String method, InFlight handle, AtomicBoolean answered) {
        boolean claimAnswer() {
            return answered.compareAndSet(false, true);
        }
    }

    /**
     * @param workers runs the agent's requests, one thread each while it waits on upstream
     * @param background runs upstream's listening streams and cancellations
     * @param onFirstRequest start-up work that can wait until the agent has the answer to its first
     *     request (it must not block)
     */
    ProxyServer(ProxyConfig config, StdioChannel agent, UpstreamHttp http, ProfileRouter router, ToolCatalog catalog,
            AuditRecorder recorder, AccountResolver accounts, Map<String, String> regionByProfile,
            ExecutorService workers, ExecutorService background, Runnable onFirstRequest) {
        this.onFirstRequest = onFirstRequest;
        this.config = config;
        this.recorder = recorder;
        this.accounts = accounts;
        this.regionByProfile = Map.copyOf(regionByProfile);
        // Only DEBUG lines quote anything; a key (SecureRandom) is not worth making at start-up otherwise.
        this.logRedactor = LOG.isDebugEnabled() ? new Redactor(config.redactionRules(), FingerprintKey.ephemeral()) : null;
        this.agent = agent;
        this.http = http;
        this.upstreams = new Upstreams(http, this::onServerMessage, background);
        this.router = router;
        this.catalog = catalog;
        this.workers = workers;
    }

    /** Called on the stdin reader thread for each message from the agent. */
    void onAgentMessage(JsonNode message) {
        if (JsonRpc.isResponse(message)) {
            ServerRequest origin = serverRequests.remove(message.get("id").toString());
            if (origin == null) {
                LOG.warn("the agent answered request {} that the proxy never sent", message.get("id"));
                return;
            }
            ObjectNode forwarded = message.deepCopy();
            forwarded.set("id", origin.upstreamId());
            workers.execute(() -> origin.session().notifyUpstream(forwarded));
        } else if (JsonRpc.isNotification(message)) {
            onAgentNotification(message);
        } else if (closing) {
            agent.send(JsonRpc.error(message.get("id"), JsonRpc.INTERNAL_ERROR, "mcp-audit-proxy is shutting down;"
                    + " the request was not sent upstream. Start the proxy again to continue."));
        } else {
            boolean first = started.compareAndSet(false, true);
            String key = message.get("id").toString();
            InFlight handle = new InFlight();
            AgentRequest request = new AgentRequest(message.get("id"), message.get("method").asText(), handle,
                    new AtomicBoolean());
            inFlight.put(key, request);
            workers.execute(() -> {
                try {
                    JsonNode response = handle(message, handle);
                    if (!handle.cancelled() && request.claimAnswer()) {
                        agent.send(response);
                    }
                } catch (RuntimeException | LinkageError | StackOverflowError e) {
                    // Every request gets an answer: an agent waits for one, possibly forever.
                    LOG.error("handling {} failed", message.get("method").asText(), e);
                    if (request.claimAnswer()) {
                        agent.send(JsonRpc.error(message.get("id"), JsonRpc.INTERNAL_ERROR,
                                "Internal error in mcp-audit-proxy: " + e + ". Please report it; retrying may work."));
                    }
                } finally {
                    inFlight.remove(key);
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
            case "notifications/cancelled" -> {
                AgentRequest request = inFlight.get(message.path("params").path("requestId").toString());
                if (request != null) {
                    request.handle().cancel(message.path("params").path("reason").asText("cancelled by the client"));
                }
            }
            default -> {
                if (!method.startsWith("notifications/")) {
                    // A request sent without an id (tools/call…) would run upstream unrouted and
                    // unrecorded; JSON-RPC gives a notification no answer, so it is dropped and logged.
                    LOG.warn("dropped a {} sent as a notification (no id): requests need an id to be answered and"
                            + " recorded", method);
                    return;
                }
                workers.execute(() -> {
                    UpstreamSession session = upstreams.get(config.profiles().defaultProfile());
                    if (session.sessionId() != null) {
                        session.notifyUpstream(message);
                    }
                });
            }
        }
    }

    /** Upstream's notifications and requests, from any profile's session, go to the agent. */
    void onServerMessage(UpstreamSession from, JsonNode message) {
        if (JsonRpc.isRequest(message)) {
            String id = "mcp-audit-proxy-" + serverRequestIds.incrementAndGet();
            serverRequests.put(TextNode.valueOf(id).toString(), new ServerRequest(from, message.get("id")));
            ObjectNode forwarded = message.deepCopy();
            forwarded.put("id", id);
            agent.send(forwarded);
        } else {
            agent.send(message);
        }
    }

    private JsonNode handle(JsonNode request, InFlight handle) {
        JsonNode id = request.get("id");
        String method = request.get("method").asText();
        JsonNode params = request.get("params");
        try {
            return switch (method) {
                case "initialize" -> JsonRpc.result(id, initialize(params));
                case "tools/list" -> forwardDefault(id, method, params, handle, catalog::rewrite);
                case "tools/call" -> params == null || !params.path("name").isTextual()
                        ? JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "tools/call needs params with the tool's name.")
                        : JsonRpc.result(id, callTool(id, params, handle));
                case "resources/read", "prompts/get", "completion/complete" -> forwardRecorded(id, method, params, handle);
                case "ping" -> upstreams.get(config.profiles().defaultProfile()).sessionId() == null
                        ? JsonRpc.result(id, JsonRpc.MAPPER.createObjectNode())
                        : forwardDefault(id, method, params, handle, r -> r);
                default -> forwardDefault(id, method, params, handle, r -> r);
            };
        } catch (UpstreamException e) {
            String message = AgentMessages.requestFailure(method, config.profiles().defaultProfile(), e);
            logFailure(method, e, message);
            return JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, message);
        }
    }

    /**
     * Above DEBUG only the kind of failure is logged: the full sentence may quote upstream's answer,
     * which can echo the call's arguments.
     */
    private void logFailure(String what, UpstreamException e, String message) {
        LOG.error("{} failed: {}", what, e.kind());
        if (LOG.isDebugEnabled()) {
            LOG.debug("{}", logRedactor.redactText(message));
        }
    }

    private JsonNode initialize(JsonNode params) throws UpstreamException {
        JsonNode p = params == null ? JsonRpc.MAPPER.createObjectNode() : params;
        upstreams.setAgentInitialize(p);
        JsonNode clientInfo = p.path("clientInfo");
        recorder.clientInitialized(clientInfo, p.path("protocolVersion").asText(null));
        if (!config.disableTelemetry() && clientInfo.hasNonNull("name")) {
            http.setClientInfo(clientInfo.get("name").asText(), clientInfo.path("version").asText("unknown"));
        }
        ObjectNode result = JsonRpc.MAPPER.createObjectNode();
        if (config.lazyConnect()) {
            result.put("protocolVersion", p.path("protocolVersion").asText("2025-06-18"));
            ObjectNode caps = result.putObject("capabilities");
            caps.putObject("tools").put("listChanged", true);
            caps.putObject("resources");
            caps.putObject("prompts");
            caps.putObject("logging");
            caps.putObject("completions");
        } else {
            JsonNode upstream = upstreams.get(config.profiles().defaultProfile()).ensureInitialized(config.requestTimeout());
            result.put("protocolVersion", upstream.path("protocolVersion").asText());
            result.set("capabilities", upstream.path("capabilities"));
            if (upstream.hasNonNull("instructions")) {
                result.set("instructions", upstream.get("instructions"));
            }
        }
        result.putObject("serverInfo").put("name", "mcp-audit-proxy").put("version", ProductVersion.get());
        return result;
    }

    private JsonNode callTool(JsonNode id, JsonNode params, InFlight handle) {
        String tool = params.path("name").asText();
        ProfileRouter.Route route = router.route(tool, params.get("arguments"));
        if (catalog.readOnlyMode() && !Boolean.TRUE.equals(readOnlyHint(tool, handle))) {
            String message = "Tool call '" + tool + "' was refused: the proxy runs with --read-only and '"
                    + tool + "' is not marked read-only by upstream. Use a read-only tool instead.";
            String profile = route instanceof ProfileRouter.Allowed a ? a.profile() : config.profiles().defaultProfile();
            recorder.rejected(callStart("tools/call", id, profile, null, tool, null, forwardedArguments(route)), message);
            return JsonRpc.toolError(message);
        }
        if (route instanceof ProfileRouter.Refused refused) {
            LOG.warn("refused a tools/call to {}: its aws_profile is not an allowed profile", tool);
            if (LOG.isDebugEnabled()) {
                LOG.debug("refused aws_profile value: {}", logRedactor.redactText(refused.requestedValue()));
            }
            recorder.rejected(new CallStart("tools/call", id, refused.requestedValue(), null, null, config.service(),
                    null, tool, null, refused.arguments()), refused.message());
            return JsonRpc.toolError(refused.message());
        }
        ProfileRouter.Allowed allowed = (ProfileRouter.Allowed) route;
        ObjectNode forwarded = JsonRpc.MAPPER.createObjectNode();
        forwarded.setAll((ObjectNode) params); // shallow: only "arguments" may be replaced
        if (allowed.arguments() != null) {
            forwarded.set("arguments", allowed.arguments());
        }
        UpstreamSession session = upstreams.get(allowed.profile());
        UpstreamException notConnected = connect(session);
        CallStart start = callStart("tools/call", id, allowed.profile(), session, tool, null, allowed.arguments());
        RecordedCall call;
        try {
            call = recorder.requested(start);
        } catch (AuditUnavailableException e) {
            return JsonRpc.toolError(AgentMessages.auditUnavailable("Tool call '" + tool + "'", e.getMessage()));
        } catch (UnrecordableCallException e) {
            return JsonRpc.toolError(AgentMessages.unrecordable("Tool call '" + tool + "'", e.getMessage()));
        }
        try {
            if (notConnected != null) {
                throw notConnected;
            }
            JsonNode response = session.request("tools/call", forwarded, config.toolTimeout(), handle);
            if (response.has("error")) {
                JsonNode error = response.get("error");
                String message = "Tool call '" + tool + "' failed: upstream error " + error.path("code").asInt()
                        + ": " + error.path("message").asText() + ".";
                return completed(call, Outcome.ERROR, message, JsonRpc.toolError(message));
            }
            JsonNode result = response.get("result"); // passed through exactly, structuredContent and isError included
            boolean toolError = result != null && result.path("isError").asBoolean(false);
            return completed(call, toolError ? Outcome.TOOL_ERROR : Outcome.OK, null, result);
        } catch (UpstreamException e) {
            String message = AgentMessages.toolFailure(tool, allowed.profile(), e, config.toolTimeout());
            logFailure(tool, e, message);
            return completed(call, outcomeOf(e, handle), message, JsonRpc.toolError(message));
        }
    }

    /** resources/read, prompts/get and completion/complete: recorded, then passed through on the default session. */
    private JsonNode forwardRecorded(JsonNode id, String method, JsonNode params, InFlight handle) {
        String profile = config.profiles().defaultProfile();
        UpstreamSession session = upstreams.get(profile);
        UpstreamException notConnected = connect(session);
        JsonNode p = params == null ? JsonRpc.MAPPER.createObjectNode() : params;
        String target = switch (method) {
            case "resources/read" -> p.path("uri").asText(null);
            case "prompts/get" -> p.path("name").asText(null);
            default -> p.path("ref").path("uri").asText(p.path("ref").path("name").asText(null));
        };
        JsonNode args = switch (method) {
            case "prompts/get" -> p.get("arguments");
            case "completion/complete" -> p.get("argument");
            default -> null;
        };
        RecordedCall call;
        try {
            call = recorder.requested(callStart(method, id, profile, session, null, target, args));
        } catch (AuditUnavailableException e) {
            return JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, AgentMessages.auditUnavailable(method, e.getMessage()));
        } catch (UnrecordableCallException e) {
            return JsonRpc.error(id, JsonRpc.INVALID_PARAMS, AgentMessages.unrecordable(method, e.getMessage()));
        }
        try {
            if (notConnected != null) {
                throw notConnected;
            }
            JsonNode response = session.request(method, params, config.requestTimeout(), handle);
            if (response.has("error")) {
                recorder.completed(call, Outcome.ERROR, response.get("error").path("message").asText(), null);
                ObjectNode error = response.deepCopy();
                error.set("id", id);
                return error;
            }
            return JsonRpc.result(id, completed(call, Outcome.OK, null, response.get("result")));
        } catch (UpstreamException e) {
            String message = AgentMessages.requestFailure(method, profile, e);
            logFailure(method, e, message);
            recorder.completed(call, outcomeOf(e, handle), message, null);
            return JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, message);
        }
    }

    /** Opens the profile's upstream session now, so its id can be recorded; the failure, if any, is the call's. */
    private UpstreamException connect(UpstreamSession session) {
        try {
            session.ensureInitialized(config.requestTimeout());
            return null;
        } catch (UpstreamException e) {
            return e;
        }
    }

    private CallStart callStart(String method, JsonNode id, String profile, UpstreamSession session, String tool,
            String target, JsonNode args) {
        Account account = accounts.forProfile(profile);
        return new CallStart(method, id, profile, account, regionByProfile.get(profile), config.service(),
                session == null ? null : session.sessionId(), tool, target, args);
    }

    private static JsonNode forwardedArguments(ProfileRouter.Route route) {
        return route instanceof ProfileRouter.Allowed a ? a.arguments() : ((ProfileRouter.Refused) route).arguments();
    }

    private JsonNode completed(RecordedCall call, Outcome outcome, String error, JsonNode result) {
        recorder.completed(call, outcome, error, result);
        return result;
    }

    private static Outcome outcomeOf(UpstreamException e, InFlight handle) {
        if (handle.cancelled() || e.kind() == UpstreamException.Kind.CANCELLED) {
            return Outcome.CANCELLED;
        }
        return e.kind() == UpstreamException.Kind.TIMEOUT ? Outcome.TIMEOUT : Outcome.ERROR;
    }

    /** Looks the tool up in what was listed; lists first if the agent called before listing. */
    private Boolean readOnlyHint(String tool, InFlight handle) {
        if (catalog.isReadOnly(tool) == null) {
            try {
                String cursor = null;
                do {
                    ObjectNode params = JsonRpc.MAPPER.createObjectNode();
                    if (cursor != null) {
                        params.put("cursor", cursor);
                    }
                    JsonNode page = upstreams.get(config.profiles().defaultProfile())
                            .request("tools/list", params, config.requestTimeout(), handle).path("result");
                    catalog.rewrite(page);
                    cursor = page.path("nextCursor").asText(null);
                } while (cursor != null && !cursor.isEmpty());
            } catch (UpstreamException e) {
                LOG.warn("could not list tools to check read-only: {}", e.getMessage());
            }
        }
        return catalog.isReadOnly(tool);
    }

    private JsonNode forwardDefault(JsonNode id, String method, JsonNode params, InFlight handle,
            UnaryOperator<JsonNode> rewriteResult) throws UpstreamException {
        JsonNode response = upstreams.get(config.profiles().defaultProfile())
                .request(method, params, config.requestTimeout(), handle);
        if (response.has("error")) {
            ObjectNode error = response.deepCopy();
            error.set("id", id);
            return error;
        }
        return JsonRpc.result(id, rewriteResult.apply(response.get("result")));
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
        while (!inFlight.isEmpty() && System.nanoTime() - deadline < 0 && !stopWaiting.getAsBoolean()) {
            Thread.sleep(10);
        }
        return inFlight.isEmpty();
    }

    /**
     * Answers every request still being worked on with {@code sentence}, as a tool error for tool calls
     * and a JSON-RPC error otherwise; whatever upstream answers later is dropped. Returns how many.
     */
    int answerInFlight(String sentence) {
        int answered = 0;
        for (AgentRequest request : inFlight.values()) {
            if (request.claimAnswer() && !request.handle().cancelled()) {
                agent.send(request.method().equals("tools/call")
                        ? JsonRpc.result(request.id(), JsonRpc.toolError(sentence))
                        : JsonRpc.error(request.id(), JsonRpc.INTERNAL_ERROR, sentence));
                answered++;
            }
        }
        return answered;
    }

    /** Ends every upstream session (DELETE), waiting at most {@code timeout}. */
    void closeUpstreams(Duration timeout) {
        upstreams.closeAll(timeout);
    }
}
