package dev.mcpaudit.proxy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.mcpaudit.proxy.audit.AuditRecorder.FailurePolicy;
import dev.mcpaudit.proxy.audit.AuditRecorder.RecordedCall;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.ChainVerifier;
import dev.mcpaudit.schema.redact.FingerprintKey;
import dev.mcpaudit.schema.redact.RedactionRules;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exact payload bytes the recorder stores for a fixed set of calls, pinned in
 * {@code golden/recorded-events.tsv}: the file was written by the recorder as it was before
 * redaction ran once per event (issue 14), when a call's arguments and result went through the
 * redactor twice (in the recorder, then again with the whole payload in the appender). With
 * the log's fingerprint key fixed, every stored payload (canonical JSON, i.e. the bytes the chain
 * hashes) must stay byte for byte the same: only {@code duration_ms}, a measured time, and the temp
 * directory's name in a {@code late_reason} are replaced before comparing.
 *
 * <p>The calls cover what redaction treats differently: a secret in an AWS CLI command, in a script,
 * in a name/value pair, under a secret key, in JSON inside a string, in an error text, in the
 * session's start-up info and the agent's client info; results with an operation's sensitive output
 * members, with text secrets, cut to the result cap after redaction; a refusal; and events written
 * late (deferred while the log could not be opened, then written by the next call).
 *
 * <p>To rewrite the file (only when the stored format is meant to change), run the test with
 * {@code -Dgolden.update=true}.
 */
class AuditRecorderGoldenTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GOLDEN = "golden/recorded-events.tsv";
    /** A fixed 32-byte fingerprint key, so that markers are the same in every run. */
    private static final String KEY = "bWNwLWF1ZGl0LXByb3h5IGdvbGRlbiBldmVudCBrZXk=";
    private static final int RESULT_CAP = 420;

    @TempDir
    Path dir;

    @Test
    void theRecorderStoresTheSamePayloadBytesAsBeforeRedactionRanOncePerEvent() throws Exception {
        Path logDir = dir.resolve("logs");
        Files.writeString(logDir, "a file where the log's directory belongs: the first events are deferred");
        Path db = logDir.resolve("audit.db");
        AuditRecorder recorder = new AuditRecorder(db, RedactionRules.defaults(), FailurePolicy.CLOSED, RESULT_CAP);

        // Deferred while the log cannot be opened; written, marked recorded_late, by the first call after
        // (or by the recorder's retry, whichever comes first: the payloads are the same).
        recorder.rejected(start(1, "prod", "aws___call_aws", commandArgs(
                "aws iam create-access-key --user-name deploy --profile prod")), "not an allowed profile: prod");
        recorder.rejected(start(11, "prod", "aws___call_aws", JSON.createObjectNode()
                .put("cli_command", "aws sts get-session-token").put("session_token", "FwoGZXIvYXdzEBYaDH")),
                "not an allowed profile: token=FwoGZXIvYXdzEBYaDH");

        Files.delete(logDir);
        Files.createDirectory(logDir);
        Path keyFile = FingerprintKey.fileFor(db);
        Files.writeString(keyFile, KEY + "\n");

        // Written in the background, so their place among the call events varies: compared sorted.
        recorder.start(() -> {
            ObjectNode info = JSON.createObjectNode().put("proxy_version", "golden")
                    .put("default_profile", "dev");
            info.putArray("argv").add("--endpoint").add("https://aws-mcp.us-east-1.api.aws/mcp")
                    .add("--header").add("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJnb2xkZW4ifQ.c2lnbmF0dXJl");
            return info;
        });
        recorder.clientInitialized(JSON.createObjectNode().put("name", "claude-code").put("version", "2.1.0")
                .put("api_key", "sk-ant-api03-golden-key-0123456789abcdef"), "2025-06-18");

        // A secret in an AWS CLI command (flag value holding JSON), fingerprinted after redaction.
        RecordedCall secret = recorder.requested(start(2, "dev", "aws___call_aws", commandArgs(
                "aws secretsmanager create-secret --name prod/db --secret-string"
                        + " '{\"username\":\"app\",\"password\":\"q7V!rT9#kLm2$wXz\"}' --region us-east-1")));
        recorder.completed(secret, Outcome.OK, null, textResult("{\"ARN\":\"arn:aws:secretsmanager:us-east-1:"
                + "123456789012:secret:prod/db-AbCdEf\",\"Name\":\"prod/db\"}"));

        // An operation with sensitive output members: the result is redacted knowing its call.
        RecordedCall ssm = recorder.requested(start(3, "dev", "aws___call_aws",
                commandArgs("aws ssm get-parameter --name /app/db-url --with-decryption")));
        recorder.completed(ssm, Outcome.OK, null, textResult(
                "{\"Parameter\":{\"Name\":\"/app/db-url\",\"Type\":\"SecureString\","
                        + "\"Value\":\"postgres://app:hunter2@db.internal:5432/app\",\"Version\":3}}"));

        // A result longer than the cap: cut after redaction, so the cut cannot show part of a secret.
        RecordedCall big = recorder.requested(start(4, "dev", "aws___call_aws",
                commandArgs("aws lambda get-function-configuration --function-name billing")));
        StringBuilder functions = new StringBuilder("{\"FunctionName\":\"billing\",\"Environment\":{\"Variables\":"
                + "{\"DB_PASSWORD\":\"s3cr3t-Pa55word!\",\"STRIPE_KEY\":\"sk_live_51Hgolden0123456789abcdef\"}},"
                + "\"Description\":\"");
        functions.append("x".repeat(600)).append("\"}");
        recorder.completed(big, Outcome.OK, null, textResult(functions.toString()));

        // A script, a secret key, a name/value pair, JSON inside a string; an error text with a secret.
        ObjectNode scriptArgs = JSON.createObjectNode().put("script",
                "import boto3\nclient = boto3.client('s3', aws_access_key_id='AKIAIOSFODNN7EXAMPLE',"
                        + " aws_secret_access_key='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')\nprint(client.list_buckets())");
        RecordedCall script = recorder.requested(start(5, "dev", "aws___run_script", scriptArgs));
        recorder.completed(script, Outcome.ERROR, "upstream failed: password=hunter2 was refused", null);

        ObjectNode mixed = JSON.createObjectNode().put("region", "eu-west-1").put("client_secret", "abc123-not-shown");
        mixed.putObject("env").put("name", "DB_PASSWORD").put("value", "pair-secret-value");
        mixed.put("request", "{\"token\":\"ghp_0123456789abcdefghijklmnopqrstuvwxyzAB\",\"page\":2}");
        RecordedCall other = recorder.requested(start(6, "staging", "ops___deploy", mixed));
        recorder.completed(other, Outcome.TOOL_ERROR, null, textResult(
                "deploy failed: export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));

        // No tool: a resource read (generic redaction of the arguments); a request id beyond 2^53.
        CallStart resource = new CallStart("resources/read", LongNode.valueOf(Long.MAX_VALUE), "dev",
                new Account("123456789012", "sts", "arn:aws:sts::123456789012:assumed-role/dev/golden"),
                "us-east-1", "aws-mcp", "u-1", null, "aws://docs/iam",
                JSON.createObjectNode().put("uri", "aws://docs/iam").put("password", "resource-pw"));
        recorder.completed(recorder.requested(resource), Outcome.OK, null, JSON.createObjectNode()
                .put("contents", "Authorization: Basic dXNlcjpwYXNzd29yZA=="));

        // Arguments that are not an object, and none at all.
        recorder.completed(recorder.requested(start(8, "dev", "aws___call_aws",
                JSON.createArrayNode().add("--password").add("array-pw"))), Outcome.TIMEOUT, "no answer in 30 s", null);
        recorder.completed(recorder.requested(start(9, "dev", "aws___list_regions", null)), Outcome.OK, null,
                JSON.createObjectNode().put("isError", false));

        recorder.rejected(start(10, "prod", "aws___call_aws", commandArgs(
                "aws rds create-db-instance --db-instance-identifier x --master-user-password Sup3rS3cret!")),
                "profile prod is read-only");
        recorder.close("stdin_closed", java.time.Duration.ofSeconds(1));

        try (AuditLog log = AuditLog.openReadOnly(db)) {
            assertThat(ChainVerifier.verify(log).intact()).isTrue();
        }
        List<String> stored = new ArrayList<>();
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            for (Map<String, Object> row : log.jdbi().withHandle(h ->
                    h.createQuery("SELECT type, payload FROM events ORDER BY seq").mapToMap().list())) {
                stored.add(row.get("type") + "\t" + normalise((String) row.get("payload"), logDir));
            }
        }
        stored.sort(null);
        assertThat(stored).hasSize(22);
        assertThat(String.join("\n", stored)).doesNotContain("q7V!rT9", "hunter2", "s3cr3t-Pa55", "sk_live_51H",
                "wJalrXUtnFEMI", "abc123-not-shown", "pair-secret-value", "ghp_0123",
                "resource-pw", "dXNlcjpwYXNzd29yZA", "Sup3rS3cret", "sk-ant-api03", "eyJzdWIi", "array-pw", "FwoGZXIv");

        if (Boolean.getBoolean("golden.update")) {
            Path file = Paths.get("src/test/resources", GOLDEN);
            Files.createDirectories(file.getParent());
            Files.writeString(file, String.join("\n", stored) + "\n");
            return;
        }
        assertThat(stored).containsExactlyElementsOf(golden());
    }

    /** The measured duration and the temp directory vary from run to run; nothing else may. */
    private static String normalise(String payload, Path logDir) {
        return payload.replaceAll("\"duration_ms\":[0-9.eE+-]+", "\"duration_ms\":0")
                .replace(logDir.toString(), "<logs>");
    }

    private static List<String> golden() throws IOException {
        try (InputStream in = AuditRecorderGoldenTest.class.getClassLoader().getResourceAsStream(GOLDEN)) {
            assertThat(in).as(GOLDEN + " on the test classpath").isNotNull();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.lines().toList();
        }
    }

    private static CallStart start(int id, String profile, String tool, JsonNode args) {
        return new CallStart("tools/call", IntNode.valueOf(id), profile, null, "us-east-1", "aws-mcp", "u-1", tool,
                null, args);
    }

    private static ObjectNode commandArgs(String command) {
        return JSON.createObjectNode().put("cli_command", command);
    }

    private static ObjectNode textResult(String text) {
        ObjectNode result = JSON.createObjectNode();
        result.putArray("content").addObject().put("type", "text").set("text", TextNode.valueOf(text));
        return result.put("isError", false);
    }
}
