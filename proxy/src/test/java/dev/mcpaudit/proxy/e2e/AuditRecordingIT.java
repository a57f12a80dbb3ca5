package dev.mcpaudit.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.fixtures.AwsProfileFiles;
import dev.mcpaudit.fixtures.AwsProfileFiles.ProfileSpec;
import dev.mcpaudit.fixtures.FakeAwsMcpServer;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.CanonicalJson;
import dev.mcpaudit.schema.ChainVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a compliance reviewer relies on: every routed call in the log, in the right account, redacted. */
class AuditRecordingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ProfileSpec DEV = new ProfileSpec("dev", "AKIADEVDEVDEVDEV0001", "devsecret", null, "us-east-2");
    private static final ProfileSpec PROD = new ProfileSpec("prod", "ASIAPRODPRODPROD0002", "prodsecret", "prod-session-token",
            "eu-west-1");
    /** A key id whose account decodes offline (see AccessKeyAccount). */
    private static final ProfileSpec LEGACY = new ProfileSpec("ops", "ASIAQNZGKIQY56JQ7WML", "opssecret", "ops-token", "us-east-1");
    private static final String PLANTED_PASSWORD = "Pl4nted-Passw0rd-9d2c";
    private static final String PLANTED_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ2VudC10ZXN0In0.qP4l4nt3dJwtSignatureValue0123456789abcd";

    @TempDir
    Path dir;

    FakeAwsMcpServer upstream;
    Map<String, String> env;
    Path db;
    ProxyProcess proxy;
    int nextId = 1;

    @BeforeEach
    void start() {
        List<ProfileSpec> all = List.of(DEV, PROD, LEGACY);
        AwsProfileFiles profiles = AwsProfileFiles.write(dir.resolve("aws"), all);
        upstream = FakeAwsMcpServer.forProfiles(all, "aws-mcp", "us-east-1");
        db = dir.resolve("logs").resolve("audit.db");
        env = new HashMap<>();
        profiles.applyTo(env);
        env.put("HOME", dir.toString());
        env.putAll(upstream.stsEnvironment());
        env.put("MCP_AUDIT_DB", db.toString());
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        upstream.close();
    }

    private void startProxy(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(upstream.endpoint().toString(), "--service", "aws-mcp",
                "--region", "us-east-1", "--profile", "dev", "prod", "ops"));
        args.addAll(List.of(extra));
        proxy = new ProxyProcess(args, env);
        request("initialize", "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"Test Agent\",\"version\":\"9.9\"}}");
    }

    private JsonNode request(String method, String params) throws Exception {
        int id = nextId++;
        proxy.send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}");
        return proxy.readResponse(id, WAIT);
    }

    private JsonNode callAws(String cliCommand, String profile) throws Exception {
        ObjectNode args = JSON.createObjectNode().put("cli_command", cliCommand);
        if (profile != null) {
            args.put("aws_profile", profile);
        }
        ObjectNode params = JSON.createObjectNode().put("name", "aws___call_aws");
        params.set("arguments", args);
        return request("tools/call", params.toString());
    }

    private int exit() throws Exception {
        proxy.closeStdin();
        return proxy.waitFor(WAIT);
    }

    /** Every row of the calls view, oldest first. */
    private List<Map<String, Object>> calls() {
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            return log.jdbi().withHandle(h -> h.createQuery("SELECT * FROM calls ORDER BY started_at, call_id").mapToMap().list());
        }
    }

    private List<Map<String, Object>> events(String type) {
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            return log.jdbi().withHandle(h -> h.createQuery("SELECT * FROM events WHERE type = :t ORDER BY seq")
                    .bind("t", type).mapToMap().list());
        }
    }

    private static JsonNode json(Object text) throws Exception {
        return JSON.readTree(String.valueOf(text));
    }

    @Test
    void everyRoutedCallIsRecordedInItsProfilesAccountWithTheResultHashTheAgentCanCheck() throws Exception {
        startProxy();
        JsonNode onDev = callAws("aws secretsmanager create-secret --name app --secret-string " + PLANTED_PASSWORD, null);
        JsonNode onProd = callAws("aws secretsmanager get-secret-value --secret-id prod/db secret-result", "prod");
        JsonNode toolError = callAws("aws iam delete-user --user-name bob tool-error", "prod");
        JsonNode refused = callAws("aws s3 ls", "admin");
        JsonNode resource = request("resources/read", "{\"uri\":\"fake://docs/readme\"}");
        JsonNode prompt = request("prompts/get", "{\"name\":\"fake_prompt\",\"arguments\":{\"topic\":\"s3\"}}");
        assertThat(refused.at("/result/isError").asBoolean()).isTrue();
        assertThat(exit()).isZero();

        List<Map<String, Object>> calls = calls();
        assertThat(calls).extracting(c -> c.get("profile"), c -> c.get("account_id"), c -> c.get("account_source"),
                c -> c.get("tool"), c -> c.get("outcome")).containsExactly(
                org.assertj.core.groups.Tuple.tuple("dev", "111111111111", "sts", "aws___call_aws", "ok"),
                org.assertj.core.groups.Tuple.tuple("prod", "222222222222", "sts", "aws___call_aws", "ok"),
                org.assertj.core.groups.Tuple.tuple("prod", "222222222222", "sts", "aws___call_aws", "tool_error"),
                org.assertj.core.groups.Tuple.tuple("admin", null, null, "aws___call_aws", "denied"),
                org.assertj.core.groups.Tuple.tuple("dev", "111111111111", "sts", null, "ok"),
                org.assertj.core.groups.Tuple.tuple("dev", "111111111111", "sts", null, "ok"));
        // The agent can prove what it received is what the log attests.
        assertThat(calls.get(0).get("result_sha256")).isEqualTo(CanonicalJson.sha256Hex(onDev.get("result")));
        assertThat(calls.get(1).get("result_sha256")).isEqualTo(CanonicalJson.sha256Hex(onProd.get("result")));
        assertThat(calls.get(2).get("result_sha256")).isEqualTo(CanonicalJson.sha256Hex(toolError.get("result")));
        assertThat(calls.get(4).get("result_sha256")).isEqualTo(CanonicalJson.sha256Hex(resource.get("result")));
        assertThat(calls.get(5).get("result_sha256")).isEqualTo(CanonicalJson.sha256Hex(prompt.get("result")));
        // Arguments are what went upstream (no aws_profile), redacted; the command stays readable.
        assertThat(json(calls.get(0).get("args")).get("cli_command").asText())
                .startsWith("aws secretsmanager create-secret --name app --secret-string [REDACTED:secret-field:");
        assertThat(json(calls.get(1).get("args")).has("aws_profile")).isFalse();
        assertThat(String.valueOf(calls.get(3).get("error"))).contains("aws_profile 'admin' is not an allowed profile");
        assertThat(calls).filteredOn(c -> !"denied".equals(c.get("outcome")))
                .allSatisfy(c -> assertThat(c.get("region")).isNotNull());

        Map<String, Object> requested = events("call.requested").get(1);
        JsonNode payload = json(requested.get("payload"));
        assertThat(payload.get("principal_arn").asText()).isEqualTo("arn:aws:iam::222222222222:user/agent-" + PROD.accessKeyId());
        assertThat(payload.get("upstream_session_id").asText()).startsWith("s-");
        assertThat(payload.get("region").asText()).isEqualTo("eu-west-1");
        assertThat(payload.get("jsonrpc_id").asInt()).isEqualTo(3);
        assertThat(json(events("call.requested").get(3).get("payload")).get("target").asText()).isEqualTo("fake://docs/readme");

        JsonNode started = json(events("session.started").get(0).get("payload"));
        assertThat(started.get("profiles").toString()).isEqualTo("[\"dev\",\"prod\",\"ops\"]");
        assertThat(started.get("default_profile").asText()).isEqualTo("dev");
        assertThat(started.get("pid").asLong()).isPositive();
        assertThat(json(events("client.initialized").get(0).get("payload")).at("/client_info/name").asText()).isEqualTo("Test Agent");
        assertThat(((Number) events("session.started").get(0).get("seq")).longValue())
                .as("the session's frame comes first").isLessThan(((Number) events("client.initialized").get(0).get("seq")).longValue());
        JsonNode ended = json(events("session.ended").get(0).get("payload"));
        assertThat(ended.get("calls_completed").asInt()).isEqualTo(5);
        assertThat(ended.get("calls_rejected").asInt()).isEqualTo(1);
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            assertThat(ChainVerifier.verify(log).intact()).isTrue();
        }
        assertThat(upstream.stsCalls()).as("one GetCallerIdentity per profile, not per call").hasSize(3);
    }

    @Test
    void plantedSecretsReachNeitherTheDatabaseNorItsWalNorStderr() throws Exception {
        startProxy("--record-results", "--log-level", "DEBUG");
        String pemInArgs = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwPlantedKeyBody\n-----END PRIVATE KEY-----";
        callAws("aws rds modify-db-instance --db-instance-identifier db1 --master-user-password '" + PLANTED_PASSWORD + "'", null);
        callAws("aws secretsmanager get-secret-value --secret-id prod/db secret-result", "prod");
        callAws("aws apigateway test-invoke-method --headers Authorization=Bearer" + " " + PLANTED_JWT, "prod");
        ObjectNode script = JSON.createObjectNode().put("name", "aws___run_script");
        script.putObject("arguments").put("script", "key = \"\"\"" + pemInArgs + "\"\"\"\npassword = '" + PLANTED_PASSWORD + "'\n");
        request("tools/call", script.toString());
        callAws("aws sts get-session-token aws_secret_access_key=" + "wJalrXUtnFEMI/K7MDENG/bPxRfiCYPLANTEDKEY", "admin");

        List<String> planted = List.of(PLANTED_PASSWORD, PLANTED_JWT, FakeAwsMcpServer.SECRET_IN_RESULT,
                "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwPlantedKeyBody", "MIIEowIBAAKCAQEA7upstreamPEMbodyLINEnotArealKEYq8Zx2Yw1Vt0Us9Rr7",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYPLANTEDKEY", DEV.secretKey(), PROD.secretKey(), PROD.sessionToken());
        // While the proxy runs, the events are in the WAL.
        Path wal = Path.of(db + "-wal");
        assertThat(wal).exists();
        assertAbsent(planted, Files.readAllBytes(db), "the database");
        assertAbsent(planted, Files.readAllBytes(wal), "the WAL");
        assertThat(exit()).isZero();
        assertAbsent(planted, Files.readAllBytes(db), "the database after shutdown");
        assertAbsent(planted, proxy.stderr().getBytes(StandardCharsets.UTF_8), "stderr");
        assertThat(calls()).hasSize(5);
        assertThat(String.valueOf(calls().get(1).get("result"))).contains("[REDACTED:secret-field:").contains("prod/db");
    }

    private static void assertAbsent(List<String> secrets, byte[] content, String where) {
        String text = new String(content, StandardCharsets.ISO_8859_1);
        for (String secret : secrets) {
            int at = text.indexOf(secret);
            assertThat(at).as("%s found in %s: …%s…", secret, where,
                    at < 0 ? "" : text.substring(Math.max(0, at - 300), Math.min(text.length(), at + 60))).isNegative();
            assertThat(text.contains(secret.replace("/", "\\/"))).as("%s (escaped) found in %s", secret, where).isFalse();
        }
    }

    @Test
    void whenStsIsDownTheAccountComesFromTheAccessKeyIdAndSaysSo() throws Exception {
        upstream.setStsAvailable(false);
        startProxy("--log-level", "WARNING");

        callAws("aws s3 ls", "ops");
        callAws("aws s3 ls", "dev");
        exit();

        assertThat(calls()).extracting(c -> c.get("profile"), c -> c.get("account_id"), c -> c.get("account_source"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("ops", "029608264753", "access-key"),
                        // AKIADEVDEVDEVDEV0001 is no real key id ('0' is not base32): nothing is made up.
                        org.assertj.core.groups.Tuple.tuple("dev", null, "unknown"));
        assertThat(proxy.stderr()).contains("STS GetCallerIdentity failed for profile ops");
    }

    @Test
    void resultBodiesAreRecordedOnlyWhenAskedRedactedAndCutToTheCap() throws Exception {
        startProxy("--record-results", "--record-results-max-bytes", "400");

        callAws("aws s3 ls", null);
        callAws("aws s3 ls " + "x".repeat(600), null);
        exit();

        List<Map<String, Object>> calls = calls();
        JsonNode small = json(calls.get(0).get("result"));
        assertThat(small.at("/structuredContent/cli_command").asText()).isEqualTo("aws s3 ls");
        JsonNode completed = json(events("call.completed").get(1).get("payload"));
        assertThat(completed.get("result_truncated").asBoolean()).isTrue();
        assertThat(completed.get("result_bytes").asInt()).isGreaterThan(600);
        assertThat(completed.get("result").asText().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(400);
    }

    @Test
    void withoutRecordResultsOnlyTheHashIsKept() throws Exception {
        startProxy();

        request("tools/list", "{}");
        callAws("aws s3 ls", null);
        exit();

        assertThat(calls().get(0).get("result")).isNull();
        assertThat(calls().get(0).get("result_sha256")).asString().hasSize(64);
        assertThat(events("upstream.initialized")).isEmpty();
        assertThat(events("tools.listed")).isEmpty();
    }

    @Test
    void withRecordResultsUpstreamsInitializeAndToolListAnswersAreRecordedAsUpstreamSentThem() throws Exception {
        startProxy("--record-results");

        JsonNode listed = request("tools/list", "{}");
        callAws("aws s3 ls", null);
        exit();

        JsonNode initialized = json(events("upstream.initialized").get(0).get("payload"));
        assertThat(initialized.get("profile").asText()).isEqualTo("dev");
        assertThat(initialized.at("/result/serverInfo/name").asText()).isEqualTo(FakeAwsMcpServer.SERVER_NAME);
        assertThat(initialized.get("result_sha256").asText())
                .isEqualTo(dev.mcpaudit.schema.CanonicalJson.sha256Hex(initialized.get("result")));
        JsonNode tools = json(events("tools.listed").get(0).get("payload"));
        assertThat(tools.at("/result/tools/0/name").asText()).isEqualTo(listed.at("/result/tools/0/name").asText());
        // as upstream sent it: the proxy's aws_profile is added to what the agent sees, not to the record
        assertThat(tools.toString()).doesNotContain("aws_profile");
    }

    @Test
    void aLogThatGroupOrOthersCanReadIsReportedOnStderrWhenTheProxyOpensIt() throws Exception {
        startProxy();
        callAws("aws s3 ls", null);
        assertThat(exit()).isZero();
        java.nio.file.Files.setPosixFilePermissions(db, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

        nextId = 1;
        startProxy();
        callAws("aws s3 ls", null);
        assertThat(exit()).isZero();

        assertThat(proxy.stderr()).contains(db + " can be read by its group and others (rw-r--r--)")
                .contains("chmod 600 " + db);
    }

    @Test
    void aNumberTheLogCannotCarryExactlyIsRefusedWithASentenceNotAsAnUnavailableLog() throws Exception {
        startProxy();
        JsonNode refused = request("tools/call", "{\"name\":\"aws___call_aws\",\"arguments\":"
                + "{\"cli_command\":\"aws s3 ls\",\"page_size\":1e400}}");
        JsonNode next = callAws("aws s3 ls", null);
        assertThat(exit()).isZero();

        assertThat(refused.at("/result/isError").asBoolean()).isTrue();
        assertThat(refused.at("/result/content/0/text").asText()).contains("was not sent")
                .contains("cannot be recorded exactly").contains("send larger or more precise numbers as strings")
                .doesNotContain("audit log is unavailable");
        assertThat(next.at("/result/isError").asBoolean()).isFalse();
        assertThat(upstream.toolCalls()).hasSize(1);
        assertThat(calls()).hasSize(1);
    }

    /** audit-cli, as this build made it (the reactor builds it before the proxy). */
    private String auditCli(Path out, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProxyProcess.javaBinary(), "-jar",
                Path.of("..", "audit-cli", "target", "audit-cli.jar").toString(), "--db", db.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return Files.readString(out);
    }

    /**
     * Issue 13's shapes through the packaged proxy: a secret as the value of a name/value pair, in a
     * Lambda environment map, in SQL and a database client's flag, and in a member AWS's model marks
     * sensitive. None of them reaches the database, its WAL or SHM, stderr at DEBUG, or any listing,
     * report or export audit-cli writes.
     */
    @Test
    void secretsOfEveryShapeReachNoFileAndNoAuditCliOutput() throws Exception {
        startProxy("--record-results", "--log-level", "DEBUG");
        List<String> planted = List.of("Cfn-Pl4nted-9f1c", "Lambda-Pl4nted-77aa", "Sql-Pl4nted-31be", "Mysql-Pl4nted-c0de",
                "Ecs-Env-Pl4nted-5e5e", "Model-Pl4nted-4b4b");
        callAws("aws cloudformation create-stack --stack-name db --parameters ParameterKey=Env,ParameterValue=prod"
                + " ParameterKey=DBPassword,ParameterValue=" + planted.get(0), "prod");
        callAws("aws lambda update-function-configuration --function-name api --environment Variables={DB_PASS="
                + planted.get(1) + ",STAGE=prod}", "prod");
        callAws("aws rds-data execute-statement --resource-arn arn:aws:rds:eu-west-1:123456789012:cluster:c"
                + " --sql \"CREATE USER app WITH PASSWORD '" + planted.get(2) + "'\"", null);
        callAws("aws ecs execute-command --cluster prod --task 0123 --interactive --command \"mysql -u admin -p"
                + planted.get(3) + " orders\"", "prod");
        callAws("aws ecs register-task-definition --family api --container-definitions '[{\"name\":\"api\","
                + "\"environment\":[{\"name\":\"DB_PASSWORD\",\"value\":\"" + planted.get(4) + "\"}]}]'", null);
        callAws("aws iam create-login-profile --user-name ops --password " + planted.get(5), "prod");
        Path wal = Path.of(db + "-wal");
        assertAbsent(planted, Files.readAllBytes(wal), "the WAL");
        assertAbsent(planted, Files.readAllBytes(Path.of(db + "-shm")), "the SHM");
        assertThat(exit()).isZero();

        assertAbsent(planted, Files.readAllBytes(db), "the database");
        assertAbsent(planted, proxy.stderr().getBytes(StandardCharsets.UTF_8), "stderr at DEBUG");
        Path outputs = dir.resolve("outputs");
        Files.createDirectories(outputs);
        List<String[]> commands = new ArrayList<>();
        for (String format : List.of("table", "json", "jsonl", "csv")) {
            commands.add(new String[] {"calls", "--limit", "0", "--format", format});
            commands.add(new String[] {"sessions", "--format", format});
        }
        for (String format : List.of("jsonl", "csv")) {
            commands.add(new String[] {"export", "--format", format});
        }
        for (String format : List.of("md", "html", "json", "csv")) {
            commands.add(new String[] {"report", "--format", format});
        }
        int n = 0;
        for (String[] args : commands) {
            String output = auditCli(outputs.resolve("out-" + n++), args);
            assertThat(output).as("audit-cli %s", String.join(" ", args)).isNotBlank();
            assertAbsent(planted, output.getBytes(StandardCharsets.UTF_8), "audit-cli " + String.join(" ", args));
        }
        for (Map<String, Object> call : calls()) {
            String shown = auditCli(outputs.resolve("show-" + n++), "show", (String) call.get("call_id"), "--format", "json");
            assertAbsent(planted, shown.getBytes(StandardCharsets.UTF_8), "audit-cli show");
        }
        assertThat(calls()).hasSize(6);
        String exported = Files.readString(outputs.resolve("out-8"));
        assertThat(exported).contains("ParameterKey=Env").contains("[REDACTED:");
    }
}
