package dev.mcpaudit.cli.ship;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.ChainHead;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.StoredEvent;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Copies one log's events that the central database does not hold yet, as they are stored. Where to
 * start is read from the central table itself (its highest seq of this log), after checking that the
 * central row there has the local row's hash: the chain commits to everything before it, so equal
 * hashes mean the central copy is a prefix of this log; a different hash means the two diverged and
 * nothing is shipped. Each batch is one transaction under a per-log advisory lock that re-reads the
 * highest seq, so a crash loses nothing and a second shipper duplicates nothing.
 */
public final class Shipper {
    static final String COPY_EVENTS = "COPY mcp_audit.events (log_id, seq, event_id, type, time, session_id, call_id,"
            + " payload, prev_hash, hash, hash_rule, payload_salt, payload_sha256, event_time) FROM STDIN";
    private static final String CHECKPOINT_TYPE = EventType.CHECKPOINT.wireName();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditLog log;
    private final Connection central;
    private final int batchSize;
    private final BooleanSupplier stopRequested;
    private final Set<LocalDate> monthsEnsured = new HashSet<>();

    /** What one pass shipped: {@code events} rows, the central copy then ending at {@code centralHead}. */
    public record Pass(String logId, long events, long firstSeq, long centralHead, long localHead) {}

    /** {@code stopRequested} is asked between batches: a stop leaves every committed batch shipped. */
    public Shipper(AuditLog log, Connection central, int batchSize, BooleanSupplier stopRequested) {
        this.log = log;
        this.central = central;
        this.batchSize = batchSize;
        this.stopRequested = stopRequested;
    }

    /** Ships what is missing, once; retries from the central head if another shipper got there first. */
    public Pass shipOnce() throws SQLException {
        for (int attempt = 0; ; attempt++) {
            try {
                return pass();
            } catch (AnotherShipper e) {
                if (attempt >= 5) {
                    throw new CentralException("another shipper keeps shipping log " + log.logId() + " meanwhile;"
                            + " run one shipper per log.");
                }
            }
        }
    }

    private Pass pass() throws SQLException {
        String logId = log.logId();
        Optional<ChainHead> head = logId == null ? Optional.empty() : log.head();
        if (head.isEmpty()) {
            return new Pass(logId, 0, 0, 0, 0);
        }
        central.setAutoCommit(true);
        try (PreparedStatement ps = central.prepareStatement(
                "INSERT INTO mcp_audit.logs (log_id) VALUES (?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, logId);
            ps.executeUpdate();
        }
        long centralHead = centralHead(logId);
        long localHead = head.get().seq();
        long common = Math.min(centralHead, localHead);
        if (common > 0) {
            requireSameHash(logId, common);
        }
        if (centralHead >= localHead) {
            return new Pass(logId, 0, 0, centralHead, localHead);
        }
        Batches batches = new Batches(logId, centralHead);
        try (batches) {
            log.scanEventsFrom(centralHead + 1, batches);
            batches.finish();
        } catch (Stop stop) {
            // a stop between batches: every batch so far is committed
        } catch (Failed f) {
            if (f.getCause() instanceof RuntimeException r) {
                throw r; // AnotherShipper, CentralException
            }
            throw (SQLException) f.getCause();
        }
        return new Pass(logId, batches.shipped, centralHead + 1, batches.expectedHead, localHead);
    }

    /** The central copy's highest seq of the log, 0 for none. */
    private long centralHead(String logId) throws SQLException {
        try (PreparedStatement ps = central.prepareStatement(
                "SELECT coalesce(max(seq), 0) FROM mcp_audit.events WHERE log_id = ?")) {
            ps.setString(1, logId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void requireSameHash(String logId, long seq) throws SQLException {
        List<String> centralHashes = new ArrayList<>();
        try (PreparedStatement ps = central.prepareStatement(
                "SELECT hash FROM mcp_audit.events WHERE log_id = ? AND seq = ?")) {
            ps.setString(1, logId);
            ps.setLong(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    centralHashes.add(rs.getString(1));
                }
            }
        }
        String local = log.eventAt(seq).map(StoredEvent::hash).orElse(null);
        if (centralHashes.size() != 1 || !centralHashes.get(0).equals(local)) {
            throw new DivergedLogException("log " + logId + " at seq " + seq + ": the central copy holds "
                    + (centralHashes.isEmpty() ? "no row" : "hash " + String.join(", ", centralHashes))
                    + " but this log holds " + (local == null ? "no row" : "hash " + local) + ": the two copies"
                    + " diverged (a restored or edited log, or an edited central row). Nothing was shipped and"
                    + " nothing was overwritten; run audit-cli verify here and verify --source there.");
        }
    }

    private void ensureMonth(LocalDate month) throws SQLException {
        if (monthsEnsured.add(month)) {
            try (PreparedStatement ps = central.prepareStatement("SELECT mcp_audit.ensure_month(?)")) {
                ps.setObject(1, month);
                ps.execute();
            }
        }
    }

    /**
     * Gathers rows and ships each full batch in a transaction of its own, on a thread of its own, so
     * that reading the next batch from the log overlaps sending this one (at most one batch in flight).
     */
    private final class Batches implements java.util.function.Consumer<StoredEvent>, AutoCloseable {
        private final String logId;
        private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "audit-cli-ship-batch");
            t.setDaemon(true);
            return t;
        });
        private Batch filling = new Batch();
        private Future<?> inFlight;
        long expectedHead;
        long shipped;

        Batches(String logId, long centralHead) {
            this.logId = logId;
            this.expectedHead = centralHead;
        }

        @Override
        public void accept(StoredEvent e) {
            filling.rows.add(e);
            filling.times.add(eventTime(e));
            if (filling.rows.size() >= batchSize) {
                flush();
                if (stopRequested.getAsBoolean()) {
                    awaitInFlight();
                    throw new Stop();
                }
            }
        }

        /** Sends the batch being filled, once the one before it is committed. */
        void flush() {
            awaitInFlight();
            if (filling.rows.isEmpty()) {
                return;
            }
            Batch batch = filling;
            filling = new Batch();
            inFlight = sender.submit(() -> {
                ship(batch);
                shipped += batch.rows.size();
                expectedHead = batch.rows.get(batch.rows.size() - 1).seq();
                return null;
            });
        }

        void finish() {
            flush();
            awaitInFlight();
        }

        private void awaitInFlight() {
            if (inFlight == null) {
                return;
            }
            try {
                inFlight.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failed(new SQLException("interrupted while shipping", e));
            } catch (ExecutionException e) {
                throw new Failed(e.getCause() instanceof Exception x ? x : new SQLException(e.getCause()));
            } finally {
                inFlight = null;
            }
        }

        @Override
        public void close() {
            sender.shutdownNow();
        }

        private void ship(Batch batch) throws SQLException {
            for (Instant t : batch.times) {
                ensureMonth(t.atOffset(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1));
            }
            central.setAutoCommit(false);
            try {
                try (PreparedStatement lock = central.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
                    lock.setString(1, "mcp_audit.ship:" + logId);
                    lock.execute();
                }
                if (centralHead(logId) != expectedHead) {
                    throw new AnotherShipper();
                }
                copy(batch);
                recordCheckpoints(batch);
                central.commit();
            } catch (SQLException | RuntimeException e) {
                central.rollback();
                throw e;
            } finally {
                central.setAutoCommit(true);
            }
        }

        private void copy(Batch batch) throws SQLException {
            CopyIn in = central.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_EVENTS);
            try {
                StringBuilder sb = new StringBuilder(1 << 16);
                for (int i = 0; i < batch.rows.size(); i++) {
                    CopyText.appendRow(sb, logId, batch.rows.get(i), batch.times.get(i));
                    if (sb.length() >= 1 << 16 || i == batch.rows.size() - 1) {
                        byte[] bytes = sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        in.writeToCopy(bytes, 0, bytes.length);
                        sb.setLength(0);
                    }
                }
                in.endCopy();
            } finally {
                if (in.isActive()) {
                    in.cancelCopy();
                }
            }
        }

        private void recordCheckpoints(Batch batch) throws SQLException {
            try (PreparedStatement ps = central.prepareStatement("INSERT INTO mcp_audit.checkpoints (log_id, event_seq,"
                    + " seq, hash, signed_at, key_id, signature) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                int n = 0;
                for (StoredEvent e : batch.rows) {
                    if (!CHECKPOINT_TYPE.equals(e.type())) {
                        continue;
                    }
                    JsonNode p;
                    try {
                        p = JSON.readTree(e.payload());
                    } catch (IOException | RuntimeException unreadable) {
                        continue; // verify reports a checkpoint event that holds no checkpoint
                    }
                    if (!p.path("seq").canConvertToLong() || !p.path("hash").isTextual() || !p.path("signed_at").isTextual()
                            || !p.path("key_id").isTextual() || !p.path("signature").isTextual()) {
                        continue;
                    }
                    ps.setString(1, logId);
                    ps.setLong(2, e.seq());
                    ps.setLong(3, p.path("seq").longValue());
                    ps.setString(4, p.path("hash").textValue());
                    ps.setString(5, p.path("signed_at").textValue());
                    ps.setString(6, p.path("key_id").textValue());
                    ps.setString(7, p.path("signature").textValue());
                    ps.addBatch();
                    n++;
                }
                if (n > 0) {
                    ps.executeBatch();
                }
            }
        }
    }

    /** Rows of one transaction, with their times parsed. */
    private static final class Batch {
        final List<StoredEvent> rows = new ArrayList<>();
        final List<Instant> times = new ArrayList<>();
    }

    private static Instant eventTime(StoredEvent e) {
        try {
            return Instant.parse(e.time());
        } catch (DateTimeParseException | NullPointerException bad) {
            throw new CentralException("seq " + e.seq() + "'s time '" + e.time() + "' is not a UTC time"
                    + " (YYYY-MM-DDTHH:MM:SS.mmmZ), so it cannot be placed in a monthly partition; run audit-cli"
                    + " verify on this log.");
        }
    }

    /** The central head moved while this shipper held no lock: start again from it. */
    private static final class AnotherShipper extends RuntimeException {
        AnotherShipper() {
            super(null, null, false, false);
        }
    }

    /** Asked to stop between batches. */
    private static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }

    /** What a batch threw, carried out of the scan's consumer. */
    private static final class Failed extends RuntimeException {
        Failed(Exception cause) {
            super(cause);
        }
    }
}
