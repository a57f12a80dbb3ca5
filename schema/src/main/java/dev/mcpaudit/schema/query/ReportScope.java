package dev.mcpaudit.schema.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventTime;
import dev.mcpaudit.schema.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The calls of a compliance report's scope, read with a fixed number of statements whatever the size
 * of the log: one pass over {@code events} puts the calls in scope (one small row each) into a
 * temporary in-memory table of this connection; {@link #groups()} aggregates them with one GROUP BY;
 * the listings and details are fetched by primary key or index. The database file is opened
 * read-only and never written.
 *
 * <p>A call's outcome is the {@code calls} view's ({@link CallOutcome#sqlOf}); the rows are the
 * view's rows for the scope, read straight from {@code events} so that the filter runs before the
 * join to the completions and a scope without a time range scans the table in order instead of
 * through an index.
 */
public final class ReportScope implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCOPE_TABLE = "temp.report_calls";
    private static final long MMAP_SIZE = 1L << 31;

    private final Connection c;

    private ReportScope(Connection c) {
        this.c = c;
    }

    /** Reads the calls {@code filter} selects by profile, account, session, since and until (its other fields are not used). */
    public static ReportScope open(AuditLog log, CallFilter filter) throws SQLException {
        Connection c = log.openReader();
        try {
            try (Statement st = c.createStatement()) {
                // Reading through the OS page cache instead of SQLite's small private cache halves a full scan.
                st.execute("PRAGMA mmap_size = " + MMAP_SIZE);
                // The scope table lives in this connection's memory; the database file is never written.
                st.execute("PRAGMA temp_store = MEMORY");
                // Room for the GROUP BY's sort to stay in memory.
                st.execute("PRAGMA cache_size = -131072");
            }
            createScopeTable(c, filter);
            return new ReportScope(c);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The calls in scope grouped by profile, account, tool, command, outcome, hour and session. */
    public List<CallGroup> groups() throws SQLException {
        return Rows.list(c, "SELECT profile, refused, account_id, tool, c, outcome, substr(started_at, 1, 13) AS hour,"
                + " session_id, count(*) AS n, min(started_at) AS first, max(started_at) AS last FROM " + SCOPE_TABLE
                + " GROUP BY profile, refused, account_id, tool, c, outcome, hour, session_id", List.of(),
                rs -> new CallGroup(rs.getString("profile"), rs.getInt("refused") == 1, rs.getString("account_id"),
                        rs.getString("tool"), rs.getString("c"), rs.getString("outcome"), rs.getString("hour"),
                        rs.getString("session_id"), rs.getLong("n"), rs.getString("first"), rs.getString("last")));
    }

    /**
     * The calls in scope per minute and outcome ({@code minute}: the stored start time cut to the
     * minute, {@code 2026-11-26T14:05}), for a timeline finer than the hours of {@link #groups()}.
     */
    public List<MinuteCount> perMinute() throws SQLException {
        return Rows.list(c, "SELECT substr(started_at, 1, 16) AS minute, outcome, count(*) AS n FROM " + SCOPE_TABLE
                + " GROUP BY minute, outcome", List.of(),
                rs -> new MinuteCount(rs.getString("minute"), rs.getString("outcome"), rs.getLong("n")));
    }

    /** {@code calls} calls with {@code outcome} started in {@code minute} ({@code 2026-11-26T14:05}). */
    public record MinuteCount(String minute, String outcome, long calls) {}

    /** The first {@code max} denied calls, oldest first, by the seq of their call.rejected event. */
    public List<Long> deniedSeqs(int max) throws SQLException {
        return seqs("SELECT seq FROM " + SCOPE_TABLE + " WHERE outcome = '" + CallOutcome.DENIED.wireName() + "'"
                + " ORDER BY started_at, seq LIMIT " + max, List.of());
    }

    /**
     * The first {@code max} calls sent upstream (not denied), oldest first, whose tool is one of
     * {@code tools} or whose command ({@link CallGroup#command()}) is one of {@code commands}, by the seq
     * of their call.requested event.
     */
    public List<Long> sentSeqs(Collection<String> tools, Collection<String> commands, int max) throws SQLException {
        return seqs("SELECT seq FROM " + SCOPE_TABLE + " WHERE outcome <> '" + CallOutcome.DENIED.wireName() + "'"
                + " AND (tool IN (SELECT value FROM json_each(?)) OR c IN (SELECT value FROM json_each(?)))"
                + " ORDER BY started_at, seq LIMIT " + max, List.of(jsonArray(tools), jsonArray(commands)));
    }

    /** The calls whose call.requested or call.rejected event has these seq (each a primary-key lookup), in any order. */
    public List<ListedCall> calls(Collection<Long> seqs) throws SQLException {
        if (seqs.isEmpty()) {
            return List.of();
        }
        ArrayNode array = JSON.createArrayNode();
        seqs.forEach(array::add);
        return Rows.list(c, "SELECT r.seq AS seq, r.call_id AS call_id, r.session_id AS session_id,"
                + " r.time AS started_at, json_extract(r.payload, '$.profile') AS profile,"
                + " json_extract(r.payload, '$.account_id') AS account_id, json_extract(r.payload, '$.region') AS region,"
                + " json_extract(r.payload, '$.tool') AS tool, json_extract(r.payload, '$.args') AS args,"
                + " " + CallOutcome.sqlOf("r", "x") + " AS outcome,"
                + " CASE WHEN r.type = 'call.rejected' THEN json_extract(r.payload, '$.reason')"
                + " ELSE json_extract(x.payload, '$.error') END AS error,"
                + " r.type = 'call.rejected' AND " + RefusedProfiles.refused("json_extract(r.payload, '$.profile')",
                        "r.session_id", "json_extract(r.payload, '$.account_source')") + " AS refused"
                + " FROM events r LEFT JOIN events x ON x.call_id = r.call_id AND x.type = 'call.completed'"
                + " AND r.type = 'call.requested' WHERE r.seq IN (SELECT value FROM json_each(?))",
                List.of(array.toString()), rs -> new ListedCall(rs.getLong("seq"), rs.getString("call_id"),
                        rs.getString("session_id"), rs.getString("started_at"), rs.getString("profile"),
                        rs.getString("account_id"), rs.getString("region"), rs.getString("tool"), rs.getString("args"),
                        rs.getString("outcome"), rs.getString("error"), rs.getInt("refused") == 1));
    }

    /**
     * The payloads purged from events of the calls in scope (and from their sessions' other events),
     * oldest purge first: few rows, found through the type index.
     */
    public List<PurgedEvent> purges() throws SQLException {
        return Rows.list(c, "SELECT p.seq AS purge_seq, p.time AS time, p.payload AS payload,"
                + " t.seq AS seq, t.type AS type, t.call_id AS call_id FROM events p"
                + " JOIN events t ON t.seq = json_extract(p.payload, '$.seq')"
                + " WHERE p.type = 'payload.purged' AND (t.call_id IN (SELECT call_id FROM " + SCOPE_TABLE + ")"
                + " OR (t.call_id IS NULL AND t.session_id IN (SELECT session_id FROM " + SCOPE_TABLE + ")))"
                + " ORDER BY p.seq", List.of(), rs -> new PurgedEvent(rs.getLong("purge_seq"), rs.getString("time"),
                        rs.getString("payload"), rs.getLong("seq"), rs.getString("type"), rs.getString("call_id")));
    }

    /** The session.started, client.initialized and session.ended events of these sessions, in seq order. */
    public List<StoredEvent> sessionBoundaries(Collection<String> sessionIds) throws SQLException {
        if (sessionIds.isEmpty()) {
            return List.of();
        }
        return Rows.list(c, "SELECT seq, event_id, type, time, session_id, call_id, payload, prev_hash, hash, hash_rule,"
                + " payload_salt, payload_sha256 FROM events WHERE session_id IN (SELECT value FROM json_each(?))"
                + " AND type IN ('session.started', 'client.initialized', 'session.ended') ORDER BY seq", List.of(jsonArray(sessionIds)),
                EventRange::storedEvent);
    }

    @Override
    public void close() throws SQLException {
        c.close();
    }

    private List<Long> seqs(String sql, List<Object> params) throws SQLException {
        return Rows.list(c, sql, params, rs -> rs.getLong(1));
    }

    private static String jsonArray(Collection<String> values) {
        ArrayNode array = JSON.createArrayNode();
        values.forEach(array::add);
        return array.toString();
    }

    /** One pass over the log: every call in scope, one row each, with what the report groups by. */
    private static void createScopeTable(Connection c, CallFilter filter) throws SQLException {
        List<Object> params = new ArrayList<>();
        String requested = scopeWhere(filter, "r", false, params);
        String rejected = scopeWhere(filter, "j", true, params);
        boolean ranged = filter.since() != null || filter.until() != null || filter.session() != null;
        String sql = "CREATE TEMP TABLE " + SCOPE_TABLE + " AS"
                + " SELECT r.seq AS seq, r.call_id AS call_id, r.session_id AS session_id, r.time AS started_at,"
                + " json_extract(r.payload, '$.profile') AS profile, 0 AS refused,"
                + " json_extract(r.payload, '$.account_id') AS account_id,"
                + " json_extract(r.payload, '$.tool') AS tool,"
                + " CASE WHEN json_extract(r.payload, '$.tool') = '" + AwsTools.CALL_AWS + "'"
                + " THEN ltrim(" + command("r") + ") END AS c,"
                + " " + CallOutcome.sqlOfRequested("x") + " AS outcome"
                + " FROM events r LEFT JOIN events x ON x.call_id = r.call_id AND x.type = 'call.completed'"
                // "+": a scan without a range reads the table in order rather than through the type index
                + " WHERE " + (ranged ? "" : "+") + "r.type = 'call.requested'" + requested
                + " UNION ALL"
                + " SELECT j.seq, j.call_id, j.session_id, j.time, json_extract(j.payload, '$.profile'),"
                + " " + refused("j") + ","
                + " json_extract(j.payload, '$.account_id'), json_extract(j.payload, '$.tool'),"
                + " CASE WHEN json_extract(j.payload, '$.tool') = '" + AwsTools.CALL_AWS + "'"
                + " THEN ltrim(" + command("j") + ") END, '" + CallOutcome.DENIED.wireName() + "'"
                + " FROM events j WHERE j.type = 'call.rejected'" + rejected;
        try (PreparedStatement st = c.prepareStatement(sql)) {
            Rows.bind(st, params);
            st.executeUpdate();
        }
    }

    /**
     * The {@code cli_command} of event alias {@code e}; when a purge replaced the whole arguments, their
     * marker text. Evaluated past the first only then.
     */
    private static String command(String e) {
        return "coalesce(json_extract(" + e + ".payload, '$.args.cli_command'), CASE WHEN json_type(" + e
                + ".payload, '$.args') = 'text' THEN json_extract(" + e + ".payload, '$.args') END)";
    }

    /** Whether the call.rejected event of alias {@code e} asked for a refused aws_profile value ({@link RefusedProfiles}). */
    private static String refused(String e) {
        return RefusedProfiles.refused("json_extract(" + e + ".payload, '$.profile')", e + ".session_id",
                "json_extract(" + e + ".payload, '$.account_source')");
    }

    /**
     * The scope as " AND …" clauses on event alias {@code e}, as {@link CallFilter#where} puts them on
     * the view. For {@code rejections} (call.rejected events) a profile scope also takes the refused
     * values that differ from the profile only in case or surrounding whitespace: an attempt at
     * {@code "PROD"} or {@code "prod "} is an attempt at {@code prod}, and a reviewer of prod must see it.
     */
    private static String scopeWhere(CallFilter filter, String e, boolean rejections, List<Object> params) {
        StringBuilder b = new StringBuilder();
        if (filter.profile() != null && rejections) {
            String profile = "json_extract(" + e + ".payload, '$.profile')";
            b.append(" AND (").append(profile).append(" = ? OR (").append(RefusedProfiles.lookAlike(profile))
                    .append(" AND ").append(refused(e)).append("))");
            params.add(filter.profile());
            params.add(filter.profile());
        } else if (filter.profile() != null) {
            payloadField(b, e, "profile", filter.profile(), params);
        }
        if (filter.account() != null) {
            payloadField(b, e, "account_id", filter.account(), params);
        }
        if (filter.session() != null) {
            b.append(" AND ").append(e).append(".session_id = ?");
            params.add(filter.session());
        }
        if (filter.since() != null) {
            b.append(" AND ").append(e).append(".time >= ?");
            params.add(EventTime.format(filter.since()));
        }
        if (filter.until() != null) {
            b.append(" AND ").append(e).append(".time < ?");
            params.add(EventTime.format(filter.until()));
        }
        return b.toString();
    }

    /**
     * {@code AND json_extract(payload, '$.field') = value}, preceded by a plain substring test that
     * rules out most other rows without parsing them: a stored payload is canonical JSON (no
     * whitespace), so a top-level {@code "field":"value"} is in its text verbatim whenever the value
     * needs no escaping. The JSON test still decides (the text may sit in a nested object).
     */
    private static void payloadField(StringBuilder b, String e, String field, String value, List<Object> params) {
        if (value.chars().noneMatch(ch -> ch == '"' || ch == '\\' || ch < 0x20)) {
            b.append(" AND instr(").append(e).append(".payload, ?) > 0");
            params.add("\"" + field + "\":\"" + value + "\"");
        }
        b.append(" AND json_extract(").append(e).append(".payload, '$.").append(field).append("') = ?");
        params.add(value);
    }
}
