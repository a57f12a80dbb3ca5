package dev.mcpaudit.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.schema.AuditLogException.Reason;
import dev.mcpaudit.schema.redact.Redactor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends events to the hash chain with group commit: a caller enqueues its event, and if nobody is
 * writing and callers come one at a time ({@link #mayWriteItself}) it becomes the writer for what is waiting (its own event and any other, up to
 * {@link #MAX_BATCH}), on its own thread, in a single IMMEDIATE transaction that first reads the head
 * (so several processes sharing the file stay on one linear chain). A caller alone thus writes its
 * event with no hand-off to another thread. Callers that arrive while a batch is being written park;
 * the writer then hands what is waiting to a background drainer, which writes batch after batch
 * (each with one shared fsync) while callers keep coming, as the single writer thread did before.
 * {@link #appendAsync} (bulk fills) leaves all its writing to the drainer. An append returns only
 * once its transaction is committed with synchronous=FULL, i.e. durable.
 *
 * <p>The appender owns redaction: it is the one place an event payload passes through a
 * {@link Redactor}, exactly once per event, on the caller's thread before the payload is
 * canonicalised, hashed or queued for disk ({@link #redacted}). Callers hand it raw payloads (there
 * is no way to hand it a payload that skips redaction), so no writer — the proxy's recorder,
 * {@code audit-cli checkpoint}, a purge, a test fixture — can put a secret in the log or its WAL by
 * forgetting to redact, an event written late by a retry is redacted like any other, and what is
 * stored is what verifies. What the pass must know about a call that the payload does not say (the
 * call whose result it is, whether to fingerprint the arguments, the result cap) comes with the event
 * as its {@link CallContext}.
 *
 * <p>On a log of schema version 3 or later every event is written under chain rule 2 (its hash
 * covers a salted digest of its payload, so that the payload can be purged); on an older log, which
 * only a test creates on purpose, under rule 1.
 */
public final class EventAppender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventAppender.class);
    /** Bounds one transaction so that a burst cannot hold the file lock for long. */
    private static final int MAX_BATCH = 512;

    private final Path path;
    private final Connection connection;
    private final Redactor redactor;
    private final int hashRule;
    /** Events not yet taken by a writer, oldest first. Only the thread holding {@link #writing} takes from it. */
    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    /**
     * The writer role: held by the one thread that takes and writes batches now (a caller, the drainer
     * or {@link #close}), so the connection is used by one thread at a time and batches stay in order.
     */
    private final AtomicBoolean writing = new AtomicBoolean();
    /** Writes what {@link #appendAsync} queues; synchronous callers write their own. */
    private final Thread drainer;
    private volatile boolean closed;
    /** Set by {@link #close} while it holds the writer role; read only by the holder. */
    private boolean connectionClosed;
    /** Events in the last batch written: 1 while callers come one at a time. */
    private volatile int lastBatchSize;
    /** Used only by the holder of the writer role; null until the first batch and after a failed one. */
    private WriterStatements statements;

    EventAppender(Path path, Connection connection, Redactor redactor, int hashRule) {
        this.path = path;
        this.connection = connection;
        this.redactor = redactor;
        this.hashRule = hashRule;
        this.drainer = new Thread(this::drainLoop, "audit-log-writer");
        drainer.setDaemon(true);
        drainer.start();
    }

    /**
     * Appends and waits until the event is durable; throws {@link AuditLogException} if it is not.
     * An interrupt does not cut the wait short (the event may already be on its way to disk); the
     * thread's interrupt status is kept for its caller.
     */
    public AppendedEvent append(NewEvent event) {
        Pending mine = new Pending(Prepared.of(event, redactor, hashRule), Thread.currentThread());
        if (closed) {
            mine.fail(closedError());
        } else {
            queue.add(mine);
        }
        boolean interrupted = false;
        if (!mayWriteItself()) {
            LockSupport.unpark(drainer);
        }
        while (!mine.isSettled()) {
            if (mayWriteItself() && writing.compareAndSet(false, true)) {
                try {
                    writeUntilSettled(mine);
                } finally {
                    releaseWriting();
                }
            } else {
                LockSupport.park(this); // woken when its batch is written, or when the writer role is free
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        try {
            return mine.done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof AuditLogException ale) {
                // Re-thrown on the caller's thread so its stack trace points at the caller.
                throw new AuditLogException(ale.reason(), ale.getMessage(), ale);
            }
            throw e;
        }
    }

    /**
     * Enqueues for the background drainer; the future completes once the event is durable. Redacts
     * (the event's raw payload, once) and canonicalises on the caller's thread.
     */
    public CompletableFuture<AppendedEvent> appendAsync(NewEvent event) {
        Pending pending = new Pending(Prepared.of(event, redactor, hashRule), null);
        if (closed) {
            pending.fail(closedError());
            return pending.done;
        }
        queue.add(pending);
        if (closed) {
            // Lost the race with close(): the drainer may already be gone, so write (or fail) it here rather than hang.
            while (!pending.isSettled()) {
                if (writing.compareAndSet(false, true)) {
                    try {
                        writeQueued();
                    } finally {
                        releaseWriting();
                    }
                } else {
                    LockSupport.parkNanos(100_000);
                }
            }
        } else {
            LockSupport.unpark(drainer);
        }
        return pending.done;
    }

    /** Writes what is queued, then closes the connection; an append that comes later fails (never hangs). */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(drainer);
        try {
            drainer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        while (!writing.compareAndSet(false, true)) {
            LockSupport.parkNanos(100_000); // a caller is writing its batch; close() is rare, so a poll will do
        }
        try {
            writeQueued();
            connectionClosed = true;
            if (statements != null) {
                statements.close();
            }
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.warn("closing audit log {}: {}", path, e.getMessage());
            }
        } finally {
            releaseWriting();
        }
    }

    private void drainLoop() {
        while (!closed) {
            LockSupport.park(this);
            if (writing.compareAndSet(false, true)) {
                try {
                    writeQueued();
                } finally {
                    releaseWriting();
                }
            } // else the writer wakes this thread again when it is done, if events wait
        }
    }

    /**
     * Whether a caller should write its own event when nobody is writing: when callers come one at a
     * time (the last batch held one event). When several come at once the drainer writes: the
     * moment it takes to wake gathers everyone who queues meanwhile into its batch, and every commit
     * saved is about 0.2 ms of CPU (SQLite, the system calls) on cores that are then busy; callers
     * writing themselves at once made batches smaller (proxy bench, 16 calls in flight on saturated
     * cores). After close() the drainer is gone, so a caller always writes (and fails) its own.
     */
    private boolean mayWriteItself() {
        return lastBatchSize <= 1 || closed;
    }

    /** As the writer: batches from the head of the queue until the caller's own event is written. */
    private void writeUntilSettled(Pending mine) {
        while (!mine.isSettled()) {
            List<Pending> batch = takeBatch();
            if (batch.isEmpty()) {
                return; // cannot happen while mine is unsettled: only the writer takes, and it settles all it takes
            }
            write(batch);
        }
    }

    /** As the writer: everything queued. */
    private void writeQueued() {
        for (List<Pending> batch = takeBatch(); !batch.isEmpty(); batch = takeBatch()) {
            write(batch);
        }
    }

    private List<Pending> takeBatch() {
        List<Pending> batch = new ArrayList<>();
        for (Pending p; batch.size() < MAX_BATCH && (p = queue.poll()) != null; ) {
            batch.add(p);
        }
        return batch;
    }

    /**
     * Gives up the writer role and, if events are waiting, wakes the drainer to write them. Checking
     * the queue after letting go means an event queued meanwhile is either seen here or its owner
     * finds the role free. Waiting callers are not made writers in turn: on a loaded machine each such
     * wake-up is a wait for a core between two commits, and the drainer, once awake, writes batch
     * after batch for as long as callers keep coming (the proxy bench at 16 calls in flight).
     */
    private void releaseWriting() {
        writing.set(false);
        Pending next = queue.peek();
        if (next != null) {
            // After close() the drainer is gone: the owner of the next event takes the role itself (and fails it).
            LockSupport.unpark(closed && next.waiter != null ? next.waiter : drainer);
        }
    }

    /** Writes one batch and settles every event in it: its place in the chain, or the error, to all. */
    private void write(List<Pending> batch) {
        lastBatchSize = batch.size();
        if (connectionClosed) {
            failAll(batch, closedError());
            return;
        }
        List<AppendedEvent> appended = new ArrayList<>(batch.size());
        try {
            WriterStatements sql = statements();
            try {
                sql.begin.execute();
                ChainHead head = sql.readHead();
                long seq = head.seq();
                String prev = head.hash();
                MessageDigest sha256 = CanonicalJson.sha256();
                for (Pending p : batch) {
                    seq++;
                    String hash = insert(sql.insert, sha256, seq, prev, p.event);
                    appended.add(new AppendedEvent(seq, p.event.eventId(), hash));
                    prev = hash;
                }
                sql.commit.execute();
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly();
                throw e;
            }
        } catch (SQLException e) {
            failAll(batch, SqliteErrors.explain(path, "append " + batch.size() + " event(s)", e));
            return;
        } catch (RuntimeException e) {
            failAll(batch, new AuditLogException(Reason.UNAVAILABLE,
                    "audit log " + path + " failed to append: " + e.getMessage(), e));
            return;
        } catch (Error e) {
            // e.g. out of memory: the callers of this batch must not wait forever for it.
            failAll(batch, new AuditLogException(Reason.UNAVAILABLE,
                    "audit log " + path + " failed to append: " + e, e));
            throw e;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).succeed(appended.get(i));
        }
    }

    /** The INSERT that {@link #insert} binds: rule 2 needs the columns of schema version 3. */
    static String insertSql(int hashRule) {
        return hashRule == ChainHash.RULE_PAYLOAD_DIGEST
                ? "INSERT INTO events(seq, event_id, type, time, session_id, call_id, payload, prev_hash, hash, hash_rule,"
                        + " payload_salt, payload_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 2, ?, ?)"
                : "INSERT INTO events(seq, event_id, type, time, session_id, call_id, payload, prev_hash, hash)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    }

    /** Inserts {@code e} at {@code seq} after {@code prev} with {@link #insertSql} of its rule; returns its hash. */
    static String insert(PreparedStatement insert, MessageDigest sha256, long seq, String prev, Prepared e)
            throws SQLException {
        String hash = ChainHash.next(sha256, prev, e.canonicalUtf8());
        insert.setLong(1, seq);
        insert.setString(2, e.eventId());
        insert.setString(3, e.type());
        insert.setString(4, e.time());
        insert.setString(5, e.sessionId());
        insert.setString(6, e.callId());
        insert.setString(7, e.payload());
        insert.setString(8, prev);
        insert.setString(9, hash);
        if (e.payloadSha256() != null) {
            insert.setString(10, e.payloadSalt());
            insert.setString(11, e.payloadSha256());
        }
        insert.executeUpdate();
        return hash;
    }

    private static final String HEAD_SQL = "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1";

    static ChainHead readHead(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery(HEAD_SQL)) {
            return head(rs);
        }
    }

    private static ChainHead head(ResultSet rs) throws SQLException {
        return rs.next() ? new ChainHead(rs.getLong(1), rs.getString(2)) : new ChainHead(0, ChainHash.GENESIS);
    }

    /** Rolls back, and drops the prepared statements so that the next batch starts from fresh ones. */
    private void rollbackQuietly() {
        try (Statement st = connection.createStatement()) {
            st.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // The transaction may never have started (BEGIN itself failed); nothing to undo then.
        }
        if (statements != null) {
            statements.close();
            statements = null;
        }
    }

    /** As the writer: the statements of a batch, prepared on first use. */
    private WriterStatements statements() throws SQLException {
        if (statements == null) {
            statements = new WriterStatements(connection, hashRule);
        }
        return statements;
    }

    /**
     * The four statements of every batch, prepared once for the connection's life: preparing them
     * for each batch cost about as much CPU as running the head read and the insert.
     */
    private static final class WriterStatements {
        final PreparedStatement begin;
        final PreparedStatement head;
        final PreparedStatement insert;
        final PreparedStatement commit;

        WriterStatements(Connection connection, int hashRule) throws SQLException {
            begin = connection.prepareStatement("BEGIN IMMEDIATE");
            head = connection.prepareStatement(HEAD_SQL);
            insert = connection.prepareStatement(insertSql(hashRule));
            commit = connection.prepareStatement("COMMIT");
        }

        ChainHead readHead() throws SQLException {
            try (ResultSet rs = head.executeQuery()) {
                return head(rs);
            }
        }

        void close() {
            for (PreparedStatement ps : List.of(begin, head, insert, commit)) {
                try {
                    ps.close();
                } catch (SQLException ignored) {
                    // Dropped either way; the connection is still usable.
                }
            }
        }
    }

    private static void failAll(List<Pending> batch, AuditLogException error) {
        LOG.error("{}", error.getMessage());
        batch.forEach(p -> p.fail(error));
    }

    private AuditLogException closedError() {
        return new AuditLogException(Reason.UNAVAILABLE, "audit log " + path + " is closed; nothing more can be appended.");
    }

    /**
     * An event waiting to be written, and whoever waits for it: a synchronous caller parked in
     * {@link #append} (woken by {@link #succeed}/{@link #fail}), or only the future of {@link #appendAsync}.
     */
    private static final class Pending {
        final Prepared event;
        final Thread waiter;
        final CompletableFuture<AppendedEvent> done = new CompletableFuture<>();

        Pending(Prepared event, Thread waiter) {
            this.event = event;
            this.waiter = waiter;
        }

        boolean isSettled() {
            return done.isDone();
        }

        void succeed(AppendedEvent appended) {
            done.complete(appended);
            wake();
        }

        void fail(AuditLogException error) {
            done.completeExceptionally(error);
            wake();
        }

        private void wake() {
            if (waiter != null) {
                LockSupport.unpark(waiter);
            }
        }
    }

    /**
     * The payload as it is stored (before canonicalisation): the one redaction pass over the raw
     * payload, knowing the call ({@link Redactor#redactPayload(com.fasterxml.jackson.databind.JsonNode,
     * String, com.fasterxml.jackson.databind.JsonNode)}), then what is computed from redacted values
     * only: {@code args_fingerprint} and the cut of a result longer than the cap. Neither is scanned
     * again: a digest and a prefix of redacted text hold nothing the pass has not already seen.
     */
    static ObjectNode redacted(NewEvent e, Redactor redactor) {
        CallContext call = e.call();
        ObjectNode payload = (ObjectNode) redactor.redactPayload(e.payload(), call.resultTool(), call.resultArgs()).value();
        JsonNode args = payload.get("args");
        if (call.fingerprintArgs() && args != null) {
            payload.put("args_fingerprint", CanonicalJson.sha256Hex(args));
        }
        JsonNode result = payload.get("result");
        if (call.maxResultBytes() >= 0 && result != null) {
            cutResult(payload, result, call.maxResultBytes());
        }
        return payload;
    }

    /** Cuts the (redacted) result to {@code maxBytes} of its canonical form, so a cut cannot expose part of a secret. */
    private static void cutResult(ObjectNode payload, JsonNode redactedResult, int maxBytes) {
        byte[] bytes = CanonicalJson.canonicalize(redactedResult).getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return;
        }
        String kept = new String(bytes, 0, maxBytes, StandardCharsets.UTF_8);
        if (!kept.isEmpty() && kept.charAt(kept.length() - 1) == '\uFFFD') {
            kept = kept.substring(0, kept.length() - 1); // a character cut in half
        }
        payload.put("result", kept);
        payload.put("result_truncated", true);
        payload.put("result_bytes", bytes.length);
    }

    /**
     * An event with its id, time text, redacted payload ({@link #redacted}), (rule 2) salt and payload digest, and
     * canonical bytes, computed off the writer thread. {@code payloadSalt} and {@code payloadSha256}
     * are null under rule 1.
     */
    record Prepared(
            String eventId, String type, String time, String sessionId, String callId, String payload,
            String payloadSalt, String payloadSha256, byte[] canonicalUtf8) {

        private static final SecureRandom SALTS = new SecureRandom();
        private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(CanonicalJson::sha256);
        private static final HexFormat HEX = HexFormat.of();

        static Prepared of(NewEvent e, Redactor redactor, int hashRule) {
            byte[] salt = null;
            if (hashRule == ChainHash.RULE_PAYLOAD_DIGEST) {
                salt = new byte[ChainHash.SALT_BYTES];
                SALTS.nextBytes(salt);
            }
            return of(e, redactor, hashRule, EventIds.next(), salt);
        }

        /**
         * The same with the event id and (rule 2) salt given instead of made: FormatExampleTest shows
         * what the writer makes of the worked example in schema/FORMAT.md, whose ids and salts are fixed.
         */
        static Prepared of(NewEvent e, Redactor redactor, int hashRule, String eventId, byte[] salt) {
            String time = EventTime.format(e.time());
            String type = e.type().wireName();
            String payload = CanonicalJson.canonicalize(redacted(e, redactor));
            if (hashRule != ChainHash.RULE_PAYLOAD_DIGEST) {
                String canonical = ChainHash.canonicalEvent(eventId, type, time, e.sessionId(), e.callId(), payload);
                return new Prepared(eventId, type, time, e.sessionId(), e.callId(), payload, null, null,
                        canonical.getBytes(StandardCharsets.UTF_8));
            }
            String payloadSha256 = ChainHash.payloadSha256(SHA256.get(), salt, payload.getBytes(StandardCharsets.UTF_8));
            String canonical = ChainHash.canonicalEventV2(eventId, type, time, e.sessionId(), e.callId(), payloadSha256);
            return new Prepared(eventId, type, time, e.sessionId(), e.callId(), payload, HEX.formatHex(salt),
                    payloadSha256, canonical.getBytes(StandardCharsets.UTF_8));
        }
    }
}
