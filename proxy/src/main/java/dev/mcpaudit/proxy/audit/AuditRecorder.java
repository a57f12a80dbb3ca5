package dev.mcpaudit.proxy.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.CallContext;
import dev.mcpaudit.schema.CanonicalJson;
import dev.mcpaudit.schema.EventIds;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.LogPermissions;
import dev.mcpaudit.schema.NewEvent;
import dev.mcpaudit.schema.redact.RedactionRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the proxy's session and its calls to the audit log. {@code call.requested} is durable
 * before the call leaves and {@code call.completed} before the agent sees the answer, so a crash in
 * between leaves the call visible as incomplete, never missing.
 *
 * <p>Fail-closed by default: when the log cannot be opened or written, {@link #requested} throws
 * and the caller must not forward the call. With {@code --audit-failure open} calls go ahead
 * unrecorded, and stderr says so once per run of failures. The log is (re)opened on demand, so a
 * problem fixed while the proxy runs (permissions, disk space) heals without a restart.
 *
 * <p>It never redacts: it builds every payload from what happened, raw, and hands it to the log's
 * {@link dev.mcpaudit.schema.EventAppender appender}, which redacts each event exactly once before
 * anything is hashed or written (events kept in memory while the log is unavailable included). What
 * only the recorder knows about a call travels with the event as a {@link CallContext}: the call whose
 * result is recorded, that the arguments get an {@code args_fingerprint}, and the result cap.
 */
public final class AuditRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditRecorder.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A call must not hang for long on a log another process holds. */
    private static final Duration BUSY_TIMEOUT = Duration.ofSeconds(5);

    /** What to do with a call that cannot be recorded. */
    public enum FailurePolicy { CLOSED, OPEN }

    /**
     * A call whose {@code call.requested} is in the log (or, fail-open, could not be written). Its
     * tool and arguments (raw) let the appender redact the result knowing the call (an AWS CLI
     * operation's sensitive output members, see {@link CallContext#resultOf}).
     */
    public record RecordedCall(String callId, long startNanos, boolean recorded, String tool, JsonNode args) {}

    /** How a proxy session ended, as {@code session.ended} records it. */
    public static final String ENDED_BY_STDIN = "stdin_closed";

    /** Most events kept in memory while the log is unavailable; beyond, they are lost and stderr says so. */
    private static final int MAX_DEFERRED = 10_000;
    /** 2^53: integers up to this survive RFC 8785 canonicalisation (an IEEE double) exactly. */
    private static final java.math.BigInteger LARGEST_EXACT_DOUBLE = java.math.BigInteger.ONE.shiftLeft(53);
    /** How often the backlog is tried while the log refuses writes and no call comes to try it. */
    private static final Duration DEFERRED_RETRY = Duration.ofSeconds(2);

    /** An event kept in memory: its payload is built, raw, when it is written, and redacted then by the appender. */
    private record Deferred(EventType type, String callId, Supplier<ObjectNode> payload, CallContext call, String why) {}

    private final Path dbPath;
    private final RedactionRules rules;
    private final FailurePolicy policy;
    private final int maxResultBytes;
    private final boolean enabled;
    private final String sessionId = EventIds.next();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicLong requested = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong unrecorded = new AtomicLong();
    private final AtomicLong cancelledByShutdown = new AtomicLong();
    private final AtomicLong recordedLate = new AtomicLong();
    /** Calls begun and not yet completed, by call id: a completion is recorded once, by whoever claims it. */
    private final Map<String, RecordedCall> open = new ConcurrentHashMap<>();
    /**
     * Events that could not be written when they happened (the log was full, locked or unwritable),
     * oldest first. They are written, marked as recorded late, before the next event that gets in.
     */
    private final Deque<Deferred> deferred = new ConcurrentLinkedDeque<>();
    /**
     * Session events are written here, in order and off the agent's path (start-up must stay fast);
     * and from here the backlog is retried while the log refuses writes.
     */
    private final ScheduledExecutorService sessionEvents = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "audit-session-events");
        t.setDaemon(true);
        return t;
    });
    private AuditLog log;
    private boolean permissionsChecked;
    /** Keeps session.started ahead of the session's other events (client.initialized, upstream.initialized…). */
    private final Object sessionOrder = new Object();
    private boolean started;
    /** Session events asked for before {@link #start}: written, in order, right after session.started. */
    private final List<Runnable> heldUntilStart = new ArrayList<>();

    /**
     * @param maxResultBytes with {@code --record-results}, the largest result body kept (canonical
     *     JSON bytes); negative to record no result bodies
     */
    public AuditRecorder(Path dbPath, RedactionRules rules, FailurePolicy policy, int maxResultBytes) {
        this(dbPath, rules, policy, maxResultBytes, true);
    }

    private AuditRecorder(Path dbPath, RedactionRules rules, FailurePolicy policy, int maxResultBytes, boolean enabled) {
        this.dbPath = dbPath;
        this.rules = rules;
        this.policy = policy;
        this.maxResultBytes = maxResultBytes;
        this.enabled = enabled;
    }

    /** Records nothing: only for measuring what recording costs (see BENCHMARKS.md). */
    public static AuditRecorder disabledForBenchmarks() {
        return new AuditRecorder(null, RedactionRules.defaults(), FailurePolicy.OPEN, -1, false);
    }

    /**
     * Opens the log and records {@code session.started}, in the background; a failure is reported
     * on stderr, and opening is tried again by every call. Only the first call does anything.
     */
    public void start(Supplier<ObjectNode> sessionInfo) {
        if (!enabled) {
            return;
        }
        synchronized (sessionOrder) {
            if (started) {
                return;
            }
            started = true;
            sessionEvents.execute(() -> appendOrDefer(EventType.SESSION_STARTED, null, sessionInfo, CallContext.NONE));
            heldUntilStart.forEach(sessionEvents::execute);
            heldUntilStart.clear();
        }
    }

    /**
     * Records the agent's {@code clientInfo} once {@code initialize} arrives, in the background and
     * after {@code session.started} (held until {@link #start} when it comes first).
     */
    public void clientInitialized(JsonNode clientInfo, String protocolVersion) {
        if (!enabled) {
            return;
        }
        ObjectNode payload = JSON.createObjectNode();
        payload.set("client_info", clientInfo == null || clientInfo.isMissingNode() ? JSON.nullNode() : clientInfo.deepCopy());
        payload.put("protocol_version", protocolVersion);
        recordSessionEvent(EventType.CLIENT_INITIALIZED, payload);
    }

    /**
     * With {@code --record-results}: upstream's answer to a profile session's {@code initialize}, so that
     * a fixture made from this session can answer as upstream did (and a changed server shows as drift).
     */
    public void upstreamInitialized(String profile, String upstreamSessionId, JsonNode result) {
        if (!enabled || maxResultBytes < 0) {
            return;
        }
        ObjectNode payload = JSON.createObjectNode();
        payload.put("profile", profile);
        payload.put("upstream_session_id", upstreamSessionId);
        putServerAnswer(payload, result);
        recordSessionEvent(EventType.UPSTREAM_INITIALIZED, payload);
    }

    /** With {@code --record-results}: one page of upstream's {@code tools/list} answer, as upstream sent it. */
    public void toolsListed(String profile, JsonNode params, JsonNode result) {
        if (!enabled || maxResultBytes < 0) {
            return;
        }
        ObjectNode payload = JSON.createObjectNode();
        payload.put("profile", profile);
        payload.put("cursor", params == null ? null : params.path("cursor").asText(null));
        putServerAnswer(payload, result);
        recordSessionEvent(EventType.TOOLS_LISTED, payload);
    }

    private static void putServerAnswer(ObjectNode payload, JsonNode result) {
        try {
            payload.put("result_sha256", CanonicalJson.sha256Hex(result));
            payload.set("result", result);
        } catch (IllegalArgumentException e) { // a number RFC 8785 cannot carry
            payload.put("result_not_hashable", e.getMessage());
        }
    }

    /** In the background, after session.started (held until {@link #start} when asked for first). */
    private void recordSessionEvent(EventType type, ObjectNode payload) {
        Runnable write = () -> appendOrDefer(type, null, () -> payload, CallContext.NONE);
        synchronized (sessionOrder) {
            if (started) {
                sessionEvents.execute(write);
            } else {
                heldUntilStart.add(write);
            }
        }
    }

    /**
     * Records the call before it is sent.
     *
     * @throws AuditUnavailableException fail-closed, when it could not be recorded: do not send it
     * @throws UnrecordableCallException its arguments cannot be recorded exactly: do not send it
     */
    public RecordedCall requested(CallStart call) throws AuditUnavailableException, UnrecordableCallException {
        String callId = call.callId() != null ? call.callId() : EventIds.next();
        long start = System.nanoTime();
        requested.incrementAndGet();
        if (!enabled) {
            return new RecordedCall(callId, start, false, call.tool(), call.args());
        }
        RecordedCall recorded;
        try {
            appendOrThrow(EventType.CALL_REQUESTED, callId, () -> describe(call), CallContext.arguments());
            recorded = new RecordedCall(callId, start, true, call.tool(), call.args());
        } catch (AuditUnavailableException e) {
            if (policy == FailurePolicy.CLOSED) {
                throw e;
            }
            unrecorded.incrementAndGet();
            recorded = new RecordedCall(callId, start, false, call.tool(), call.args());
        }
        open.put(callId, recorded);
        return recorded;
    }

    /**
     * Records how the call ended, before the agent gets the answer.
     *
     * @param resultSentToAgent the JSON-RPC {@code result} the agent receives, or null when it gets an error
     */
    public void completed(RecordedCall call, Outcome outcome, String error, JsonNode resultSentToAgent) {
        if (enabled && open.remove(call.callId()) == null) {
            return; // already completed: cancelled by shutdown while upstream was still answering
        }
        recordCompletion(call, outcome, error, resultSentToAgent);
    }

    private void recordCompletion(RecordedCall call, Outcome outcome, String error, JsonNode resultSentToAgent) {
        completed.incrementAndGet();
        if (!enabled || !call.recorded()) {
            return;
        }
        double durationMs = Math.round((System.nanoTime() - call.startNanos()) / 1e5) / 10.0;
        CallContext context = CallContext.resultOf(call.tool(), call.args(), maxResultBytes);
        appendOrDefer(EventType.CALL_COMPLETED, call.callId(), () -> {
            ObjectNode payload = JSON.createObjectNode();
            payload.put("outcome", outcome.wireName());
            if (error != null) {
                payload.put("error", error);
            }
            payload.put("duration_ms", durationMs);
            if (resultSentToAgent != null) {
                try {
                    payload.put("result_sha256", CanonicalJson.sha256Hex(resultSentToAgent));
                    if (maxResultBytes >= 0) {
                        // Raw: the appender redacts it knowing the call, then cuts it to the cap.
                        payload.set("result", resultSentToAgent);
                    }
                } catch (IllegalArgumentException e) { // upstream sent a number RFC 8785 cannot carry
                    payload.remove("result_sha256");
                    payload.put("result_not_hashable", e.getMessage());
                }
            }
            return payload;
        }, context);
    }

    /**
     * Records every call still open as cancelled, with {@code error} as the reason: at shutdown, for
     * calls upstream was still working on. Returns how many there were.
     */
    public int cancelOpenCalls(String error) {
        int n = 0;
        for (RecordedCall call : List.copyOf(open.values())) {
            if (open.remove(call.callId()) != null) {
                recordCompletion(call, Outcome.CANCELLED, error, null);
                cancelledByShutdown.incrementAndGet();
                n++;
            }
        }
        return n;
    }

    /** Records a call the proxy refused; nothing was sent upstream. */
    public void rejected(CallStart call, String reason) {
        rejected.incrementAndGet();
        if (!enabled) {
            return;
        }
        appendOrDefer(EventType.CALL_REJECTED, call.callId() != null ? call.callId() : EventIds.next(),
                () -> describe(call).put("reason", reason), CallContext.arguments());
    }

    /**
     * Records the user's decision on a write to a protected profile ({@code call.approval}), durably,
     * before the call is sent or refused; {@code call.callId()} must be set, and the call's later
     * {@code call.requested} or {@code call.rejected} uses the same id.
     *
     * @param decision what the user (or the proxy, for timeout, no-capability, fallback-allowed) decided
     * @throws AuditUnavailableException fail-closed, when it could not be recorded: do not send the call
     * @throws UnrecordableCallException its arguments cannot be recorded exactly: do not send it
     */
    public void approval(CallStart call, ObjectNode decision) throws AuditUnavailableException,
            UnrecordableCallException {
        if (!enabled) {
            return;
        }
        try {
            appendOrThrow(EventType.CALL_APPROVAL, call.callId(), () -> {
                ObjectNode payload = describe(call);
                payload.setAll(decision);
                return payload;
            }, CallContext.arguments());
        } catch (AuditUnavailableException e) {
            if (policy == FailurePolicy.CLOSED) {
                throw e;
            }
        }
    }

    /**
     * A tool's arguments as the log will store them (its rules and fingerprint key), for what the user
     * is shown before the call is recorded. With the log unavailable, the same rules with a throw-away
     * key: the secret is hidden either way, only a fingerprint would differ.
     */
    public JsonNode argumentsAsStored(String tool, JsonNode args) {
        if (args == null || args.isNull()) {
            return args;
        }
        if (enabled) {
            try {
                return openLog().argumentsAsStored(tool, args);
            } catch (RuntimeException | LinkageError e) {
                closeLog();
                LOG.debug("redacting with a throw-away key, the audit log is unavailable: {}", e.getMessage());
            }
        }
        return throwAwayRedactor().redactArguments(tool, args).value();
    }

    /** Text as the log will store it in a payload string: what the user is shown is what the log holds. */
    public String textAsStored(String text) {
        if (enabled) {
            try {
                return openLog().textAsStored(text);
            } catch (RuntimeException | LinkageError e) {
                closeLog();
                LOG.debug("redacting with a throw-away key, the audit log is unavailable: {}", e.getMessage());
            }
        }
        return throwAwayRedactor().redactText(text);
    }

    private dev.mcpaudit.schema.redact.Redactor throwAwayRedactor() {
        return new dev.mcpaudit.schema.redact.Redactor(rules, dev.mcpaudit.schema.redact.FingerprintKey.ephemeral());
    }

    /** Records {@code session.ended} as ended by stdin closing, and closes the log. */
    @Override
    public void close() {
        close(ENDED_BY_STDIN, Duration.ofSeconds(1));
    }

    /**
     * Writes what is still deferred, records {@code session.ended} with the session's counts and
     * {@code endedBy}, and closes the log. Waits at most {@code patience} for session events queued
     * before it (a shutdown has a budget; the append itself waits at most the busy timeout).
     */
    public void close(String endedBy, Duration patience) {
        if (!enabled) {
            return;
        }
        sessionEvents.shutdown();
        try {
            sessionEvents.awaitTermination(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ObjectNode counts = JSON.createObjectNode();
        counts.put("ended_by", endedBy);
        counts.put("calls_requested", requested.get());
        counts.put("calls_completed", completed.get());
        counts.put("calls_rejected", rejected.get());
        counts.put("calls_not_recorded", unrecorded.get());
        counts.put("calls_cancelled_by_shutdown", cancelledByShutdown.get());
        try {
            appendOrThrow(EventType.SESSION_ENDED, null, () -> {
                counts.put("events_recorded_late", recordedLate.get()); // known only once the backlog is written
                return counts;
            }, CallContext.NONE);
        } catch (AuditUnavailableException | UnrecordableCallException e) {
            int lost;
            synchronized (deferred) {
                lost = deferred.size();
            }
            LOG.error("could not record the session end{}: {}", lost == 0 ? ""
                    : " nor " + lost + " earlier event(s) kept in memory, which are lost", e.getMessage());
        }
        closeLog();
    }

    private synchronized void closeLog() {
        if (log != null) {
            try {
                log.close();
            } catch (RuntimeException e) {
                LOG.debug("closing the audit log: {}", e.getMessage());
            }
            log = null;
        }
    }

    /** What {@code call.requested} and {@code call.rejected} record of the call, raw. */
    private static ObjectNode describe(CallStart call) {
        ObjectNode p = JSON.createObjectNode();
        p.put("method", call.method());
        JsonNode id = call.jsonRpcId();
        if (id != null && id.isIntegralNumber() && id.bigIntegerValue().abs().compareTo(LARGEST_EXACT_DOUBLE) > 0) {
            p.put("jsonrpc_id", id.asText()); // kept digit for digit: canonical JSON would round it, or refuse it
        } else if (id != null) {
            p.set("jsonrpc_id", id);
        }
        putIfNotNull(p, "profile", call.profile());
        Account account = call.account();
        if (account != null) {
            putIfNotNull(p, "account_id", account.accountId());
            p.put("account_source", account.source());
            putIfNotNull(p, "principal_arn", account.principalArn());
        }
        putIfNotNull(p, "region", call.region());
        putIfNotNull(p, "service", call.service());
        putIfNotNull(p, "upstream_session_id", call.upstreamSessionId());
        putIfNotNull(p, "tool", call.tool());
        putIfNotNull(p, "target", call.target());
        if (call.args() != null && !call.args().isNull()) {
            // Redacted as the tool's arguments by the appender, which then adds args_fingerprint.
            p.set("args", call.args());
        }
        return p;
    }

    private static void putIfNotNull(ObjectNode p, String field, String value) {
        if (value != null) {
            p.put(field, value);
        }
    }

    /**
     * Events whose loss must not stop the proxy (session bookkeeping, completions, refusals): written
     * now if the log takes them, else kept and written, marked late, once it does again.
     */
    private void appendOrDefer(EventType type, String callId, Supplier<ObjectNode> payload, CallContext call) {
        try {
            appendOrThrow(type, callId, payload, call);
        } catch (UnrecordableCallException e) {
            LOG.error("could not record a {} event: {}", type.wireName(), e.getMessage());
        } catch (AuditUnavailableException e) {
            int waiting;
            synchronized (deferred) {
                if (deferred.size() >= MAX_DEFERRED) {
                    LOG.error("could not record a {} event and {} are already waiting; this one is lost: {}", type.wireName(),
                            MAX_DEFERRED, e.getMessage());
                    return;
                }
                deferred.add(new Deferred(type, callId, payload, call, e.getMessage()));
                waiting = deferred.size();
            }
            if (waiting == 1) {
                scheduleRetry();
            }
            // At ERROR, the level stderr shows by default: until written, these events exist nowhere else.
            LOG.error("could not record a {} event now; {} event(s) wait in memory to be recorded once the audit log"
                    + " accepts writes again", type.wireName(), waiting);
        }
    }

    /** Builds the raw payload, then appends it durably (the appender redacts it), after any backlog. */
    private void appendOrThrow(EventType type, String callId, Supplier<ObjectNode> payload, CallContext call)
            throws AuditUnavailableException, UnrecordableCallException {
        try {
            AuditLog open = openLog();
            writeDeferred(open);
            try {
                // Builds here; the appender redacts and canonicalises on this thread before anything is queued for disk.
                open.appender().append(NewEvent.now(type, sessionId, callId, payload.get(), call));
            } catch (IllegalArgumentException e) { // canonical JSON refused a value: the call's fault, not the log's
                throw new UnrecordableCallException(e.getMessage(), e);
            }
            if (failing.compareAndSet(true, false)) {
                LOG.warn("the audit log {} is writable again; calls are recorded", dbPath);
            }
        } catch (RuntimeException | LinkageError e) { // e.g. SQLite's native library could not be loaded
            // Opened again by the next attempt: a handle SQLite opened read-only (the file or its mount
            // was read-only then) would otherwise refuse every write after the cause is fixed.
            closeLog();
            if (failing.compareAndSet(false, true)) {
                LOG.error("the audit log is unavailable: {} {}", e.getMessage(), policy == FailurePolicy.CLOSED
                        ? "Calls that must be recorded are refused until it is fixed (--audit-failure closed)."
                        : "Calls are forwarded WITHOUT being recorded until it is fixed (--audit-failure open).");
            }
            throw new AuditUnavailableException(e.getMessage(), e);
        }
    }

    /**
     * Writes the backlog in order, each event marked as recorded late and why; stops at the first
     * failure of the log. Every append passes here, so an empty backlog costs no lock.
     */
    private void writeDeferred(AuditLog open) {
        if (deferred.isEmpty()) {
            return;
        }
        synchronized (deferred) {
            for (Deferred d; (d = deferred.peek()) != null; deferred.poll()) {
                ObjectNode payload;
                try {
                    payload = d.payload().get();
                    payload.put("recorded_late", true);
                    payload.put("late_reason", d.why()); // redacted with the rest: an error text may quote a secret
                    open.appender().append(NewEvent.now(d.type(), sessionId, d.callId(), payload, d.call()));
                } catch (IllegalArgumentException e) { // canonical JSON refuses it: it would block the backlog for good
                    LOG.error("could not record a {} event: {}", d.type().wireName(), e.getMessage());
                    continue;
                }
                long late = recordedLate.incrementAndGet();
                if (deferred.size() == 1) {
                    LOG.warn("recorded {} event(s) late, now that the audit log accepts writes again", late);
                }
            }
        }
    }

    /** Tries the backlog again in a while, and then again until it is written (or the session ends). */
    private void scheduleRetry() {
        try {
            sessionEvents.schedule(() -> {
                try {
                    writeDeferred(openLog());
                } catch (RuntimeException | LinkageError e) {
                    LOG.debug("the audit log still refuses writes: {}", e.getMessage());
                    closeLog();
                    scheduleRetry();
                }
            }, DEFERRED_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closing: close() writes the backlog itself.
        }
    }

    private synchronized AuditLog openLog() {
        if (log == null) {
            log = AuditLog.openForAppend(dbPath, BUSY_TIMEOUT, rules);
            if (!permissionsChecked) {
                permissionsChecked = true;
                // At ERROR, the level stderr shows by default: who else can read the log is a security question.
                LogPermissions.warnings(dbPath).forEach(LOG::error);
            }
        }
        return log;
    }
}
