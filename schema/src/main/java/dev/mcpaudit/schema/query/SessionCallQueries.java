package dev.mcpaudit.schema.query;

import dev.mcpaudit.schema.AuditLog;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** The calls of one proxy session in the order they were made, and session ids by prefix. Read-only. */
public final class SessionCallQueries {
    private final AuditLog log;

    public SessionCallQueries(AuditLog log) {
        this.log = log;
    }

    /** The ids of at most {@code max} sessions whose id starts with {@code prefix}, in id order. */
    public List<String> sessionIdsStartingWith(String prefix, int max) throws SQLException {
        try (Connection c = log.openReader()) {
            return Rows.list(c, "SELECT DISTINCT session_id FROM events WHERE session_id >= ? AND session_id < ?"
                    + " ORDER BY session_id LIMIT " + max, List.of(prefix, prefix + "\uffff"), rs -> rs.getString(1));
        }
    }

    /** Every call of the session (requested or refused), in seq order of its first event. */
    public List<SessionCall> callsOf(String sessionId) throws SQLException {
        String sql = "SELECT r.seq, r.call_id, r.time,"
                + " json_extract(r.payload, '$.method') AS method, json_extract(r.payload, '$.tool') AS tool,"
                + " json_extract(r.payload, '$.target') AS target, json_extract(r.payload, '$.profile') AS profile,"
                + " json_extract(r.payload, '$.account_id') AS account_id, json_extract(r.payload, '$.region') AS region,"
                + " json_extract(r.payload, '$.args') AS args, " + CallOutcome.sqlOf("r", "c") + " AS outcome,"
                + " CASE WHEN r.type = 'call.rejected' THEN json_extract(r.payload, '$.reason')"
                + " ELSE json_extract(c.payload, '$.error') END AS error,"
                + " json_extract(c.payload, '$.result_sha256') AS result_sha256, json_extract(c.payload, '$.result') AS result"
                + " FROM events r LEFT JOIN events c"
                + " ON r.type = 'call.requested' AND c.call_id = r.call_id AND c.type = 'call.completed'"
                + " WHERE r.session_id = ? AND r.type IN ('call.requested', 'call.rejected') ORDER BY r.seq";
        try (Connection c = log.openReader()) {
            return Rows.list(c, sql, List.of(sessionId), rs -> new SessionCall(rs.getLong("seq"), rs.getString("call_id"),
                    rs.getString("time"), rs.getString("method"), rs.getString("tool"), rs.getString("target"),
                    rs.getString("profile"), rs.getString("account_id"), rs.getString("region"), rs.getString("args"),
                    rs.getString("outcome"), rs.getString("error"), rs.getString("result_sha256"), rs.getString("result")));
        }
    }
}
