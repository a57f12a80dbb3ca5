package dev.mcpaudit.schema.query;

import dev.mcpaudit.schema.AuditLog;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code call.approval} events of a log, read on their own: they are few (writes on protected
 * profiles only), so listings and the report join them to calls by {@code call_id} in Java rather
 * than through the {@code calls} view. Read-only.
 */
public final class ApprovalQueries {
    private static final String SELECT = "SELECT seq, call_id, session_id, time,"
            + " json_extract(payload, '$.profile') AS profile, json_extract(payload, '$.account_id') AS account_id,"
            + " json_extract(payload, '$.tool') AS tool,"
            + " json_extract(payload, '$.args') AS args,"
            + " json_extract(payload, '$.decision') AS decision, json_extract(payload, '$.reason') AS reason,"
            + " json_extract(payload, '$.message') AS message, json_extract(payload, '$.answer_ms') AS answer_ms,"
            + " trim(coalesce(json_extract(payload, '$.client.name'), '') || ' '"
            + "      || coalesce(json_extract(payload, '$.client.version'), '')) AS client"
            + " FROM events WHERE type = 'call.approval'";

    private final AuditLog log;

    public ApprovalQueries(AuditLog log) {
        this.log = log;
    }

    /** Every approval, by call id (the last one, should a call have several). */
    public Map<String, Approval> byCallId() throws SQLException {
        Map<String, Approval> out = new LinkedHashMap<>();
        for (Approval a : between(null, null)) {
            out.put(a.callId(), a);
        }
        return out;
    }

    /** Approvals whose time is in [from, until) (either bound may be null), in seq order. */
    public List<Approval> between(String from, String until) throws SQLException {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder(SELECT);
        if (from != null) {
            sql.append(" AND time >= ?");
            params.add(from);
        }
        if (until != null) {
            sql.append(" AND time < ?");
            params.add(until);
        }
        sql.append(" ORDER BY seq");
        try (Connection c = log.openReader()) {
            return Rows.list(c, sql.toString(), params, ApprovalQueries::approval);
        }
    }

    private static Approval approval(ResultSet rs) throws SQLException {
        String client = rs.getString("client");
        return new Approval(rs.getLong("seq"), rs.getString("call_id"), rs.getString("session_id"),
                rs.getString("time"), rs.getString("profile"), rs.getString("account_id"), rs.getString("tool"),
                rs.getString("args"), rs.getString("decision"), rs.getString("reason"), rs.getString("message"),
                Rows.number(rs, "answer_ms"), client == null || client.isEmpty() ? null : client);
    }
}
