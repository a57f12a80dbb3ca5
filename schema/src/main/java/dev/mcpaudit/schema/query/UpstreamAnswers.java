package dev.mcpaudit.schema.query;

import dev.mcpaudit.schema.AuditLog;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A session's recorded server catalogue (its answers to {@code initialize} and {@code tools/list},
 * recorded with {@code --record-results}), and the replays of a session. Read-only.
 */
public final class UpstreamAnswers {
    private UpstreamAnswers() {}

    /**
     * Per profile, the first {@code upstream.initialized} and the first cursor-less
     * {@code tools.listed} that carry a result, in seq order: the answers a fixture export keeps.
     * Later ones (a re-initialised session, the agent listing again) are left out.
     */
    public static List<UpstreamAnswer> firstOf(AuditLog log, String sessionId) throws SQLException {
        String sql = "SELECT CASE type WHEN 'upstream.initialized' THEN ?2 ELSE ?3 END AS method,"
                + " json_extract(payload, '$.profile') AS profile, json_extract(payload, '$.result_sha256') AS result_sha256,"
                + " json_extract(payload, '$.result') AS result"
                + " FROM events WHERE session_id = ?1 AND json_type(payload, '$.result') = 'object'"
                + " AND (type = 'upstream.initialized' OR (type = 'tools.listed' AND json_extract(payload, '$.cursor') IS NULL))"
                + " ORDER BY seq";
        List<UpstreamAnswer> all;
        try (Connection c = log.openReader()) {
            all = Rows.list(c, sql, List.of(sessionId, UpstreamAnswer.INITIALIZE, UpstreamAnswer.TOOLS_LIST),
                    rs -> new UpstreamAnswer(rs.getString("method"), rs.getString("profile"), rs.getString("result_sha256"),
                            rs.getString("result")));
        }
        Set<String> seen = new HashSet<>();
        List<UpstreamAnswer> first = new ArrayList<>();
        for (UpstreamAnswer a : all) {
            if (seen.add(a.method() + "\n" + a.profile())) {
                first.add(a);
            }
        }
        return first;
    }

    /**
     * The newest session whose {@code client.initialized} names {@code sessionId} of log
     * {@code logId} as the session it replays ({@code client_info.replay_of}), or null when none does.
     */
    public static String newestReplayOf(AuditLog log, String logId, String sessionId) throws SQLException {
        String sql = "SELECT session_id FROM events WHERE type = 'client.initialized'"
                + " AND json_extract(payload, '$.client_info.replay_of.log_id') IS ?1"
                + " AND json_extract(payload, '$.client_info.replay_of.session_id') IS ?2"
                + " ORDER BY seq DESC LIMIT 1";
        try (Connection c = log.openReader()) {
            List<String> ids = Rows.list(c, sql, Arrays.asList(logId, sessionId), rs -> rs.getString(1));
            return ids.isEmpty() ? null : ids.get(0);
        }
    }
}
