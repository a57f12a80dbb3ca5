package dev.mcpaudit.schema.redact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.ChainVerifier;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plants one secret per rule in the arguments and results of recorded calls, appends them through
 * the real append path, and scans the raw database file and its WAL byte for byte: none may be found.
 */
class PlantedSecretsOnDiskTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Random RANDOM = new Random(4);

    @TempDir
    Path dir;

    /** Secret text (what must never be on disk) and the rule expected to catch it. */
    private final Map<String, String> planted = new LinkedHashMap<>();

    private String plant(String rule, String secret) {
        planted.put(secret, rule);
        return secret;
    }

    private static String chars(String alphabet, int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static final String B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private static String awsSecretKey() {
        return "Qz" + chars(B64, 36) + "a9"; // mixed case, 40 characters
    }

    @Test
    void noPlantedSecretReachesTheDatabaseOrItsWal() throws Exception {
        Path db = dir.resolve("audit.db");
        List<NewEvent> events = corpus();

        try (AuditLog log = AuditLog.openForAppend(db)) {
            for (NewEvent e : events) {
                log.appender().append(e);
            }
            // Still open: the events sit in the WAL, not yet checkpointed into the main file.
            Path wal = Path.of(db + "-wal");
            assertThat(wal).exists();
            assertThat(Files.size(wal)).isGreaterThan(0);
            assertNoSecretIn(db, wal);

            Set<String> rulesThatFired = markersIn(log);
            Set<String> expected = new HashSet<>(planted.values());
            assertThat(rulesThatFired).containsAll(expected);
            assertThat(ChainVerifier.verify(log).intact()).isTrue();
        }
        assertNoSecretIn(db);
        assertThat(keyMaterialIn(db)).as("the fingerprint key is never stored in the log").isFalse();
    }

    @Test
    void theCorpusPlantsSomethingForEveryDefaultRule() {
        corpus();
        Set<String> covered = new HashSet<>(planted.values());
        covered.add("secret-assignment"); // fires under the name of the key rule that matched, see corpus()

        assertThat(covered).containsAll(RedactionRules.defaults().rules().stream().map(Rule::name).toList());
    }

    private void assertNoSecretIn(Path... files) throws IOException {
        for (Path f : files) {
            String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            for (Map.Entry<String, String> secret : planted.entrySet()) {
                for (String form : forms(secret.getKey())) {
                    assertThat(bytes.contains(form))
                            .as("%s (rule %s) found in %s", form, secret.getValue(), f.getFileName())
                            .isFalse();
                }
            }
        }
    }

    /** The secret as written, as JSON escapes it, and its longest line (for multi-line secrets). */
    private static List<String> forms(String secret) {
        List<String> forms = new ArrayList<>();
        forms.add(new String(secret.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
        forms.add(secret.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")); // as JSON text

        secret.lines().filter(l -> l.length() >= 16 && !l.startsWith("-----")).forEach(forms::add);
        return forms;
    }

    private Set<String> markersIn(AuditLog log) {
        Set<String> rules = new HashSet<>();
        log.scanEvents(e -> {
            var m = java.util.regex.Pattern.compile("\\[REDACTED:([A-Za-z0-9._-]+):[0-9a-f]{12}]").matcher(e.payload());
            while (m.find()) {
                rules.add(m.group(1));
            }
        });
        return rules;
    }

    private static boolean keyMaterialIn(Path db) throws IOException {
        String key = Files.readString(FingerprintKey.fileFor(db)).strip();
        String bytes = new String(Files.readAllBytes(db), StandardCharsets.ISO_8859_1);
        return bytes.contains(key);
    }

    private List<NewEvent> corpus() {
        planted.clear();
        List<NewEvent> events = new ArrayList<>();
        String accessKeyId = "AKIA" + chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);

        // Arguments: AWS CLI commands.
        String cmd1 = "aws secretsmanager create-secret --name prod/db --secret-string '" + plant("secret-field", "S3cr3t-" + chars(ALNUM, 12)) + "'";
        String cmd2 = "aws rds create-db-instance --db-instance-identifier x --master-user-password="
                + plant("password-field", "Pw-" + chars(ALNUM, 14));
        String cmd3 = "aws ec2 run-instances --image-id ami-0abc --user-data \"#!/bin/bash\necho " + plant("user-data-flag", "boot-" + chars(ALNUM, 16)) + "\"";
        String cmd4 = "aws kms encrypt --key-id alias/app --plaintext " + plant("plaintext-flag", "plain-" + chars(ALNUM, 16));
        String cmd5 = "aws --region eu-west-1 ssm put-parameter --name /app/key --type SecureString --value "
                + plant("secure-string-parameter", "ssm-" + chars(ALNUM, 16));
        String cmd6 = "aws secretsmanager put-secret-value --secret-id prod/bin --secret-binary " + plant("secret-binary-flag", "bin" + chars(ALNUM, 20));
        String cmd7 = "aws rds-data execute-statement --cli-input-json '{\"resourceArn\":\"arn:aws:rds:eu-west-1:123456789012:cluster:c\",\"dbPassword\":\""
                + plant("password-field", "inline-" + chars(ALNUM, 14)) + "\"}'";
        String cmd8 = "aws elasticache create-replication-group --replication-group-id r --auth-token " + plant("token-field", "auth-" + chars(ALNUM, 20));
        String cmd9 = "aws configure set aws_secret_access_key " + plant("aws-secret-access-key", awsSecretKey());
        // Inline JSON flag values are redacted key by key; the rest of the JSON stays readable.
        String cmd10 = "aws ecs register-task-definition --cli-input-json '{\"family\":\"f\",\"secretOptions\":[{\"name\":\"N\",\"valueFrom\":\"v\"}],\"apiKey\":\""
                + plant("api-key-field", "cij-" + chars(ALNUM, 18)) + "\"}'";
        String cmd11 = "aws cloudformation create-stack --stack-name db --parameters ParameterKey=Env,ParameterValue=prod "
                + "ParameterKey=DBPassword,ParameterValue=" + plant("name-value-pair", "cfn-" + chars(ALNUM, 16));
        String cmd12 = "aws rds-data execute-statement --resource-arn arn:aws:rds:eu-west-1:123456789012:cluster:c --sql \"CREATE USER r WITH PASSWORD '"
                + plant("sql-password", "sql-" + chars(ALNUM, 16)) + "'\"";
        String cmd13 = "aws ecs execute-command --cluster prod --task 0123 --interactive --command \"mysql -u admin -p"
                + plant("db-client-password", "my" + chars(ALNUM, 16)) + " orders\"";
        // A member AWS's service model marks sensitive, with a name no key rule knows.
        String cmd14 = "aws lambda update-function-configuration --function-name api --environment Variables={DB_HOST="
                + plant("aws-model", "host-" + chars(ALNUM, 16)) + "}";
        for (String cmd : List.of(cmd1, cmd2, cmd3, cmd4, cmd5, cmd6, cmd7, cmd8, cmd9, cmd10, cmd11, cmd12, cmd13, cmd14)) {
            events.add(requested("aws___call_aws", JSON.createObjectNode().put("cli_command", cmd).put("aws_profile", "prod")));
        }

        // Arguments: a Python script.
        String script = "import boto3\ndb_password = \"" + plant("password-field", "py-" + chars(ALNUM, 18)) + "\"\n"
                + "client = boto3.client('secretsmanager')\n"
                + "client.create_secret(Name='app', SecretString='" + plant("secret-field", "kw-" + chars(ALNUM, 18)) + "')\n"
                + "GH = '" + plant("github-token", "ghp_" + chars(ALNUM, 36)) + "'\n";
        events.add(requested("aws___run_script", JSON.createObjectNode().put("script", script)));

        // Arguments: JSON objects with secret keys, any depth, any style.
        ObjectNode nested = JSON.createObjectNode();
        nested.putObject("connection").put("Private-Key", plant("private-key-field", "pk-" + chars(ALNUM, 20)));
        nested.putObject("headers").put("Authorization", plant("authorization-field", "authz-" + chars(ALNUM, 20)))
                .put("X-Auth", plant("auth-field", "xauth-" + chars(ALNUM, 20)));
        nested.put("x_api_key", plant("api-key-field", "apikey-" + chars(ALNUM, 20)));
        nested.put("notes", "rotate with password=" + plant("password-field", "free-" + chars(ALNUM, 12)) + " soon");
        events.add(requested("other___tool", nested));

        // Results: text JSON (get-secret-value), structuredContent, resource contents, error text.
        String pem = "-----BEGIN RSA PRIVATE KEY-----\n" + chars(B64, 64) + "\n" + chars(B64, 64) + "\n-----END RSA PRIVATE KEY-----";
        plant("private-key-pem", pem);
        String getSecret = "{\"ARN\":\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-Ab12Cd\",\"Name\":\"prod/db\","
                + "\"SecretString\":\"{\\\"username\\\":\\\"app\\\",\\\"password\\\":\\\"" + plant("secret-field", "gsv-" + chars(ALNUM, 16)) + "\\\"}\"}";
        String sessionToken = plant("aws-session-token", "IQoJb3JpZ2luX2VjE" + chars(B64, 300));
        String namedToken = plant("aws-session-token-named", chars(B64, 80));
        String pairSecret = plant("aws-secret-access-key-pair", awsSecretKey());
        String credentialsJson = "{\"Credentials\":{\"AccessKeyId\":\"ASIA" + chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16) + "\","
                + "\"SecretAccessKey\":\"" + plant("credential-field", awsSecretKey()) + "\",\"Expiration\":\"2026-11-26T23:00:00Z\"}}";
        String text = "ACCESSKEY\t" + accessKeyId + "\t2026-11-26T10:00:00Z\t" + pairSecret + "\tActive\tci-user\n"
                + "export AWS_SESSION_TOKEN=" + sessionToken + "\n"
                + "aws_session_token = " + namedToken + "\n"
                + "jwt " + plant("jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ" + chars(ALNUM, 20) + "In0." + chars(ALNUM, 43)) + "\n"
                + "slack " + plant("slack-token", "xoxb-" + chars("0123456789", 12) + "-" + chars(ALNUM, 24)) + "\n"
                + "stripe " + plant("stripe-key", "sk_live_" + chars(ALNUM, 24)) + "\n"
                + "google " + plant("google-api-key", "AIza" + chars(ALNUM, 35)) + "\n"
                + "the login returned Bearer " + plant("bearer-token", chars(ALNUM, 32)) + " for the session\n"
                + "{\"header\": \"Authorization=Basic " + plant("basic-auth", chars(ALNUM, 24) + "==") + "\"}\n"
                + "DATABASE_URL=postgres://app:" + plant("connection-string-password", "dbpw" + chars(ALNUM, 12)) + "@db.internal:5432/app\n";
        ObjectNode result = JSON.createObjectNode();
        var content = result.putArray("content");
        content.addObject().put("type", "text").put("text", getSecret);
        content.addObject().put("type", "text").put("text", text);
        content.addObject().put("type", "text").put("text", pem);
        content.addObject().put("type", "resource").putObject("resource").put("uri", "file:///creds.json").put("text", credentialsJson);
        result.putObject("structuredContent").put("SessionToken", plant("token-field", "st-" + chars(ALNUM, 30)));
        result.put("isError", false);
        ObjectNode completed = JSON.createObjectNode().put("outcome", "ok");
        completed.set("result", result);
        completed.put("error", "upstream said: password: " + plant("password-field", "err-" + chars(ALNUM, 10)));
        events.add(new NewEvent(EventType.CALL_COMPLETED, java.time.Instant.now(), "s1", "c1", completed));
        return events;
    }

    private static NewEvent requested(String tool, JsonNode arguments) {
        ObjectNode payload = JSON.createObjectNode().put("tool", tool).put("profile", "prod");
        payload.set("args", arguments);
        return NewEvent.now(EventType.CALL_REQUESTED, "s1", "c-" + tool + "-" + RANDOM.nextInt(1_000_000), payload);
    }

}
