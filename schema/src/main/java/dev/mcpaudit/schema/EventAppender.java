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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends events to the hash chain with group commit: callers on any thread enqueue, one writer
 * thread takes everything that is waiting, and writes it in a single IMMEDIATE transaction that
 * first reads the head (so several processes sharing the file stay on one linear chain). An append
 * returns only once its transaction is committed with synchronous=FULL, i.e. durable.
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
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    EventAppender(Path path, Connection connection, Redactor redactor, int hashRule) {
        this.path = path;
        this.connection = connection;
        this.redactor = redactor;
        this.hashRule = hashRule;
        this.writer = new Thread(this::writeLoop, "audit-log-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Appends and waits until the event is durable; throws {@link AuditLogException} if it is not. */
    public AppendedEvent append(NewEvent event) {
        try {
            return appendAsync(event).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof AuditLogException ale) {
                // Re-thrown on the caller's thread so its stack trace points at the caller.
                throw new AuditLogException(ale.reason(), ale.getMessage(), ale);
            }
            throw e;
        }
    }

    /**
     * Enqueues; the future completes once the event is durable. Redacts (the event's raw payload, once)
     * and canonicalises on the caller's thread.
     */
    public CompletableFuture<AppendedEvent> appendAsync(NewEvent event) {
        Prepared prepared = Prepared.of(event, redactor, hashRule);
        CompletableFuture<AppendedEvent> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(closedError());
            return done;
        }
        queue.add(new Pending(prepared, done));
        if (closed) {
            // Lost the race with close(): the writer may already be gone, so fail rather than hang.
            drainFailing(closedError());
        }
        return done;
    }

    @Override
    public void close() {
        closed = true;
        writer.interrupt();
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drainFailing(closedError());
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("closing audit log {}: {}", path, e.getMessage());
        }
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            Pending first;
            try {
                first = closed ? queue.poll() : queue.take();
            } catch (InterruptedException e) {
                first = queue.poll(); // close(): write what is already queued, then stop
            }
            if (first == null) {
                if (closed) {
                    return;
                }
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            write(batch);
            batch.clear();
        }
    }

    private void write(List<Pending> batch) {
        List<AppendedEvent> appended = new ArrayList<>(batch.size());
        try (Statement st = connection.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            try {
                ChainHead head = readHead(st);
                long seq = head.seq();
                String prev = head.hash();
                MessageDigest sha256 = CanonicalJson.sha256();
                try (PreparedStatement insert = connection.prepareStatement(insertSql(hashRule))) {
                    for (Pending p : batch) {
                        seq++;
                        String hash = insert(insert, sha256, seq, prev, p.event());
                        appended.add(new AppendedEvent(seq, p.event().eventId(), hash));
                        prev = hash;
                    }
                }
                st.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(st);
                throw e;
            }
        } catch (SQLException e) {
            failAll(batch, SqliteErrors.explain(path, "append " + batch.size() + " event(s)", e));
            return;
        } catch (RuntimeException e) {
            failAll(batch, new AuditLogException(Reason.UNAVAILABLE,
                    "audit log " + path + " failed to append: " + e.getMessage(), e));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done().complete(appended.get(i));
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

    static ChainHead readHead(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")) {
            return rs.next() ? new ChainHead(rs.getLong(1), rs.getString(2)) : new ChainHead(0, ChainHash.GENESIS);
        }
    }

    private void rollbackQuietly(Statement st) {
        try {
            st.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // The transaction may never have started (BEGIN itself failed); nothing to undo then.
        }
    }

    private static void failAll(List<Pending> batch, AuditLogException error) {
        LOG.error("{}", error.getMessage());
        batch.forEach(p -> p.done().completeExceptionally(error));
    }

    private void drainFailing(AuditLogException error) {
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(p -> p.done().completeExceptionally(error));
    }

    private AuditLogException closedError() {
        return new AuditLogException(Reason.UNAVAILABLE, "audit log " + path + " is closed; nothing more can be appended.");
    }

    private record Pending(Prepared event, CompletableFuture<AppendedEvent> done) {}

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
