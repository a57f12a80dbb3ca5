package dev.mcpaudit.proxy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.proxy.audit.AuditRecorder.FailurePolicy;
import dev.mcpaudit.proxy.audit.AuditRecorder.RecordedCall;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.ChainVerifier;
import dev.mcpaudit.schema.redact.RedactionRules;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the recorder writes at the end of a session, on a real log file. */
class AuditRecorderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private AuditRecorder recorder(Path db) {
        AuditRecorder recorder = new AuditRecorder(db, RedactionRules.defaults(), FailurePolicy.CLOSED, -1);
        recorder.start(() -> JSON.createObjectNode().put("proxy_version", "test"));
        return recorder;
    }

    private static CallStart call(int id, String tool) {
        return new CallStart("tools/call", IntNode.valueOf(id), "dev", null, "us-east-1", "aws-mcp", "s-1", tool, null,
                JSON.createObjectNode().put("cli_command", "aws s3 ls"));
    }

    private static List<Map<String, Object>> rows(Path db, String sql) {
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            return log.jdbi().withHandle(h -> h.createQuery(sql).mapToMap().list());
        }
    }

    @Test
    void aCallCancelledByShutdownIsCompletedOnceEvenIfUpstreamAnswersAfterwards() throws Exception {
        Path db = dir.resolve("audit.db");
        AuditRecorder recorder = recorder(db);
        RecordedCall done = recorder.requested(call(1, "fast"));
        recorder.completed(done, Outcome.OK, null, JSON.createObjectNode());
        RecordedCall running = recorder.requested(call(2, "slow"));

        int cancelled = recorder.cancelOpenCalls("mcp-audit-proxy shut down");
        recorder.completed(running, Outcome.OK, null, JSON.createObjectNode()); // upstream's late answer
        recorder.close("SIGTERM", Duration.ofSeconds(1));

        assertThat(cancelled).isEqualTo(1);
        assertThat(rows(db, "SELECT tool, outcome, coalesce(error, '') AS error FROM calls ORDER BY tool")).containsExactly(
                Map.of("tool", "fast", "outcome", "ok", "error", ""),
                Map.of("tool", "slow", "outcome", "cancelled", "error", "mcp-audit-proxy shut down"));
        JsonNode ended = JSON.readTree((String) rows(db, "SELECT payload FROM events WHERE type = 'session.ended'")
                .get(0).get("payload"));
        assertThat(ended.path("ended_by").asText()).isEqualTo("SIGTERM");
        assertThat(ended.path("calls_requested").asInt()).isEqualTo(2);
        assertThat(ended.path("calls_completed").asInt()).isEqualTo(2);
        assertThat(ended.path("calls_cancelled_by_shutdown").asInt()).isEqualTo(1);
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            assertThat(ChainVerifier.verify(log).intact()).isTrue();
        }
    }

    @Test
    void aRecordedResultHidesWhatTheCommandsOperationReturnsInSensitiveMembers() throws Exception {
        Path db = dir.resolve("audit.db");
        AuditRecorder recorder = new AuditRecorder(db, RedactionRules.defaults(), FailurePolicy.CLOSED, 1_000_000);
        recorder.start(() -> JSON.createObjectNode().put("proxy_version", "test"));
        CallStart start = new CallStart("tools/call", IntNode.valueOf(1), "dev", null, "us-east-1", "aws-mcp", "s-1",
                "aws___call_aws", null, JSON.createObjectNode().put("cli_command", "aws ssm get-parameter --name /app/url"));
        ObjectNode result = JSON.createObjectNode();
        result.putArray("content").addObject().put("type", "text")
                .put("text", "{\"Parameter\":{\"Name\":\"/app/url\",\"Type\":\"String\",\"Value\":\"https://internal.example/v7\"}}");

        recorder.completed(recorder.requested(start), Outcome.OK, null, result);
        recorder.close();

        String stored = (String) rows(db, "SELECT payload FROM events WHERE type = 'call.completed'").get(0).get("payload");
        assertThat(stored).doesNotContain("internal.example").contains("[REDACTED:aws-model:").contains("/app/url");
        assertThat(Files.readString(db, StandardCharsets.ISO_8859_1)).doesNotContain("internal.example");
    }

    @Test
    void withNothingOpenShutdownCancelsNothing() throws Exception {
        Path db = dir.resolve("audit.db");
        AuditRecorder recorder = recorder(db);
        recorder.completed(recorder.requested(call(1, "fast")), Outcome.OK, null, JSON.createObjectNode());

        assertThat(recorder.cancelOpenCalls("shut down")).isZero();
        recorder.close();

        assertThat(rows(db, "SELECT outcome FROM calls")).containsExactly(Map.of("outcome", "ok"));
    }

    @Test
    void aRequestIdNoDoubleHoldsIsRecordedDigitForDigitAndLaterCallsAreRecordedToo() throws Exception {
        Path db = dir.resolve("audit.db");
        AuditRecorder recorder = recorder(db);
        String huge = "1" + "0".repeat(400);
        CallStart bigId = new CallStart("tools/call", JSON.readTree(huge), "dev", null, "us-east-1", "aws-mcp", "s-1",
                "fast", null, JSON.createObjectNode());

        recorder.completed(recorder.requested(bigId), Outcome.OK, null, JSON.createObjectNode());
        recorder.rejected(bigId, "not an allowed profile");
        recorder.completed(recorder.requested(call(2, "next")), Outcome.OK, null, JSON.createObjectNode());
        recorder.close();

        assertThat(rows(db, "SELECT json_extract(payload, '$.jsonrpc_id') AS id FROM events"
                + " WHERE type IN ('call.requested', 'call.rejected') ORDER BY seq"))
                .extracting(r -> String.valueOf(r.get("id"))).containsExactly(huge, huge, "2");
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            assertThat(ChainVerifier.verify(log).intact()).isTrue();
        }
    }

    @Test
    void aRefusalTheLogCouldNotTakeAndCanonicalJsonCannotCarryDoesNotBlockLaterEvents() throws Exception {
        Path blocker = dir.resolve("not-yet");
        java.nio.file.Files.writeString(blocker, "a file where the log's directory belongs");
        Path db = blocker.resolve("audit.db");
        AuditRecorder recorder = new AuditRecorder(db, RedactionRules.defaults(), FailurePolicy.OPEN, -1);
        CallStart infinite = new CallStart("tools/call", IntNode.valueOf(1), "admin", null, null, "aws-mcp", null,
                "aws___call_aws", null, JSON.createObjectNode().put("n", Double.POSITIVE_INFINITY));
        recorder.rejected(infinite, "not an allowed profile"); // deferred: the log cannot be opened yet

        java.nio.file.Files.delete(blocker);
        java.nio.file.Files.createDirectory(blocker);
        RecordedCall next = recorder.requested(call(2, "next"));
        recorder.completed(next, Outcome.OK, null, JSON.createObjectNode());
        recorder.close();

        assertThat(next.recorded()).isTrue();
        assertThat(rows(db, "SELECT tool, outcome FROM calls")).containsExactly(Map.of("tool", "next", "outcome", "ok"));
    }

    @Test
    void withRecordResultsUpstreamsInitializeAndToolListAnswersAreRecordedAfterSessionStartedWithTheirHashes()
            throws Exception {
        Path db = dir.resolve("audit.db");
        AuditRecorder recorder = new AuditRecorder(db, RedactionRules.defaults(), FailurePolicy.CLOSED, 65536);
        JsonNode initialize = JSON.readTree("{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},"
                + "\"serverInfo\":{\"name\":\"aws-mcp\",\"version\":\"1.2\"}}");
        JsonNode tools = JSON.readTree("{\"tools\":[{\"name\":\"aws___call_aws\",\"inputSchema\":{\"type\":\"object\"}}]}");

        recorder.upstreamInitialized("dev", "s-1", initialize); // during the agent's initialize, before start
        recorder.start(() -> JSON.createObjectNode().put("proxy_version", "test"));
        recorder.toolsListed("dev", null, tools);
        recorder.close("SIGTERM", Duration.ofSeconds(1));

        assertThat(rows(db, "SELECT type, coalesce(json_extract(payload, '$.profile'), '-') AS profile,"
                + " coalesce(json_extract(payload, '$.result_sha256'), '-') AS sha,"
                + " coalesce(json_extract(payload, '$.result'), '-') AS result FROM events ORDER BY seq")).containsExactly(
                Map.of("type", "session.started", "profile", "-", "sha", "-", "result", "-"),
                Map.of("type", "upstream.initialized", "profile", "dev",
                        "sha", dev.mcpaudit.schema.CanonicalJson.sha256Hex(initialize),
                        "result", dev.mcpaudit.schema.CanonicalJson.canonicalize(initialize)),
                Map.of("type", "tools.listed", "profile", "dev",
                        "sha", dev.mcpaudit.schema.CanonicalJson.sha256Hex(tools),
                        "result", dev.mcpaudit.schema.CanonicalJson.canonicalize(tools)),
                Map.of("type", "session.ended", "profile", "-", "sha", "-", "result", "-"));
    }

    @Test
    void withoutRecordResultsNoServerAnswerIsRecorded() {
        Path db = dir.resolve("audit.db");
        AuditRecorder recorder = recorder(db);

        recorder.upstreamInitialized("dev", "s-1", JSON.createObjectNode().put("protocolVersion", "2025-06-18"));
        recorder.toolsListed("dev", null, JSON.createObjectNode().putArray("tools"));
        recorder.close("SIGTERM", Duration.ofSeconds(1));

        assertThat(rows(db, "SELECT type FROM events ORDER BY seq")).extracting(r -> r.get("type"))
                .containsExactly("session.started", "session.ended");
    }
}
