package dev.mcpaudit.schema.query;

import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.StoredEvent;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * A contiguous range of the log's events, by time, for an export: from the first event at or after
 * {@code from} to the last event before {@code to}, so that the chain can be checked within it.
 * Range and rows come from one read snapshot, whatever is appended meanwhile, and are streamed:
 * memory does not grow with the log.
 */
public final class EventRange {
    /** Receives the range, then each of its events in seq order. */
    public interface Reader {
        /** {@code firstSeq} and {@code lastSeq} are 0 when no event lies in the range. */
        void range(long firstSeq, long lastSeq) throws IOException;

        /** {@code purgedBySeq}: the newest payload.purged event naming this one, or null. */
        void event(StoredEvent event, Long purgedBySeq) throws IOException;
    }

    private EventRange() {}

    /** Reads the range ({@code from} and {@code to} are stored-form times; null leaves that end open). */
    public static void read(AuditLog log, String from, String to, Reader reader) throws IOException, SQLException {
        try (Connection c = log.openReader()) {
            c.setAutoCommit(false); // one snapshot for the range and the rows
            try {
                long first = bound(c, from == null ? "SELECT min(seq) FROM events"
                        : "SELECT min(seq) FROM events WHERE time >= ?", from);
                long last = bound(c, to == null ? "SELECT max(seq) FROM events"
                        : "SELECT max(seq) FROM events WHERE time < ?", to);
                boolean empty = first == 0 || last == 0 || first > last;
                reader.range(empty ? 0 : first, empty ? 0 : last);
                if (!empty) {
                    rows(c, first, last, reader);
                }
            } finally {
                c.rollback();
            }
        }
    }

    private static long bound(Connection c, String sql, String time) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (time != null) {
                ps.setString(1, time);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0; // NULL (no such event) reads as 0
            }
        }
    }

    /** The events of seq {@code first} to {@code last}, both seq of events read in the same snapshot. */
    private static void rows(Connection c, long first, long last, Reader reader) throws SQLException, IOException {
        Map<Long, Long> purgedBy = purges(c);
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, event_id, type, time, session_id, call_id, payload,"
                + " prev_hash, hash, hash_rule, payload_salt, payload_sha256 FROM events WHERE seq BETWEEN ? AND ?"
                + " ORDER BY seq")) {
            ps.setLong(1, first);
            ps.setLong(2, last);
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StoredEvent e = storedEvent(rs);
                    reader.event(e, purgedBy.get(e.seq()));
                }
            }
        }
    }

    /** For each purged event, the seq of the newest payload.purged event naming it (few rows, by index). */
    private static Map<Long, Long> purges(Connection c) throws SQLException {
        Map<Long, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT json_extract(payload, '$.seq'), max(seq) FROM events"
                + " WHERE type = 'payload.purged' GROUP BY 1");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return out;
    }

    /** A row of all the events table's columns, in table order. */
    static StoredEvent storedEvent(ResultSet rs) throws SQLException {
        return new StoredEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getInt(10), rs.getString(11),
                rs.getString(12));
    }
}
