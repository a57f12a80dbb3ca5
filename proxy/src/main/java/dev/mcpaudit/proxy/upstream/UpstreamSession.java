package dev.mcpaudit.proxy.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.proxy.upstream.UpstreamException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MCP session with upstream over Streamable HTTP, signed with one AWS profile: initialised on
 * first use and again when upstream forgets it, ended with a DELETE. Built on {@link UpstreamHttp}
 * rather than the SDK's client transport because the proxy must see status codes and headers
 * (Retry-After, Location, 401/403 for a re-sign) and must not fail an in-flight call when a session
 * expires.
 */
public final class UpstreamSession {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamSession.class);
    private static final Duration NOTIFY_TIMEOUT = Duration.ofSeconds(30);

    /** Receives what upstream sends that is not an answer: notifications and server→client requests. */
    public interface ServerMessages {
        void accept(UpstreamSession from, JsonNode message);
    }

    /** Told each time the session is (re)initialised, with upstream's InitializeResult. */
    public interface InitializeListener {
        void initialized(UpstreamSession session, JsonNode result);
    }

    private final String profile;
    private final UpstreamHttp http;
    /** Runs the listening stream and cancellations, which must not hold up a caller. */
    private final ExecutorService background;
    private final PendingAnswers pending;
    private final ListeningStream listening;
    private volatile InitializeListener initializeListener = (session, result) -> { };
    private final Object initLock = new Object();
    private volatile ObjectNode initializeParams;
    private volatile JsonNode initializeResult;
    private volatile String sessionId;
    private volatile String protocolVersion;

    public UpstreamSession(String profile, UpstreamHttp http, ServerMessages serverMessages, ExecutorService background) {
        this.profile = profile;
        this.http = http;
        this.background = background;
        this.pending = new PendingAnswers(message -> serverMessages.accept(this, message));
        this.listening = new ListeningStream(http, profile, pending);
    }

    public String profile() {
        return profile;
    }

    /** The upstream-assigned Mcp-Session-Id, once initialised. */
    public String sessionId() {
        return sessionId;
    }

    public void setInitializeListener(InitializeListener listener) {
        this.initializeListener = listener;
    }

    /** Remembers how to initialise, so that it can be done lazily and again after expiry. */
    public void setInitializeParams(ObjectNode params) {
        this.initializeParams = params;
    }

    /** Initialises if not yet done; returns upstream's InitializeResult. */
    public JsonNode ensureInitialized(Duration timeout) throws UpstreamException {
        JsonNode done = initializeResult;
        if (done != null) {
            return done; // every request asks; only the first few may have to wait
        }
        synchronized (initLock) {
            if (initializeResult == null) {
                initialize(timeout);
            }
            return initializeResult;
        }
    }

    private void initialize(Duration timeout) throws UpstreamException {
        sessionId = null;
        protocolVersion = null;
        JsonNode response = exchange("initialize", initializeParams, timeout, null);
        if (response.has("error")) {
            throw new UpstreamException(Kind.PROTOCOL, "upstream refused initialize: "
                    + response.get("error").path("message").asText());
        }
        JsonNode result = response.path("result");
        protocolVersion = result.path("protocolVersion").asText(null);
        initializeResult = result;
        notifyUpstream(JsonRpc.notification("notifications/initialized", null));
        LOG.info("upstream session {} initialised for profile {}", sessionId, profile);
        initializeListener.initialized(this, result);
        String session = sessionId;
        String version = protocolVersion;
        if (session != null) {
            background.execute(() -> listening.run(session, version, () -> !session.equals(sessionId)));
        }
    }

    /**
     * Sends a request and waits for its answer (a JSON-RPC response object, result or error). A
     * session that expired is re-initialised and the request sent once more: upstream never saw it.
     *
     * @param inFlight lets another thread cancel the request; null when nobody will
     */
    public JsonNode request(String method, JsonNode params, Duration timeout, InFlight inFlight) throws UpstreamException {
        ensureInitialized(timeout);
        try {
            return exchange(method, params, timeout, inFlight);
        } catch (UpstreamException e) {
            if (e.kind() != Kind.SESSION_EXPIRED) {
                throw e;
            }
            LOG.warn("upstream session {} for profile {} expired; initialising a new one", sessionId, profile);
            synchronized (initLock) {
                initializeResult = null;
                ensureInitialized(timeout);
            }
            return exchange(method, params, timeout, inFlight);
        }
    }

    /** Sends a notification or a response to a server request; upstream answers 202. */
    public void notifyUpstream(JsonNode message) {
        try {
            UpstreamResponse r = http.post(profile, sessionId, protocolVersion, message,
                    System.nanoTime() + NOTIFY_TIMEOUT.toNanos());
            try (InputStream body = r.body()) {
                body.readAllBytes();
            }
            if (r.statusCode() >= 300) {
                LOG.warn("upstream answered HTTP {} to {}", r.statusCode(), message.path("method").asText("a response"));
            }
        } catch (IOException | UpstreamException e) {
            LOG.warn("could not deliver {} to upstream: {}", message.path("method").asText("a response"), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Tells upstream to stop working on a request (MCP notifications/cancelled), without waiting. */
    private void cancel(long upstreamId, String reason) {
        ObjectNode params = JsonRpc.MAPPER.createObjectNode().put("requestId", upstreamId).put("reason", reason);
        CompletableFuture.runAsync(() -> notifyUpstream(JsonRpc.notification("notifications/cancelled", params)),
                background);
    }

    /**
     * Ends the session: DELETE with its id, as the spec asks of a client that is done, waiting at most
     * {@code timeout} for upstream; then drops the listening stream (upstream usually ends it itself).
     */
    public void close(Duration timeout) {
        String id = sessionId;
        sessionId = null; // ends the listening loop
        if (id != null) {
            try {
                int status = http.delete(profile, id, protocolVersion, timeout);
                LOG.info("closed upstream session {} for profile {} (HTTP {})", id, profile, status);
            } catch (IOException | UpstreamException e) {
                LOG.warn("closing upstream session {}: {}", id, e.getMessage());
            }
        }
        listening.abort();
    }

    private JsonNode exchange(String method, JsonNode params, Duration timeout, InFlight inFlight)
            throws UpstreamException {
        PendingAnswers.Pending request = pending.open();
        long id = request.id();
        if (inFlight != null) {
            inFlight.started(reason -> {
                cancel(id, reason);
                pending.abandon(id);
            });
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            ObjectNode message = JsonRpc.request(LongNode.valueOf(id), method, params);
            // On the caller's thread: no hand-off on the hot path. The connection's read timeout is the
            // time left, which bounds a plain JSON answer; an event stream also gets a watchdog.
            UpstreamResponse response = http.post(profile, sessionId, protocolVersion, message, deadline);
            if (method.equals("initialize")) {
                sessionId = response.header("mcp-session-id").orElse(null);
            }
            AnswerReader.read(response, request, pending, sessionId != null, method, deadline);
            return request.answer().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (UpstreamException e) {
            // Past the deadline, whatever broke was the request timeout or the watchdog closing the body.
            if (e.kind() != Kind.CANCELLED && System.nanoTime() - deadline >= 0) {
                throw timedOut(id, method, timeout, e);
            }
            throw e;
        } catch (TimeoutException e) {
            throw timedOut(id, method, timeout, e);
        } catch (CancellationException e) {
            throw new UpstreamException(Kind.CANCELLED, "the client cancelled " + method);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException te) {
                throw timedOut(id, method, timeout, te); // the event-stream watchdog fired
            }
            throw asUpstream(e.getCause(), method);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(Kind.TIMEOUT, "interrupted while waiting for " + method);
        } finally {
            pending.close(request);
        }
    }

    /** Asks upstream to stop working on request {@code id}, and says what timed out after how long. */
    private UpstreamException timedOut(long id, String method, Duration timeout, Throwable cause) {
        cancel(id, "timed out in mcp-audit-proxy after " + UpstreamFailures.describe(timeout));
        return new UpstreamException(Kind.TIMEOUT, "upstream did not answer " + method + " within "
                + UpstreamFailures.describe(timeout), cause);
    }

    private static UpstreamException asUpstream(Throwable t, String method) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof UpstreamException ue) {
            return ue;
        }
        return UpstreamFailures.fromIo(cause, method);
    }
}
