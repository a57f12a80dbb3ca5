package dev.mcpaudit.schema.query;

import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.StoredEvent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.Function;

/** The calls of an audit log: listed through the {@code calls} view, and one call's events. Read-only. */
public final class CallQueries {
    /** The SQL function through which {@link CallFilter#writes()} asks the {@link WriteClassifier}. */
    static final String IS_WRITE = "mcp_is_write";

    private final AuditLog log;
    private final WriteClassifier classifier;

    /** {@code classifier} decides {@link CallFilter#writes()}. */
    public CallQueries(AuditLog log, WriteClassifier classifier) {
        this.log = log;
        this.classifier = classifier;
    }

    /** Calls matching the filter, newest first, at most {@code limit} (0 = all). */
    public List<CallRecord> calls(CallFilter filter, int limit) throws SQLException {
        List<Object> params = new ArrayList<>();
        String sql = "SELECT *, CASE WHEN outcome = 'denied' AND "
                + RefusedProfiles.refused("v.profile", "v.session_id", "v.account_source")
                + " THEN 1 ELSE 0 END AS profile_refused FROM calls v" + filter.where(params) + " ORDER BY started_at DESC, call_id DESC"
                + (limit > 0 ? " LIMIT " + limit : "");
        try (Connection c = log.openReader()) {
            if (filter.writes()) {
                registerIsWrite(c);
            }
            return Rows.list(c, sql, params, CallQueries::callRecord);
        }
    }

    /** The ids of at most {@code max} calls whose id starts with {@code prefix}, in id order. */
    public List<String> callIdsStartingWith(String prefix, int max) throws SQLException {
        try (Connection c = log.openReader()) {
            return Rows.list(c, "SELECT DISTINCT call_id FROM events WHERE call_id >= ? AND call_id < ? LIMIT " + max,
                    List.of(prefix, prefix + "\uffff"), rs -> rs.getString(1));
        }
    }

    /** Every event of one call, in seq order: its request or rejection, completion, and purges of them. */
    public List<StoredEvent> eventsOf(String callId) throws SQLException {
        try (Connection c = log.openReader()) {
            return Rows.list(c, "SELECT seq, event_id, type, time, session_id, call_id, payload, prev_hash, hash,"
                    + " hash_rule, payload_salt, payload_sha256 FROM events WHERE call_id = ? ORDER BY seq",
                    List.of(callId), EventRange::storedEvent);
        }
    }

    private void registerIsWrite(Connection c) throws SQLException {
        Function.create(c, IS_WRITE, new Function() {
            @Override
            protected void xFunc() throws SQLException {
                result(classifier.isWrite(value_text(0), value_text(1)) ? 1 : 0);
            }
        }, 2, Function.FLAG_DETERMINISTIC);
    }

    private static CallRecord callRecord(ResultSet rs) throws SQLException {
        return new CallRecord(rs.getString("call_id"), rs.getString("session_id"), rs.getString("started_at"),
                rs.getString("ended_at"), Rows.number(rs, "duration_ms"), rs.getString("profile"),
                rs.getString("account_id"), rs.getString("account_source"), rs.getString("region"),
                rs.getString("service"), rs.getString("tool"), rs.getString("args"), rs.getString("args_fingerprint"),
                rs.getString("outcome"), rs.getString("error"), rs.getString("result_sha256"), rs.getString("result"),
                rs.getInt("profile_refused") == 1);
    }
}
