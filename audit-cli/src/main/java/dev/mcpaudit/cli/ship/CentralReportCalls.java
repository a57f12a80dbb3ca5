package dev.mcpaudit.cli.ship;

import dev.mcpaudit.schema.StoredEvent;
import dev.mcpaudit.schema.query.CallFilter;
import dev.mcpaudit.schema.query.CallGroup;
import dev.mcpaudit.schema.query.ListedCall;
import dev.mcpaudit.schema.query.PurgedEvent;
import dev.mcpaudit.schema.query.ReportCalls;
import dev.mcpaudit.schema.query.ReportScope;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The calls of a report's scope across every shipped log: the scope's calls (the rows of
 * {@code mcp_audit.calls}, with the report's scope rules: a profile scope also takes the denied
 * attempts at a look-alike refused value) are put once into a temporary table of this connection,
 * then grouped and listed there. Listed calls are named by a number of this scope's own (a seq is
 * unique only within its log), which {@link #calls} resolves. Run it inside the transaction whose
 * snapshot the central chains were verified in, so that what is reported is what was verified.
 */
public final class CentralReportCalls implements ReportCalls {
    private static final String SCOPE = "pg_temp.report_calls";
    private static final String BLANKS = "E' \\t\\n\\r'";

    private final Connection central;
    /** The (log_id, seq) of each listed call, by its number here. */
    private final List<String> listedLogs = new ArrayList<>();
    private final List<Long> listedSeqs = new ArrayList<>();
    private final List<Boolean> listedRefused = new ArrayList<>();

    private CentralReportCalls(Connection central) {
        this.central = central;
    }

    /**
     * Puts the calls {@code filter} selects by profile, account, session, since and until in scope:
     * the calls view's rows, read straight from {@code events} so that each payload is parsed once and
     * the filter runs on the indexed columns before the join to the completions.
     */
    public static CentralReportCalls open(Connection central, CallFilter filter) throws SQLException {
        List<Object> params = new ArrayList<>();
        StringBuilder where = new StringBuilder(" WHERE r.type IN ('call.requested', 'call.rejected')");
        if (filter.profile() != null) {
            where.append(" AND (r.profile = ? OR (r.type = 'call.rejected' AND lower(btrim(r.profile, ").append(BLANKS)
                    .append(")) = lower(btrim(?, ").append(BLANKS).append("))))");
            params.add(filter.profile());
            params.add(filter.profile());
        }
        add(where, params, "r.account_id = ?", filter.account());
        add(where, params, "r.session_id = ?", filter.session());
        add(where, params, "r.event_time >= ?", filter.since() == null ? null : filter.since().atOffset(ZoneOffset.UTC));
        add(where, params, "r.event_time < ?", filter.until() == null ? null : filter.until().atOffset(ZoneOffset.UTC));
        String sql = "CREATE TEMP TABLE " + SCOPE.substring("pg_temp.".length()) + " ON COMMIT DROP AS"
                + " WITH v AS (SELECT r.log_id, r.seq, r.call_id, r.session_id, r.time AS started_at, r.profile,"
                + " r.account_id, r.tool,"
                + " CASE WHEN r.tool = 'aws___call_aws' THEN ltrim(coalesce(p.args ->> 'cli_command',"
                + " CASE WHEN json_typeof(p.args) = 'string' THEN p.args #>> '{}' END)) END AS command,"
                + " CASE WHEN r.type = 'call.rejected' THEN 'denied' WHEN c.seq IS NULL THEN 'incomplete'"
                + " ELSE c.payload::json ->> 'outcome' END AS outcome,"
                + " CASE WHEN r.type = 'call.rejected' THEN p.json ->> 'account_source' END AS account_source"
                + " FROM mcp_audit.events r"
                + " CROSS JOIN LATERAL (SELECT r.payload::json AS json, r.payload::json -> 'args' AS args) p"
                + " LEFT JOIN mcp_audit.events c ON r.type = 'call.requested' AND c.log_id = r.log_id"
                + " AND c.call_id = r.call_id AND c.type = 'call.completed'" + where + ")"
                + " SELECT v.log_id, v.seq, v.call_id, v.session_id, v.started_at, v.profile, v.account_id, v.tool,"
                + " v.command, v.outcome, (v.outcome = 'denied' AND " + CentralCallQueries.REFUSED + ") AS refused"
                + " FROM v" + (filter.profile() == null ? "" : " WHERE v.profile = ? OR (v.outcome = 'denied' AND "
                        + CentralCallQueries.REFUSED + ")");
        if (filter.profile() != null) {
            params.add(filter.profile());
        }
        try (PreparedStatement ps = central.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            ps.executeUpdate();
        }
        return new CentralReportCalls(central);
    }

    private static void add(StringBuilder where, List<Object> params, String clause, Object value) {
        if (value != null) {
            where.append(" AND ").append(clause);
            params.add(value);
        }
    }

    /** The logs that have calls in scope. */
    public List<String> logIds() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = central.createStatement();
                ResultSet rs = st.executeQuery("SELECT DISTINCT log_id FROM " + SCOPE + " ORDER BY log_id")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Override
    public List<CallGroup> groups() throws SQLException {
        List<CallGroup> out = new ArrayList<>();
        try (Statement st = central.createStatement(); ResultSet rs = st.executeQuery("SELECT profile, refused,"
                + " account_id, tool, command, outcome, substr(started_at, 1, 13) AS hour, session_id, count(*) AS n,"
                + " min(started_at) AS first, max(started_at) AS last FROM " + SCOPE
                + " GROUP BY profile, refused, account_id, tool, command, outcome, hour, session_id"
                + " ORDER BY profile COLLATE \"C\", refused, account_id COLLATE \"C\", tool COLLATE \"C\","
                + " command COLLATE \"C\", outcome COLLATE \"C\", hour, session_id COLLATE \"C\"")) {
            while (rs.next()) {
                out.add(new CallGroup(rs.getString("profile"), rs.getBoolean("refused"), rs.getString("account_id"),
                        rs.getString("tool"), rs.getString("command"), rs.getString("outcome"), rs.getString("hour"),
                        rs.getString("session_id"), rs.getLong("n"), rs.getString("first"), rs.getString("last")));
            }
        }
        return out;
    }

    @Override
    public List<ReportScope.MinuteCount> perMinute() throws SQLException {
        List<ReportScope.MinuteCount> out = new ArrayList<>();
        try (Statement st = central.createStatement(); ResultSet rs = st.executeQuery("SELECT substr(started_at, 1, 16)"
                + " AS minute, outcome, count(*) FROM " + SCOPE + " GROUP BY minute, outcome ORDER BY minute, outcome")) {
            while (rs.next()) {
                out.add(new ReportScope.MinuteCount(rs.getString(1), rs.getString(2), rs.getLong(3)));
            }
        }
        return out;
    }

    @Override
    public List<Long> deniedSeqs(int max) throws SQLException {
        return listed("SELECT log_id, seq, refused FROM " + SCOPE + " WHERE outcome = 'denied'"
                + " ORDER BY started_at COLLATE \"C\", log_id, seq LIMIT " + max, List.of());
    }

    @Override
    public List<Long> sentSeqs(Collection<String> tools, Collection<String> commands, int max) throws SQLException {
        return listed("SELECT log_id, seq, refused FROM " + SCOPE + " WHERE outcome <> 'denied'"
                + " AND (tool = ANY (?) OR command = ANY (?)) ORDER BY started_at COLLATE \"C\", log_id, seq LIMIT " + max,
                List.of(central.createArrayOf("text", tools.toArray()), central.createArrayOf("text", commands.toArray())));
    }

    /** Numbers the calls {@code sql} lists (log_id, seq, refused) in this scope's own sequence. */
    private List<Long> listed(String sql, List<Array> params) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = central.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setArray(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    listedLogs.add(rs.getString(1));
                    listedSeqs.add(rs.getLong(2));
                    listedRefused.add(rs.getBoolean(3));
                    out.add((long) listedSeqs.size() - 1);
                }
            }
        }
        return out;
    }

    @Override
    public List<ListedCall> calls(Collection<Long> numbers) throws SQLException {
        List<ListedCall> out = new ArrayList<>();
        // One lookup by (log_id, seq) each, through the events key; whether it was refused is known already.
        try (PreparedStatement ps = central.prepareStatement("SELECT v.call_id, v.session_id, v.started_at, v.profile,"
                + " v.account_id, v.region, v.tool, v.args, v.outcome, v.error FROM mcp_audit.calls v"
                + " WHERE v.log_id = ? AND v.seq = ?")) {
            for (long n : numbers) {
                ps.setString(1, listedLogs.get((int) n));
                ps.setLong(2, listedSeqs.get((int) n));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        out.add(new ListedCall(n, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                                rs.getString(10), listedRefused.get((int) n)));
                    }
                }
            }
        }
        return out;
    }

    @Override
    public List<PurgedEvent> purges() throws SQLException {
        List<PurgedEvent> out = new ArrayList<>();
        try (Statement st = central.createStatement(); ResultSet rs = st.executeQuery("SELECT p.seq, p.time, p.payload,"
                + " t.seq, t.type, t.call_id, t.session_id FROM mcp_audit.events p JOIN mcp_audit.events t"
                + " ON t.log_id = p.log_id AND t.seq = CASE WHEN p.payload::json ->> 'seq' ~ '^[0-9]{1,18}$'"
                + " THEN (p.payload::json ->> 'seq')::bigint END"
                + " WHERE p.type = 'payload.purged' AND (t.call_id IN (SELECT call_id FROM " + SCOPE + ")"
                + " OR (t.call_id IS NULL AND t.session_id IN (SELECT session_id FROM " + SCOPE + ")))"
                + " ORDER BY p.time COLLATE \"C\", p.log_id, p.seq")) {
            while (rs.next()) {
                out.add(new PurgedEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                        rs.getString(6), rs.getString(7)));
            }
        }
        return out;
    }

    @Override
    public List<StoredEvent> sessionBoundaries(Collection<String> sessionIds) throws SQLException {
        List<StoredEvent> out = new ArrayList<>();
        if (sessionIds.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = central.prepareStatement("SELECT seq, event_id, type, time, session_id, call_id,"
                + " payload, prev_hash, hash, hash_rule, payload_salt, payload_sha256 FROM mcp_audit.events"
                + " WHERE session_id = ANY (?) AND type IN ('session.started', 'client.initialized', 'session.ended')"
                + " ORDER BY log_id, seq")) {
            ps.setArray(1, central.createArrayOf("text", sessionIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                            rs.getInt(10), rs.getString(11), rs.getString(12)));
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        // the scope table goes with the transaction (ON COMMIT DROP)
    }
}
