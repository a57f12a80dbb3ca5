package dev.mcpaudit.cli.ship;

import dev.mcpaudit.schema.query.CallFilter;
import dev.mcpaudit.schema.query.CallRecord;
import dev.mcpaudit.schema.query.WriteClassifier;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The calls of every shipped log, from {@code mcp_audit.calls}: the same rows, by the same rules, as
 * each log's own {@code calls} view, with the log each came from. Read-only.
 */
public final class CentralCallQueries {
    /**
     * Whether a denied call's {@code profile} is a refused {@code aws_profile} value rather than a
     * profile: the rule of the local queries (RefusedProfiles, FORMAT.md), within the call's own log.
     */
    static final String REFUSED = "coalesce((SELECT v.profile NOT IN (SELECT json_array_elements_text(s.payload::json"
            + " -> 'profiles')) FROM mcp_audit.events s WHERE s.log_id = v.log_id AND s.session_id = v.session_id"
            + " AND s.type = 'session.started' AND json_typeof(s.payload::json -> 'profiles') = 'array' LIMIT 1),"
            + " v.account_source IS NULL)";

    /** A call and the log it is in. */
    public record CentralCall(String logId, CallRecord call) {}

    private final Connection central;
    private final WriteClassifier classifier;

    public CentralCallQueries(Connection central, WriteClassifier classifier) {
        this.central = central;
        this.classifier = classifier;
    }

    /** Calls matching the filter across every log, newest first, at most {@code limit} (0 = all). */
    public List<CentralCall> calls(CallFilter filter, int limit) throws SQLException {
        List<Object> params = new ArrayList<>();
        String where = where(filter, params);
        // --writes is decided in Java by the same classifier as for a local log, so the limit comes after it.
        String sql = "SELECT v.*, CASE WHEN v.outcome = 'denied' AND " + REFUSED + " THEN 1 ELSE 0 END AS profile_refused"
                + " FROM mcp_audit.calls v" + where + " ORDER BY v.started_at DESC, v.call_id DESC, v.log_id"
                + (limit > 0 && !filter.writes() ? " LIMIT " + limit : "");
        List<CentralCall> out = new ArrayList<>();
        boolean autoCommit = central.getAutoCommit();
        central.setAutoCommit(false); // stream with a cursor
        try (PreparedStatement ps = central.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            ps.setFetchSize(2000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && (limit == 0 || out.size() < limit)) {
                    CallRecord c = callRecord(rs);
                    if (!filter.writes() || classifier.isWrite(c.tool(), c.args())) {
                        out.add(new CentralCall(rs.getString("log_id"), c));
                    }
                }
            }
        } finally {
            central.rollback();
            central.setAutoCommit(autoCommit);
        }
        return out;
    }

    /** " WHERE …" over the view's columns, as CallFilter's own over a local log's. */
    static String where(CallFilter f, List<Object> params) {
        List<String> clauses = new ArrayList<>();
        add(clauses, params, "v.profile = ?", f.profile());
        add(clauses, params, "v.account_id = ?", f.account());
        if (f.tool() != null) {
            boolean glob = f.tool().indexOf('*') >= 0 || f.tool().indexOf('?') >= 0;
            add(clauses, params, glob ? "v.tool ~ ?" : "v.tool = ?", glob ? globToRegex(f.tool()) : f.tool());
        }
        add(clauses, params, "v.session_id = ?", f.session());
        add(clauses, params, "v.outcome = ?", f.outcome());
        add(clauses, params, "v.event_time >= ?", f.since() == null ? null : f.since().atOffset(ZoneOffset.UTC));
        add(clauses, params, "v.event_time < ?", f.until() == null ? null : f.until().atOffset(ZoneOffset.UTC));
        return clauses.isEmpty() ? "" : " WHERE " + String.join(" AND ", clauses);
    }

    /** SQLite's GLOB ({@code *}, {@code ?}, {@code [...]}; case-sensitive) as an anchored POSIX regex. */
    static String globToRegex(String glob) {
        StringBuilder re = new StringBuilder("^");
        boolean inClass = false;
        for (char c : glob.toCharArray()) {
            if (inClass) {
                re.append(c == '\\' ? "\\\\" : String.valueOf(c));
                inClass = c != ']';
            } else if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else if (c == '[') {
                re.append('[');
                inClass = true;
            } else if ("\\.^$+(){}|]".indexOf(c) >= 0) {
                re.append('\\').append(c);
            } else {
                re.append(c);
            }
        }
        return re.append('$').toString();
    }

    private static void add(List<String> clauses, List<Object> params, String clause, Object value) {
        if (value != null) {
            clauses.add(clause);
            params.add(value);
        }
    }

    /** The sessions whose id starts with {@code prefix}, across logs, at most {@code max}. */
    public List<String> sessionIdsStartingWith(String prefix, int max) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = central.prepareStatement("SELECT DISTINCT session_id FROM mcp_audit.events"
                + " WHERE session_id >= ? AND session_id < ? ORDER BY session_id LIMIT " + max)) {
            ps.setString(1, prefix);
            ps.setString(2, prefix + "\uffff");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    private static CallRecord callRecord(ResultSet rs) throws SQLException {
        BigDecimal duration = rs.getBigDecimal("duration_ms");
        return new CallRecord(rs.getString("call_id"), rs.getString("session_id"), rs.getString("started_at"),
                rs.getString("ended_at"), number(duration), rs.getString("profile"), rs.getString("account_id"),
                rs.getString("account_source"), rs.getString("region"), rs.getString("service"), rs.getString("tool"),
                rs.getString("args"), rs.getString("args_fingerprint"), rs.getString("outcome"), rs.getString("error"),
                rs.getString("result_sha256"), rs.getString("result"), rs.getInt("profile_refused") == 1);
    }

    /** A duration as the local view gives it: an integer when it is one, else a double. */
    private static Number number(BigDecimal d) {
        if (d == null) {
            return null;
        }
        try {
            return d.longValueExact();
        } catch (ArithmeticException notWhole) {
            return d.doubleValue();
        }
    }
}
