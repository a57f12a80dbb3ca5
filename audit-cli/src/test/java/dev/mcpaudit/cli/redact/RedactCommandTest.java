package dev.mcpaudit.cli.redact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedactCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MARKER = Pattern.compile("\\[REDACTED:([a-z-]+):([0-9a-f]{12})]");

    @TempDir
    Path dir;

    @Test
    void explainShowsTheRedactedCommandAndWhichRuleFiredWhere() {
        CliRun run = CliRun.of("--db", dir.resolve("none.db").toString(), "redact", "--explain",
                "aws secretsmanager create-secret --name prod/db --secret-string 'hunter2 and more'");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("aws secretsmanager create-secret --name prod/db --secret-string [REDACTED:secret-field:")
                .contains("1 value hidden:")
                .contains("secret-field", "at $.cli_command --secret-string", "identifiers such as SecretId")
                .contains("throw-away key")
                .doesNotContain("hunter2");
    }

    @Test
    void aToolResultReadFromStdinIsRedactedFieldByField() throws Exception {
        String result = "{\"content\":[{\"type\":\"text\",\"text\":\"{\\\"Name\\\":\\\"prod/db\\\",\\\"SecretString\\\":\\\"hunter2\\\"}\"}]}";
        var stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream(result.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            CliRun run = CliRun.of("--db", dir.resolve("none.db").toString(), "redact", "--explain");

            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).contains("\\\"Name\\\":\\\"prod/db\\\"").contains("at $.content[0].text<json>.SecretString")
                    .doesNotContain("hunter2");
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void explainNamesTheServiceModelMemberThatFired() {
        CliRun run = CliRun.of("--db", dir.resolve("none.db").toString(), "redact", "--explain",
                "aws lambda update-function-configuration --function-name api --environment Variables={DB_HOST=db1.internal}");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("aws lambda update-function-configuration --function-name api "
                        + "--environment 'Variables={DB_HOST=[REDACTED:aws-model:")
                .contains("aws-model:lambda.update-function-configuration.Environment.Variables", "at $.cli_command --environment")
                .contains("service models mark sensitive")
                .doesNotContain("db1.internal");
    }

    @Test
    void aResultOfANamedCommandHidesWhatItsOperationReturnsInSensitiveMembers() {
        String result = "{\"FunctionName\":\"api\",\"Environment\":{\"Variables\":{\"DB_HOST\":\"db1.internal\"}}}";
        var stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream(result.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            CliRun run = CliRun.of("--db", dir.resolve("none.db").toString(), "redact", "--explain",
                    "--result-of", "aws lambda get-function-configuration --function-name api");
            CliRun plain = CliRun.of("--db", dir.resolve("none.db").toString(), "redact", result);

            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).contains("\"FunctionName\" : \"api\"")
                    .contains("aws-model:lambda.get-function-configuration.Environment.Variables")
                    .contains("at $.Environment.Variables.DB_HOST")
                    .doesNotContain("db1.internal");
            assertThat(plain.out()).as("without the command, the operation is unknown").contains("db1.internal");
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void fingerprintsMatchTheMarkersTheLogHolds() throws Exception {
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            ObjectNode payload = JSON.createObjectNode().put("tool", "aws___call_aws");
            payload.putObject("args").put("cli_command", "aws rds modify-db-instance --master-user-password S3cret-42");
            log.appender().append(NewEvent.now(EventType.CALL_REQUESTED, "s1", "c1", payload));
        }
        String stored = Files.exists(db) ? storedPayload(db) : "";

        CliRun run = CliRun.of("--db", db.toString(), "redact", "--explain", "password=S3cret-42");

        assertThat(fingerprint(run.out())).isEqualTo(fingerprint(stored));
        assertThat(run.out()).contains("the log's key " + db + ".fingerprint-key");
    }

    @Test
    void aUserRuleFileIsAppliedAndAListingShowsIt() throws Exception {
        Path rules = Files.writeString(dir.resolve("rules.json"),
                "{\"rules\": [{\"name\": \"acme-token\", \"type\": \"value\", \"pattern\": \"acme_[0-9a-f]{12}\","
                        + " \"description\": \"ACME deploy tokens\"}], \"disable\": [\"jwt\"]}");

        CliRun redact = CliRun.of("redact", "--rules", rules.toString(), "deploy with acme_0123456789ab");
        CliRun list = CliRun.of("redact", "--rules", rules.toString(), "--list-rules");

        assertThat(redact.out()).startsWith("deploy with [REDACTED:acme-token:");
        assertThat(list.out()).contains("acme-token", "ACME deploy tokens", "password-field").doesNotContain("jwt ");
    }

    @Test
    void aBadRuleFileIsAUsageErrorNamingTheRule() throws Exception {
        Path rules = Files.writeString(dir.resolve("rules.json"), "{\"rules\": [{\"name\": \"x\", \"type\": \"value\"}]}");

        CliRun run = CliRun.of("redact", "--rules", rules.toString(), "text");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("rule #1 \"x\" needs \"pattern\"");
    }

    @Test
    void nothingToHideSaysSoAndPrintsTheInputUnchanged() {
        CliRun run = CliRun.of("--db", dir.resolve("none.db").toString(), "redact", "--explain",
                "aws sts get-caller-identity --query Account");

        assertThat(run.out()).startsWith("aws sts get-caller-identity --query Account\n").contains("No rule fired");
    }

    private static String storedPayload(Path db) throws Exception {
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            StringBuilder b = new StringBuilder();
            log.scanEvents(e -> b.append(e.payload()));
            return b.toString();
        }
    }

    private static String fingerprint(String text) {
        Matcher m = MARKER.matcher(text);
        assertThat(m.find()).as("a marker in %s", text).isTrue();
        return m.group(2);
    }
}
