package dev.mcpaudit.proxy.upstream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.proxy.upstream.UpstreamException.Kind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MCP session with upstream over Streamable HTTP, signed with one AWS profile. Requests get this
 * session's own JSON-RPC ids; answers (plain JSON or an SSE stream, which may carry progress,
 * log messages and server requests first) are matched back by id. Built on {@link UpstreamHttp} rather
 * than the SDK's client transport because the proxy must see status codes and headers (Retry-After,
 * Location, 401/403 for a re-sign) and must not fail an in-flight call when a session expires.
 */
public final class UpstreamSession {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamSession.class);
    private static final int MAX_ERROR_BODY_CHARS = 300;
    private static final Duration NOTIFY_TIMEOUT = Duration.ofSeconds(30);
    /** Parses an answer straight from the connection, without a copy, and leaves the stream open to be read to its end. */
    private static final ObjectReader BODY_READER = JsonRpc.MAPPER.reader().without(StreamReadFeature.AUTO_CLOSE_SOURCE);
    /** Closes answer streams at their deadline; one small thread for every session. */
    private static final ScheduledThreadPoolExecutor DEADLINES = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "upstream-deadlines");
        t.setDaemon(true);
        return t;
    });

    static {
        DEADLINES.setRemoveOnCancelPolicy(true); // cancelled timers must not pile up for their full delay
    }

    /** Receives what upstream sends that is not an answer: notifications and server→client requests. */
    public interface ServerMessages {
        void accept(UpstreamSession from, JsonNode message);
    }

    private final String profile;
    private final UpstreamHttp http;
    private final ServerMessages serverMessages;
    /** Runs the listening stream and cancellations, which must not hold up a caller. */
    private final ExecutorService background;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Object initLock = new Object();
    private volatile ObjectNode initializeParams;
    private volatile JsonNode initializeResult;
    private volatile String sessionId;
    private volatile String protocolVersion;
    private volatile UpstreamResponse listening;

    public UpstreamSession(String profile, UpstreamHttp http, ServerMessages serverMessages, ExecutorService background) {
        this.profile = profile;
        this.http = http;
        this.serverMessages = serverMessages;
        this.background = background;
    }

    public String profile() {
        return profile;
    }

    /** The upstream-assigned Mcp-Session-Id, once initialised. */
    public String sessionId() {
        return sessionId;
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
        String session = sessionId;
        if (session != null) {
            background.execute(() -> listen(session));
        }
    }

    /**
     * Keeps the session's GET stream open for what upstream sends unprompted (list_changed, log
     * messages, server requests), reconnecting with backoff, until the session ends. A 405 means
     * upstream has no such stream.
     */
    private void listen(String session) {
        int idleRounds = 0;
        while (session.equals(sessionId)) {
            try {
                UpstreamResponse r = http.listen(profile, session, protocolVersion);
                String type = r.header("content-type").orElse("").toLowerCase(Locale.ROOT);
                if (r.statusCode() == 405) {
                    closeQuietly(r.body());
                    LOG.debug("upstream offers no listening stream for session {}", session);
                    return;
                }
                if (r.statusCode() == 200 && type.startsWith("text/event-stream")) {
                    listening = r;
                    idleRounds = readSse(r.body(), () -> !session.equals(sessionId)) > 0 ? 0 : idleRounds + 1;
                } else {
                    closeQuietly(r.body());
                    idleRounds++;
                    LOG.debug("listening stream for session {} answered HTTP {}", session, r.statusCode());
                }
            } catch (IOException | UpstreamException e) {
                idleRounds++;
                LOG.debug("listening stream for session {} failed: {}", session, e.getMessage());
            }
            try {
                Thread.sleep(Math.min(30_000L, 1000L << Math.min(idleRounds, 5)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Sends a request and waits for its answer (a JSON-RPC response object, result or error). A
     * session that expired is re-initialised and the request sent once more: upstream never saw it.
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

    /** Tells upstream to stop working on a request (MCP notifications/cancelled). */
    public void cancel(long upstreamId, String reason) {
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
        UpstreamResponse stream = listening;
        if (stream != null) {
            stream.abort();
        }
    }

    private JsonNode exchange(String method, JsonNode params, Duration timeout, InFlight inFlight)
            throws UpstreamException {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        if (inFlight != null) {
            inFlight.started(this, id);
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
            read(response, answer, method, deadline);
            return answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
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
            pending.remove(id);
            answer.cancel(false);
        }
    }

    /** Asks upstream to stop working on request {@code id}, and says what timed out after how long. */
    private UpstreamException timedOut(long id, String method, Duration timeout, Throwable cause) {
        cancel(id, "timed out in mcp-audit-proxy after " + describe(timeout));
        return new UpstreamException(Kind.TIMEOUT, "upstream did not answer " + method + " within "
                + describe(timeout), cause);
    }

    /** Delivers the HTTP response's messages (on a stream-reader thread); throws on HTTP errors. */
    private void read(UpstreamResponse response, CompletableFuture<JsonNode> answer, String method, long deadline)
            throws UpstreamException {
        int status = response.statusCode();
        if (status < 200 || status >= 300) {
            throw UpstreamHttp.statusError(response, sessionId != null, method);
        }
        String type = response.header("content-type").orElse("").toLowerCase(Locale.ROOT);
        if (type.startsWith("text/event-stream")) {
            readEvents(response, answer, method, deadline);
            return;
        }
        try (InputStream body = new DeadlineInputStream(response.body(), deadline)) {
            if (!type.startsWith("application/json")) {
                throw new UpstreamException(Kind.PROTOCOL, "upstream answered " + method + " with HTTP "
                        + status + " and media type '" + type + "', not JSON or an event stream");
            }
            JsonNode message;
            try {
                message = BODY_READER.readTree(body);
            } catch (JsonProcessingException e) {
                throw new UpstreamException(Kind.PROTOCOL, "upstream's answer to " + method
                        + " is not valid JSON: " + e.getOriginalMessage(), e);
            }
            // Read to the end (a chunked body's last chunk may come after the JSON): closed any earlier,
            // the JDK drops the connection instead of keeping it alive for the next call.
            while (body.read() != -1) {
                continue;
            }
            dispatch(message); // empty content is a MissingNode, which answers nothing
        } catch (IOException e) {
            throw classify(e, method);
        }
        if (!answer.isDone()) {
            // A JSON body is the answer or nothing: waiting on would only end at the deadline.
            throw new UpstreamException(Kind.PROTOCOL, "upstream answered " + method
                    + " with JSON that is not the response to it");
        }
    }

    /** Reads an answer's SSE stream; the answer arrives through {@link #dispatch} on the way. */
    private void readEvents(UpstreamResponse response, CompletableFuture<JsonNode> answer, String method,
            long deadline) {
        // Events such as progress keep the read timeout from firing, so the deadline needs its own timer.
        ScheduledFuture<?> watchdog = DEADLINES.schedule(() -> {
            answer.completeExceptionally(new TimeoutException());
        }, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        answer.whenComplete((r, e) -> {
            watchdog.cancel(false);
            if (e != null) {
                response.abort(); // the caller gave up: a reader blocked on a silent stream is let go
            }
        });
        try {
            // Stops once the answer is in or the caller gave up: upstream may keep the stream open.
            readSse(new DeadlineInputStream(response.body(), deadline), answer::isDone);
            answer.completeExceptionally(new UpstreamException(Kind.CONNECTION_LOST, "upstream ended the event stream"
                    + " of " + method + " without answering it"));
        } catch (IOException e) {
            answer.completeExceptionally(new UpstreamException(Kind.CONNECTION_LOST, "the connection to upstream broke while it"
                    + " was answering " + method + ": " + e.getMessage(), e));
        } finally {
            response.close();
        }
    }

    /**
     * Parses an SSE stream (data lines joined, events dispatched in order) until it ends or, after an
     * event, {@code done} says so; returns the event count.
     */
    private int readSse(InputStream body, java.util.function.BooleanSupplier done) throws IOException {
        int events = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            StringBuilder data = new StringBuilder();
            String line;
            while (!done.getAsBoolean() && (line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        dispatchText(data.toString());
                        data.setLength(0);
                        events++;
                    }
                } else if (line.startsWith("data:")) {
                    if (data.length() > 0) {
                        data.append('\n');
                    }
                    data.append(line.startsWith("data: ") ? line.substring(6) : line.substring(5));
                }
                // "event:", "id:", "retry:" and comments carry nothing the proxy needs.
            }
            if (data.length() > 0 && !done.getAsBoolean()) {
                dispatchText(data.toString());
                events++;
            }
        }
        return events;
    }

    private void dispatchText(String json) {
        try {
            dispatch(JsonRpc.MAPPER.readTree(json));
        } catch (IOException e) {
            LOG.warn("upstream sent an event that is not JSON; skipped");
        }
    }

    private void dispatch(JsonNode message) {
        if (JsonRpc.isResponse(message)) {
            CompletableFuture<JsonNode> waiting = message.get("id").canConvertToLong()
                    ? pending.get(message.get("id").asLong())
                    : null;
            if (waiting != null) {
                waiting.complete(message);
            } else {
                LOG.debug("upstream answered request {} that nobody waits for any more", message.get("id"));
            }
        } else if (message.has("method")) {
            serverMessages.accept(this, message);
        }
    }

    private UpstreamException asUpstream(Throwable t, String method) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof UpstreamException ue) {
            return ue;
        }
        return classify(cause, method);
    }

    static UpstreamException classify(Throwable cause, String method) {
        boolean connectTimeout = cause instanceof SocketTimeoutException && String.valueOf(cause.getMessage()).contains("connect");
        if (connectTimeout || cause instanceof ConnectException || cause instanceof UnknownHostException) {
            return new UpstreamException(Kind.CONNECT_FAILED, "could not connect to upstream: "
                    + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()), cause);
        }
        if (cause instanceof SocketTimeoutException) {
            return new UpstreamException(Kind.TIMEOUT, "upstream stayed silent too long while answering "
                    + method, cause);
        }
        return new UpstreamException(Kind.CONNECTION_LOST, "the connection to upstream failed during "
                + method + ": " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()),
                cause);
    }

    /** "300 s", or "1500 ms" when not a whole number of seconds. */
    public static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    static String snippet(String body) {
        String s = body.strip().replaceAll("\\s+", " ");
        return s.length() > MAX_ERROR_BODY_CHARS ? s.substring(0, MAX_ERROR_BODY_CHARS) + "…" : s;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // Closing aborts the exchange; an error here changes nothing.
        }
    }

    /** Lets the caller cancel a request while it runs: which session and which upstream id. */
    public static final class InFlight {
        private volatile UpstreamSession session;
        private volatile long upstreamId;
        private volatile boolean cancelled;

        void started(UpstreamSession s, long id) {
            this.session = s;
            this.upstreamId = id;
            if (cancelled) {
                s.cancel(id, "cancelled by the client");
            }
        }

        /** Forwards the agent's cancellation upstream and stops waiting for the answer. */
        public void cancel(String reason) {
            cancelled = true;
            UpstreamSession s = session;
            if (s != null) {
                s.cancel(upstreamId, reason);
                CompletableFuture<JsonNode> waiting = s.pending.get(upstreamId);
                if (waiting != null) {
                    waiting.cancel(false);
                }
            }
        }

        public boolean cancelled() {
            return cancelled;
        }
    }
}
