package dev.mcpaudit.schema.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpstreamAnswersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void keepsTheFirstInitializeAndTheFirstCursorlessToolsListPerProfile() throws Exception {
        try (AuditLog log = AuditLog.openForAppend(dir.resolve("audit.db"))) {
            append(log, EventType.UPSTREAM_INITIALIZED, "s-1", answer("dev", "v1"));
            append(log, EventType.TOOLS_LISTED, "s-1", answer("dev", "page-2").put("cursor", "c1"));
            append(log, EventType.TOOLS_LISTED, "s-1", answer("dev", "list-1").putNull("cursor"));
            append(log, EventType.UPSTREAM_INITIALIZED, "s-1", answer("dev", "v2")); // upstream forgot the session
            append(log, EventType.UPSTREAM_INITIALIZED, "s-1", answer("prod", "p1"));
            append(log, EventType.TOOLS_LISTED, "s-1", answer("dev", "list-2").putNull("cursor"));
            append(log, EventType.UPSTREAM_INITIALIZED, "s-2", answer("dev", "other session"));

            assertThat(UpstreamAnswers.firstOf(log, "s-1"))
                    .extracting(UpstreamAnswer::method, UpstreamAnswer::profile, UpstreamAnswer::result)
                    .containsExactly(tuple("initialize", "dev", "{\"v\":\"v1\"}"),
                            tuple("tools/list", "dev", "{\"v\":\"list-1\"}"),
                            tuple("initialize", "prod", "{\"v\":\"p1\"}"));
        }
    }

    @Test
    void findsTheNewestSessionThatReplaysASource() throws Exception {
        try (AuditLog log = AuditLog.openForAppend(dir.resolve("audit.db"))) {
            append(log, EventType.CLIENT_INITIALIZED, "r-1", replayOf("log-1", "sess-1"));
            append(log, EventType.CLIENT_INITIALIZED, "r-2", replayOf("log-1", "sess-1"));
            append(log, EventType.CLIENT_INITIALIZED, "r-3", replayOf("log-1", "sess-other"));

            assertThat(UpstreamAnswers.newestReplayOf(log, "log-1", "sess-1")).isEqualTo("r-2");
            assertThat(UpstreamAnswers.newestReplayOf(log, "log-2", "sess-1")).isNull();
        }
    }

    private static ObjectNode answer(String profile, String marker) {
        ObjectNode p = JSON.createObjectNode().put("profile", profile).putNull("upstream_session_id").put("result_sha256", "0".repeat(64));
        p.putObject("result").put("v", marker);
        return p;
    }

    private static ObjectNode replayOf(String logId, String sessionId) {
        ObjectNode p = JSON.createObjectNode();
        ObjectNode info = p.putObject("client_info").put("name", "audit-cli replay");
        info.putObject("replay_of").put("log_id", logId).put("session_id", sessionId);
        return p;
    }

    private static void append(AuditLog log, EventType type, String session, ObjectNode payload) {
        log.appender().append(new NewEvent(type, AT, session, null, payload));
    }
}
