package dev.mcpaudit.cli.ship;

import dev.mcpaudit.schema.query.SessionSummary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The proxy sessions of every shipped log, as each log's own session listing has them. Read-only. */
public final class CentralSessionQueries {
    /** A session and the log it is in. */
    public record CentralSession(String logId, SessionSummary session) {}

    private CentralSessionQueries() {}

    /**
     * Sessions active in [{@code since}, {@code until}) (either may be null: open), newest first, at
     * most {@code limit} (0 = all).
     */
    public static List<CentralSession> sessions(Connection central, Instant since, Instant until, int limit)
            throws SQLException {
        String sql = """
                WITH s AS (
                  SELECT log_id, session_id, min(time) AS started_at, max(time) AS ended_at,
                         max(CASE WHEN type = 'session.ended' THEN 1 ELSE 0 END) AS clean_end
                  FROM mcp_audit.events GROUP BY log_id, session_id),
                k AS (
                  SELECT v.*, (v.outcome = 'denied' AND %s) AS refused FROM mcp_audit.calls v),
                c AS (
                  SELECT log_id, session_id, count(*) AS calls,
                         count(*) FILTER (WHERE outcome IN ('error', 'tool_error', 'timeout')) AS errors,
                         count(*) FILTER (WHERE outcome = 'denied') AS denied,
                         count(*) FILTER (WHERE outcome = 'incomplete') AS incomplete,
                         string_agg(DISTINCT profile, ',' ORDER BY profile) FILTER (WHERE NOT refused) AS profiles_used,
                         '[' || string_agg(DISTINCT to_json(profile)::text, ',' ORDER BY to_json(profile)::text)
                             FILTER (WHERE refused) || ']' AS refused_profiles
                  FROM k GROUP BY log_id, session_id)
                SELECT s.log_id, s.session_id, s.started_at, s.ended_at,
                       (SELECT (payload::json -> 'client_info' ->> 'name') || ' ' || coalesce(payload::json -> 'client_info' ->> 'version', '')
                          FROM mcp_audit.events e WHERE e.log_id = s.log_id AND e.session_id = s.session_id AND e.type = 'client.initialized' LIMIT 1) AS client,
                       (SELECT payload::json ->> 'host' FROM mcp_audit.events e
                          WHERE e.log_id = s.log_id AND e.session_id = s.session_id AND e.type = 'session.started' LIMIT 1) AS host,
                       (SELECT payload::json ->> 'os_user' FROM mcp_audit.events e
                          WHERE e.log_id = s.log_id AND e.session_id = s.session_id AND e.type = 'session.started' LIMIT 1) AS os_user,
                       (SELECT payload::json ->> 'ended_by' FROM mcp_audit.events e
                          WHERE e.log_id = s.log_id AND e.session_id = s.session_id AND e.type = 'session.ended' LIMIT 1) AS ended_by,
                       c.profiles_used, c.refused_profiles, coalesce(c.calls, 0) AS calls, coalesce(c.errors, 0) AS errors,
                       coalesce(c.denied, 0) AS denied, coalesce(c.incomplete, 0) AS incomplete, s.clean_end
                FROM s LEFT JOIN c ON c.log_id = s.log_id AND c.session_id = s.session_id
                WHERE (?::text IS NULL OR s.ended_at >= ?) AND (?::text IS NULL OR s.started_at < ?)
                ORDER BY s.started_at DESC, s.log_id""".formatted(CentralCallQueries.REFUSED) + (limit > 0 ? " LIMIT " + limit : "");
        String from = since == null ? null : dev.mcpaudit.schema.EventTime.format(since);
        String to = until == null ? null : dev.mcpaudit.schema.EventTime.format(until);
        List<CentralSession> out = new ArrayList<>();
        try (PreparedStatement ps = central.prepareStatement(sql)) {
            ps.setString(1, from);
            ps.setString(2, from);
            ps.setString(3, to);
            ps.setString(4, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new CentralSession(rs.getString("log_id"), new SessionSummary(rs.getString("session_id"),
                            rs.getString("started_at"), rs.getString("ended_at"), rs.getString("client"),
                            rs.getString("host"), rs.getString("os_user"), rs.getString("profiles_used"),
                            rs.getString("refused_profiles"), rs.getLong("calls"), rs.getLong("errors"),
                            rs.getLong("denied"), rs.getLong("incomplete"), rs.getInt("clean_end") == 1,
                            rs.getString("ended_by"))));
                }
            }
        }
        return out;
    }
}
