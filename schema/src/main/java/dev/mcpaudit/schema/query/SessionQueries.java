package dev.mcpaudit.schema.query;

import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventTime;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** The proxy sessions of an audit log. Read-only. */
public final class SessionQueries {
    private SessionQueries() {}

    /**
     * Sessions active in [{@code since}, {@code until}) (either may be null: open), newest first, at
     * most {@code limit} (0 = all).
     */
    public static List<SessionSummary> sessions(AuditLog log, Instant since, Instant until, int limit)
            throws SQLException {
        String refused = "(v.outcome = 'denied' AND " + RefusedProfiles.refused("v.profile", "v.session_id", "v.account_source") + ")";
        String sql = """
                WITH s AS (
                  SELECT session_id, min(time) AS started_at, max(time) AS ended_at,
                         max(CASE WHEN type = 'session.ended' THEN 1 ELSE 0 END) AS clean_end
                  FROM events GROUP BY session_id),
                k AS (
                  SELECT v.*, %s AS refused FROM calls v),
                c AS (
                  SELECT session_id, count(*) AS calls,
                         sum(outcome IN ('error', 'tool_error', 'timeout')) AS errors,
                         sum(outcome = 'denied') AS denied, sum(outcome = 'incomplete') AS incomplete,
                         group_concat(DISTINCT CASE WHEN NOT refused THEN profile END) AS profiles_used
                  FROM k GROUP BY session_id),
                r AS (
                  SELECT session_id, json_group_array(profile) AS refused_profiles
                  FROM (SELECT DISTINCT session_id, profile FROM k WHERE refused ORDER BY profile) GROUP BY session_id)
                SELECT s.session_id, s.started_at, s.ended_at,
                       (SELECT json_extract(payload, '$.client_info.name') || ' ' || coalesce(json_extract(payload, '$.client_info.version'), '')
                          FROM events WHERE session_id = s.session_id AND type = 'client.initialized' LIMIT 1) AS client,
                       (SELECT json_extract(payload, '$.host') FROM events WHERE session_id = s.session_id AND type = 'session.started' LIMIT 1) AS host,
                       (SELECT json_extract(payload, '$.os_user') FROM events WHERE session_id = s.session_id AND type = 'session.started' LIMIT 1) AS os_user,
                       (SELECT json_extract(payload, '$.ended_by') FROM events WHERE session_id = s.session_id AND type = 'session.ended' LIMIT 1) AS ended_by,
                       c.profiles_used, r.refused_profiles, coalesce(c.calls, 0) AS calls, coalesce(c.errors, 0) AS errors,
                       coalesce(c.denied, 0) AS denied, coalesce(c.incomplete, 0) AS incomplete, s.clean_end
                FROM s LEFT JOIN c ON c.session_id = s.session_id LEFT JOIN r ON r.session_id = s.session_id
                WHERE (?1 IS NULL OR s.ended_at >= ?1) AND (?2 IS NULL OR s.started_at < ?2)
                ORDER BY s.started_at DESC""".formatted(refused) + (limit > 0 ? " LIMIT " + limit : "");
        try (Connection c = log.openReader()) {
            return Rows.list(c, sql, Arrays.asList(since == null ? null : EventTime.format(since),
                    until == null ? null : EventTime.format(until)), rs -> new SessionSummary(rs.getString("session_id"),
                    rs.getString("started_at"), rs.getString("ended_at"), rs.getString("client"), rs.getString("host"),
                    rs.getString("os_user"), rs.getString("profiles_used"), rs.getString("refused_profiles"), rs.getLong("calls"),
                    rs.getLong("errors"), rs.getLong("denied"), rs.getLong("incomplete"), rs.getInt("clean_end") == 1,
                    rs.getString("ended_by")));
        }
    }
}
