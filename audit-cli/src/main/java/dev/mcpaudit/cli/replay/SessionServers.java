package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.query.UpstreamAnswer;
import dev.mcpaudit.schema.query.UpstreamAnswers;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A session's server catalogue in the shape of a fixture's {@code servers} section: per profile the
 * first recorded {@code initialize} and cursor-less {@code tools/list} answers, as
 * {@code fixture export} keeps them. Empty when the session was recorded without them.
 */
final class SessionServers {
    /** Numbers as written, as a fixture reads them. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private SessionServers() {}

    static Map<String, Fixture.Server> of(AuditLog log, String sessionId) throws SQLException {
        Map<String, Fixture.Server> servers = new LinkedHashMap<>();
        for (UpstreamAnswer a : UpstreamAnswers.firstOf(log, sessionId)) {
            String profile = a.profile() == null ? "default" : a.profile();
            Fixture.Server s = servers.getOrDefault(profile, new Fixture.Server(null, null, null, null));
            JsonNode result = parse(a.result());
            servers.put(profile, UpstreamAnswer.INITIALIZE.equals(a.method())
                    ? new Fixture.Server(result, a.resultSha256(), s.toolsList(), s.toolsListSha256())
                    : new Fixture.Server(s.initialize(), s.initializeSha256(), result, a.resultSha256()));
        }
        return servers;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the log holds a recorded result that is not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
