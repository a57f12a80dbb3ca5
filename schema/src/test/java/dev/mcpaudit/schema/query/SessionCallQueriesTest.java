package dev.mcpaudit.schema.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One session's calls as {@code audit-cli diff} reads them: in order, with method, target and outcome. */
class SessionCallQueriesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final String SESSION = "0b6c3a1e-0000-7000-8000-000000000001";
    private static final String OTHER = "0b6c9999-0000-7000-8000-000000000002";

    @TempDir
    Path dir;

    @Test
    void listsOneSessionsCallsInSeqOrderWithTheirEndings() throws Exception {
        try (AuditLog log = AuditLog.openForAppend(dir.resolve("audit.db"))) {
            ObjectNode ls = requested("tools/call", "dev").put("tool", "aws___call_aws");
            ls.putObject("args").put("cli_command", "aws s3 ls");
            append(log, EventType.CALL_REQUESTED, 0, SESSION, "c-1", ls);
            ObjectNode read = requested("resources/read", "dev").put("target", "aws://docs/readme");
            append(log, EventType.CALL_REQUESTED, 1, SESSION, "c-2", read);
            ObjectNode completed = JSON.createObjectNode().put("outcome", "ok").put("duration_ms", 3).put("result_sha256", "ab".repeat(32));
            completed.putObject("result").put("text", "listing");
            append(log, EventType.CALL_COMPLETED, 2, SESSION, "c-1", completed);
            append(log, EventType.CALL_REQUESTED, 3, OTHER, "c-3", requested("tools/call", "dev").put("tool", "aws___call_aws"));
            append(log, EventType.CALL_REJECTED, 4, SESSION, "c-4",
                    requested("tools/call", "admin").put("tool", "aws___call_aws").put("reason", "profile 'admin' is not allowed"));

            SessionCallQueries queries = new SessionCallQueries(log);
            List<SessionCall> calls = queries.callsOf(SESSION);

            assertThat(calls).extracting(SessionCall::callId).containsExactly("c-1", "c-2", "c-4");
            assertThat(calls.get(0).seq()).isLessThan(calls.get(1).seq());
            assertThat(calls.get(0).method()).isEqualTo("tools/call");
            assertThat(calls.get(0).args()).isEqualTo("{\"cli_command\":\"aws s3 ls\"}");
            assertThat(calls.get(0).outcome()).isEqualTo("ok");
            assertThat(calls.get(0).result()).isEqualTo("{\"text\":\"listing\"}");
            assertThat(calls.get(0).resultSha256()).isEqualTo("ab".repeat(32));
            assertThat(calls.get(1).target()).isEqualTo("aws://docs/readme");
            assertThat(calls.get(1).outcome()).isEqualTo("incomplete");
            assertThat(calls.get(2).outcome()).isEqualTo("denied");
            assertThat(calls.get(2).error()).isEqualTo("profile 'admin' is not allowed");
            assertThat(queries.sessionIdsStartingWith("0b6c", 2)).containsExactly(SESSION, OTHER);
            assertThat(queries.sessionIdsStartingWith("0b6c3", 2)).containsExactly(SESSION);
            assertThat(queries.sessionIdsStartingWith("ffff", 2)).isEmpty();
        }
    }

    private static ObjectNode requested(String method, String profile) {
        return JSON.createObjectNode().put("method", method).put("jsonrpc_id", 1).put("profile", profile)
                .put("account_id", "111122223333").put("account_source", "sts").put("region", "us-east-1").put("service", "aws-mcp");
    }

    private static void append(AuditLog log, EventType type, int second, String session, String callId, ObjectNode payload) {
        log.appender().append(new NewEvent(type, T0.plusSeconds(second), session, callId, payload));
    }
}
