package dev.mcpaudit.cli.ship;

import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.StoredEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Every column of every event, read from a local log or from the central copy, to compare them. */
final class CentralRows {
    private CentralRows() {}

    static List<StoredEvent> local(Path db) {
        List<StoredEvent> rows = new ArrayList<>();
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            log.scanEvents(rows::add);
        }
        return rows;
    }

    static String logId(Path db) {
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            return log.logId();
        }
    }

    static List<StoredEvent> central(Connection c, String logId) throws SQLException {
        List<StoredEvent> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, event_id, type, time, session_id, call_id, payload,"
                + " prev_hash, hash, hash_rule, payload_salt, payload_sha256 FROM mcp_audit.events WHERE log_id = ?"
                + " ORDER BY seq")) {
            ps.setString(1, logId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new StoredEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                            rs.getInt(10), rs.getString(11), rs.getString(12)));
                }
            }
        }
        return rows;
    }
}
