package dev.mcpaudit.schema.redact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.CallContext;
import dev.mcpaudit.schema.CanonicalJson;
import dev.mcpaudit.schema.ChainVerifier;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import dev.mcpaudit.schema.redact.SecretShapesCorpusTest.Kind;
import dev.mcpaudit.schema.redact.SecretShapesCorpusTest.Plant;
import dev.mcpaudit.schema.redact.SecretShapesCorpusTest.Shape;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: a call event's payload goes through the redactor once, in the appender, and the log
 * stores the same bytes as when the proxy's recorder redacted the arguments (or the result, knowing
 * its call) and the appender then redacted the whole payload again.
 *
 * <p>The old path is rebuilt here from {@link Redactor}'s public methods exactly as the recorder and
 * the appender used them, with the log's own fingerprint key; the new path is a real append of the
 * raw payload with its {@link CallContext}. Same canonical payload bytes means the same
 * {@code payload_sha256} and event hash for the same event id, time and salt.
 */
class OncePerEventRedactionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** What the proxy stored before: the recorder's redaction of the arguments, then the appender's of the payload. */
    private static String oldRequested(Redactor r, ObjectNode envelope, String tool, JsonNode args) {
        ObjectNode p = envelope.deepCopy();
        if (tool != null) {
            p.put("tool", tool);
        }
        JsonNode redacted = tool != null ? r.redactArguments(tool, args).value() : r.redact(args).value();
        p.set("args", redacted);
        p.put("args_fingerprint", CanonicalJson.sha256Hex(redacted));
        return CanonicalJson.canonicalize(r.redactPayload(p).value());
    }

    /** What the proxy stored before: the recorder's redaction of the result knowing the call, cut, then the appender's. */
    private static String oldCompleted(Redactor r, String tool, JsonNode args, JsonNode result, int cap) {
        ObjectNode p = JSON.createObjectNode().put("outcome", "ok").put("duration_ms", 12.5)
                .put("result_sha256", CanonicalJson.sha256Hex(result));
        JsonNode redacted = r.redactResult(tool, args, result).value();
        byte[] bytes = CanonicalJson.canonicalize(redacted).getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= cap) {
            p.set("result", redacted);
        } else {
            String kept = new String(bytes, 0, cap, StandardCharsets.UTF_8);
            if (!kept.isEmpty() && kept.charAt(kept.length() - 1) == '\uFFFD') {
                kept = kept.substring(0, kept.length() - 1);
            }
            p.put("result", kept).put("result_truncated", true).put("result_bytes", bytes.length);
        }
        return CanonicalJson.canonicalize(r.redactPayload(p).value());
    }

    private static ObjectNode newRequested(ObjectNode envelope, String tool, JsonNode args) {
        ObjectNode p = envelope.deepCopy();
        if (tool != null) {
            p.put("tool", tool);
        }
        return p.set("args", args);
    }

    private static ObjectNode newCompleted(JsonNode result) {
        ObjectNode p = JSON.createObjectNode().put("outcome", "ok").put("duration_ms", 12.5)
                .put("result_sha256", CanonicalJson.sha256Hex(result));
        return p.set("result", result);
    }

    /** One case: the bytes the old path stored, and the raw event the new path appends. */
    private record Case(String name, String expected, NewEvent event) {}

    @Test
    void everySecretShapeIsStoredAsTheTwoPassPathStoredIt() {
        Path db = dir.resolve("audit.db");
        List<Case> cases = new ArrayList<>();
        try (AuditLog log = AuditLog.openForAppend(db, Duration.ofSeconds(5), RedactionRules.defaults())) {
            Redactor old = new Redactor(RedactionRules.defaults(), FingerprintKey.loadOrCreate(db));
            ObjectNode envelope = JSON.createObjectNode().put("method", "tools/call").put("jsonrpc_id", 7)
                    .put("profile", "prod").put("region", "eu-west-1").put("upstream_session_id", "u-1");
            for (Shape shape : SecretShapesCorpusTest.SHAPES) {
                String input = shape.input().apply(new Plant());
                switch (shape.kind()) {
                    case CLI, SCRIPT, ARGS -> {
                        String tool = shape.kind() == Kind.CLI ? "aws___call_aws"
                                : shape.kind() == Kind.SCRIPT ? "aws___run_script" : "settings___put";
                        JsonNode args = shape.kind() == Kind.CLI ? JSON.createObjectNode().put("cli_command", input)
                                : shape.kind() == Kind.SCRIPT ? JSON.createObjectNode().put("script", input) : json(input);
                        cases.add(new Case(shape.name(), oldRequested(old, envelope, tool, args), NewEvent.now(
                                EventType.CALL_REQUESTED, "s", "c", newRequested(envelope, tool, args), CallContext.arguments())));
                    }
                    case RESULT_TEXT, RESULT_STRUCTURED -> {
                        ObjectNode result = JSON.createObjectNode();
                        if (shape.kind() == Kind.RESULT_TEXT) {
                            result.putArray("content").addObject().put("type", "text").put("text", input);
                        } else {
                            result.putArray("content").addObject().put("type", "text").put("text", "ok");
                            result.set("structuredContent", json(input));
                        }
                        for (String command : List.of("aws ec2 describe-instances", "aws ssm get-parameters --names a b",
                                "aws lambda get-function-configuration --function-name api")) {
                            JsonNode args = JSON.createObjectNode().put("cli_command", command);
                            cases.add(new Case(shape.name() + " / " + command,
                                    oldCompleted(old, "aws___call_aws", args, result, 65536),
                                    NewEvent.now(EventType.CALL_COMPLETED, "s", "c", newCompleted(result),
                                            CallContext.resultOf("aws___call_aws", args, 65536))));
                        }
                    }
                }
            }
            // Arguments without a tool (a resource read), and arguments that are not an object.
            JsonNode resourceArgs = JSON.createObjectNode().put("uri", "file:///x").put("password", "pw-123456");
            cases.add(new Case("no tool", oldRequested(old, envelope, null, resourceArgs), NewEvent.now(
                    EventType.CALL_REQUESTED, "s", "c", newRequested(envelope, null, resourceArgs), CallContext.arguments())));
            JsonNode arrayArgs = JSON.createArrayNode().add("--password").add("pw-abcdef").add("--region").add("eu-west-1");
            cases.add(new Case("array arguments", oldRequested(old, envelope, "aws___call_aws", arrayArgs), NewEvent.now(
                    EventType.CALL_REQUESTED, "s", "c", newRequested(envelope, "aws___call_aws", arrayArgs), CallContext.arguments())));

            List<CompletableFuture<?>> appended = new ArrayList<>();
            for (Case c : cases) {
                appended.add(log.appender().appendAsync(c.event()));
            }
            appended.forEach(CompletableFuture::join);
        }
        assertThat(cases).hasSizeGreaterThan(80);
        assertThat(stored(db)).containsExactlyElementsOf(cases.stream().map(Case::expected).toList());
    }

    @Test
    void aResultCutAtAnyByteIsStoredAsTheTwoPassPathStoredIt() {
        Path db = dir.resolve("audit.db");
        JsonNode args = JSON.createObjectNode().put("cli_command", "aws lambda get-function-configuration --function-name api");
        ObjectNode result = JSON.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text",
                "{\"FunctionName\":\"api\",\"Environment\":{\"Variables\":{\"DB_HOST\":\"db.internal\","
                        + "\"DB_PASSWORD\":\"Pw-0123456789ab\"}},\"Description\":\"π ≈ 3.14159 – naïve café ✓ 😀\"}");
        result.put("note", "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY; password=hunter2 "
                + "Bearer abcdefghijklmnopqrstuvwxyz0123456789 sk_live_0123456789abcdefghijklmn");
        List<String> expected = new ArrayList<>();
        try (AuditLog log = AuditLog.openForAppend(db, Duration.ofSeconds(5), RedactionRules.defaults())) {
            Redactor old = new Redactor(RedactionRules.defaults(), FingerprintKey.loadOrCreate(db));
            int full = CanonicalJson.canonicalize(old.redactResult("aws___call_aws", args, result).value())
                    .getBytes(StandardCharsets.UTF_8).length;
            List<CompletableFuture<?>> appended = new ArrayList<>();
            for (int cap = 0; cap <= full + 1; cap++) {
                expected.add(oldCompleted(old, "aws___call_aws", args, result, cap));
                appended.add(log.appender().appendAsync(NewEvent.now(EventType.CALL_COMPLETED, "s", "c" + cap,
                        newCompleted(result), CallContext.resultOf("aws___call_aws", args, cap))));
            }
            appended.forEach(CompletableFuture::join);
        }
        List<String> stored = stored(db);
        assertThat(stored).hasSizeGreaterThan(300).containsExactlyElementsOf(expected);
        assertThat(stored.get(stored.size() - 1)).doesNotContain("result_truncated").contains("[REDACTED:aws-model:");
        assertThat(String.join("\n", stored)).doesNotContain("Pw-0123", "wJalrXUtnFEMI", "hunter2", "abcdefghijklmnop",
                "sk_live_0123", "db.internal");
    }

    @Test
    void anEventWithoutCallContextIsRedactedByItsFieldsAsBefore() {
        Path db = dir.resolve("audit.db");
        ObjectNode payload = JSON.createObjectNode().put("tool", "aws___call_aws").put("reason", "token=abcdef0123456789");
        payload.putObject("args").put("cli_command", "aws rds modify-db-instance --master-user-password Sup3rS3cret!");
        payload.put("args_fingerprint", "given by the caller, kept");
        String expected;
        try (AuditLog log = AuditLog.openForAppend(db, Duration.ofSeconds(5), RedactionRules.defaults())) {
            expected = CanonicalJson.canonicalize(new Redactor(RedactionRules.defaults(), FingerprintKey.loadOrCreate(db))
                    .redactPayload(payload).value());
            log.appender().append(NewEvent.now(EventType.CALL_REQUESTED, "s", "c", payload));
        }
        assertThat(stored(db)).containsExactly(expected);
        assertThat(expected).doesNotContain("Sup3rS3cret", "abcdef0123456789").contains("given by the caller, kept");
    }

    private static List<String> stored(Path db) {
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            assertThat(ChainVerifier.verify(log).intact()).isTrue();
            return log.jdbi().withHandle(h -> h.createQuery("SELECT payload FROM events ORDER BY seq").mapTo(String.class).list());
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
