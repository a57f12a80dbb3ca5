package dev.mcpaudit.cli.ship;

import dev.mcpaudit.schema.ChainVerifier;
import dev.mcpaudit.schema.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Consumer;

/**
 * One log's rows in the central copy, in seq order, for the same {@link ChainVerifier} that checks a
 * local log: every column as stored, streamed through a cursor so memory does not grow with the log.
 */
public final class CentralEvents implements ChainVerifier.EventSource {
    /** Seqs per query. */
    private static final long RANGE = 50_000;

    private final Connection central;
    private final String logId;

    public CentralEvents(Connection central, String logId) {
        this.central = central;
        this.logId = logId;
    }

    /**
     * Streams the rows; inside a transaction the caller opened (a report's snapshot) it reads in that
     * transaction, else in one of its own.
     */
    @Override
    public void scan(Consumer<StoredEvent> sink) {
        try {
            boolean own = central.getAutoCommit();
            if (own) {
                central.setAutoCommit(false); // the driver streams with a cursor only inside a transaction
            }
            try {
                // In ranges of seq, each read through the key (log_id, seq, …) of every partition: one
                // query for the whole log is planned as a scan of every partition and a sort. The first
                // and last ranges are open-ended, so no row is left out, whatever its seq.
                long head = head();
                for (long from = Long.MIN_VALUE, to = RANGE; ; from = to, to += RANGE) {
                    boolean last = to >= head;
                    readRange(from, last ? Long.MAX_VALUE : to, sink);
                    if (last) {
                        break;
                    }
                }
            } finally {
                if (own) {
                    central.rollback();
                    central.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            throw new CentralException("could not read log " + logId + " from the central database: " + e.getMessage(), e);
        }
    }

    private long head() throws SQLException {
        try (PreparedStatement ps = central.prepareStatement(
                "SELECT coalesce(max(seq), 0) FROM mcp_audit.events WHERE log_id = ?")) {
            ps.setString(1, logId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The rows with {@code from < seq <= to}, in seq order. */
    private void readRange(long from, long to, Consumer<StoredEvent> sink) throws SQLException {
        try (PreparedStatement ps = central.prepareStatement("SELECT seq, event_id, type, time, session_id, call_id,"
                + " payload, prev_hash, hash, hash_rule, payload_salt, payload_sha256 FROM mcp_audit.events"
                + " WHERE log_id = ? AND seq > ? AND seq <= ? ORDER BY seq")) {
            ps.setString(1, logId);
            ps.setLong(2, from);
            ps.setLong(3, to);
            ps.setFetchSize(5000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(new StoredEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                            rs.getInt(10), rs.getString(11), rs.getString(12)));
                }
            }
        }
    }
}
