package dev.mcpaudit.schema.query;

import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One session's events as stored, hash fields included, and events by seq: what a fixture is
 * exported from and verified against ({@link SessionCallQueries} resolves session id prefixes).
 * Read-only.
 */
public final class SessionEvents {
    private static final String COLUMNS = "seq, event_id, type, time, session_id, call_id, payload, prev_hash, hash,"
            + " hash_rule, payload_salt, payload_sha256";

    private SessionEvents() {}

    /** Every event of the session, in seq order, from one read snapshot (a single statement). */
    public static List<StoredEvent> of(AuditLog log, String sessionId) throws SQLException {
        try (Connection c = log.openReader()) {
            return Rows.list(c, "SELECT " + COLUMNS + " FROM events WHERE session_id = ? ORDER BY seq",
                    List.of(sessionId), EventRange::storedEvent);
        }
    }

    /** The events at these seqs, by seq; a seq the log does not hold is absent from the map. */
    public static Map<Long, StoredEvent> atSeqs(AuditLog log, Collection<Long> seqs) throws SQLException {
        Map<Long, StoredEvent> out = new LinkedHashMap<>();
        try (Connection c = log.openReader();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM events WHERE seq = ?")) {
            for (long seq : seqs) {
                ps.setLong(1, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        out.put(seq, EventRange.storedEvent(rs));
                    }
                }
            }
        }
        return out;
    }
}
