package dev.mcpaudit.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.fixtures.AwsProfileFiles;
import dev.mcpaudit.fixtures.AwsProfileFiles.ProfileSpec;
import dev.mcpaudit.fixtures.FakeAwsMcpServer;
import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.fixtures.replay.Fixture.Outcome;
import dev.mcpaudit.fixtures.replay.FixtureMock;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.CanonicalJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit-cli replay} end to end, both jars as this build made them: audit-cli starts the
 * packaged proxy over stdio, the proxy signs for a profile from temporary AWS profile files and
 * forwards to a {@link FixtureMock} on 127.0.0.1 that requires SigV4, and the replay is recorded
 * in the same log as a session linked to its source.
 */
class ReplayIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Built before the proxy in the reactor. */
    private static final Path AUDIT_CLI = Path.of("..", "audit-cli", "target", "audit-cli.jar");
    private static final ProfileSpec DEV = new ProfileSpec("dev", "AKIAREPLAYDEV0000001", "devsecret", null, "us-east-1");
    private static final String STATE_NAME = "/content/0/text/Reservations/0/Instances/0/State/Name";

    @TempDir
    Path dir;
    Path db;
    AwsProfileFiles profiles;
    FakeAwsMcpServer sts;
    final List<FixtureMock> mocks = new ArrayList<>();

    @BeforeEach
    void start() {
        db = dir.resolve("audit.db");
        profiles = AwsProfileFiles.write(dir.resolve("aws"), List.of(DEV));
        sts = FakeAwsMcpServer.forProfiles(List.of(DEV), "aws-mcp", "us-east-1"); // answers the proxy's GetCallerIdentity
    }

    @AfterEach
    void stop() {
        mocks.forEach(FixtureMock::close);
        sts.close();
    }

    /** {@link #session} with a recorded {@code servers} section: upstream's initialize and tools/list answers for dev. */
    private static Fixture withServer(Fixture session, JsonNode toolsList) {
        JsonNode initialize = json("{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{\"listChanged\":false}},"
                + "\"serverInfo\":{\"name\":\"aws-mcp\",\"version\":\"1.4.0\"}}");
        Fixture.Server server = new Fixture.Server(initialize, CanonicalJson.sha256Hex(initialize), toolsList,
                CanonicalJson.sha256Hex(toolsList));
        return new Fixture(session.format(), session.source(), session.profiles(), session.redactionRules(), session.volatileFields(),
                Map.of("dev", server), session.calls());
    }

    /** aws___call_aws's input schema, with {@code region} among its properties or not. */
    private static JsonNode tools(boolean withRegion) {
        return json("{\"tools\":[{\"name\":\"aws___call_aws\",\"inputSchema\":{\"type\":\"object\",\"properties\":{"
                + "\"cli_command\":{\"type\":\"string\"}" + (withRegion ? ",\"region\":{\"type\":\"string\"}" : "") + "}}},"
                + "{\"name\":\"aws___suggest_aws_commands\",\"inputSchema\":{\"type\":\"object\"}}]}");
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** s3 ls, ec2 describe-instances (an instance in {@code state}), and a call the proxy denied when recorded. */
    private static Fixture session(String state) {
        String instances = "{\"Reservations\":[{\"Instances\":[{\"InstanceId\":\"i-0b2\",\"State\":{\"Name\":\"" + state
                + "\"}}]}],\"ResponseMetadata\":{\"RequestId\":\"req-1\"}}";
        return new Fixture(Fixture.FORMAT,
                new Fixture.Source("log-replay-it", "sess-recorded-1", "0.1.0", "https://aws-mcp.us-east-1.api.aws/mcp",
                        "2025-06-18", "2026-12-05T05:00:00Z", "audit-cli 0.1.0"),
                Map.of("dev", new Fixture.Profile("000000000001", "us-east-1")), List.of(), null, null,
                List.of(call(3, "aws s3 ls", Outcome.OK, text("2026-01-01 00:00:00 audit-logs-000000000001")),
                        call(5, "aws ec2 describe-instances --region us-east-1", Outcome.OK, text(instances)),
                        call(7, "aws iam delete-user --user-name bob", Outcome.DENIED, null)));
    }

    private static JsonNode text(String text) {
        var result = JSON.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        result.put("isError", false);
        return result;
    }

    private static Fixture.Call call(long seq, String cli, Outcome outcome, JsonNode result) {
        return new Fixture.Call(seq, "hash-" + seq, outcome == Outcome.DENIED ? null : seq + 1, null, "call-" + seq, "dev",
                Fixture.Call.TOOLS_CALL, "aws___call_aws", null, JSON.createObjectNode().put("cli_command", cli), outcome,
                outcome == Outcome.DENIED ? "not an allowed profile" : null, result,
                result == null ? null : CanonicalJson.sha256Hex(result), result == null ? null : true, null, false, null);
    }

    private FixtureMock serve(Fixture fixture) {
        FixtureMock mock = FixtureMock.builder().fixture(fixture).profileKey("dev", DEV.accessKeyId()).requireSigV4(true).start();
        mocks.add(mock);
        return mock;
    }

    private Path write(Fixture fixture, String name) throws Exception {
        Path file = dir.resolve(name);
        fixture.write(file);
        return file;
    }

    /** audit-cli as a subprocess; the proxy it starts inherits this environment. */
    private Run auditCli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProxyProcess.javaBinary(), "-jar", AUDIT_CLI.toString(), "--db", db.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = new HashMap<>(pb.environment());
        profiles.applyTo(env);
        env.put("HOME", dir.toString());
        env.putAll(sts.stsEnvironment());
        env.remove("MCP_AUDIT_PROXY_JAR");
        env.remove("MCP_AUDIT_DB");
        pb.environment().clear();
        pb.environment().putAll(env);
        Path out = dir.resolve("out-" + System.nanoTime());
        Path err = dir.resolve("err-" + System.nanoTime());
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("audit-cli replay finished").isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    record Run(int exitCode, String out, String err) {}

    @Test
    void aSessionReplayedAgainstItsOwnFixtureMatchesAndIsLinkedToItsSource() throws Exception {
        Fixture recorded = session("running");
        FixtureMock mock = serve(recorded);

        Run run = auditCli("replay", write(recorded, "session.mcpfix.json").toString(), "--endpoint", mock.url().toString(),
                "--proxy-jar", ProxyProcess.JAR.toString());

        assertThat(run.exitCode()).as("stdout:\n%s\nstderr:\n%s", run.out(), run.err()).isZero();
        assertThat(run.out()).contains("mock on loopback");
        assertThat(run.out().lines().filter(l -> l.startsWith("CATALOGUE")).toList()).as("this fixture has no servers section")
                .containsExactly("CATALOGUE  NOT-RECORDED  dev  initialize  (the fixture holds no such answer: recorded without"
                        + " --record-results, or made by hand)",
                        "CATALOGUE  NOT-RECORDED  dev  tools/list  (the fixture holds no such answer: recorded without"
                        + " --record-results, or made by hand)");
        assertThat(run.out().lines().filter(l -> l.matches("^([A-Z-]+ |Result: ).*") && !l.startsWith("CATALOGUE")).toList()).satisfiesExactly(
                l -> assertThat(l).startsWith("MATCH    #1  seq 3").endsWith("aws___call_aws s3 ls"),
                l -> assertThat(l).startsWith("MATCH    #2  seq 5").contains("aws___call_aws ec2 describe-instances"),
                l -> assertThat(l).startsWith("SKIPPED  #3  seq 7").endsWith("the proxy refused it when recorded"),
                l -> assertThat(l).startsWith("Result: 3 calls: 2 match, 0 changed, 0 outcome changed, 0 missing, 0 hash-only,"
                        + " 1 skipped. Exit 0."));
        assertThat(mock.misses()).isEmpty();
        assertThat(mock.unusedCalls()).isEmpty();

        List<JsonNode> clients = clientInfos();
        assertThat(clients).hasSize(1);
        JsonNode client = clients.get(0);
        assertThat(client.path("name").asText()).isEqualTo("audit-cli replay");
        assertThat(client.path("replay_of").path("log_id").asText()).isEqualTo("log-replay-it");
        assertThat(client.path("replay_of").path("session_id").asText()).isEqualTo("sess-recorded-1");
        assertThat(replayedCalls()).containsExactly("aws s3 ls", "aws ec2 describe-instances --region us-east-1");
        assertThat(payloads("session.ended")).as("the proxy ended its session cleanly when stdin closed").hasSize(1);
    }

    @Test
    void aChangedResultIsReportedAtItsCallAndPointer() throws Exception {
        FixtureMock mock = serve(session("stopped")); // upstream now answers differently
        Path recorded = write(session("running"), "session.mcpfix.json");

        // no --proxy-jar: found at proxy/target/, beside audit-cli/target/, as in this repository's build
        Run run = auditCli("replay", recorded.toString(), "--endpoint", mock.url().toString(), "--format", "json");

        assertThat(run.exitCode()).as("stdout:\n%s\nstderr:\n%s", run.out(), run.err()).isEqualTo(1);
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.path("calls").findValuesAsText("status")).containsExactly("match", "changed", "skipped");
        JsonNode changed = report.path("calls").get(1);
        assertThat(changed.path("seq").asLong()).isEqualTo(5);
        assertThat(changed.path("differences")).hasSize(1);
        assertThat(changed.path("differences").get(0).path("pointer").asText()).isEqualTo(STATE_NAME);
        assertThat(changed.path("differences").get(0).path("expected").asText()).isEqualTo("running");
        assertThat(changed.path("differences").get(0).path("actual").asText()).isEqualTo("stopped");
        assertThat(report.path("summary").path("first_drift_seq").asLong()).isEqualTo(5);
        assertThat(run.err()).doesNotContain("\r"); // no progress bar when stdout is a pipe
    }

    @Test
    void aToolCatalogueThatDiffersFromTheRecordedOneIsCatalogueDrift() throws Exception {
        FixtureMock mock = serve(withServer(session("running"), tools(true))); // upstream's aws___call_aws now takes a region
        Path recorded = write(withServer(session("running"), tools(false)), "session.mcpfix.json");

        Run run = auditCli("replay", recorded.toString(), "--endpoint", mock.url().toString(), "--proxy-jar", ProxyProcess.JAR.toString());
        Run json = auditCli("replay", recorded.toString(), "--endpoint", mock.url().toString(), "--proxy-jar", ProxyProcess.JAR.toString(),
                "--format", "json");

        assertThat(run.exitCode()).as("stdout:\n%s\nstderr:\n%s", run.out(), run.err()).isEqualTo(1);
        assertThat(run.out()).contains("CATALOGUE  SAME     dev  initialize\n",
                "CATALOGUE  CHANGED  dev  tools/list\n             /tools/0/inputSchema/properties/region: (absent) -> {\"type\":\"string\"}\n",
                "2 match, 0 changed", "The server's catalogue changed: dev tools/list. Exit 1.");
        assertThat(json.exitCode()).isEqualTo(1);
        JsonNode catalogue = JSON.readTree(json.out()).path("catalogue");
        assertThat(catalogue.findValuesAsText("status")).containsExactly("same", "changed");
        assertThat(catalogue.get(1).path("what").asText()).isEqualTo("tools/list");
        assertThat(catalogue.get(1).path("differences").get(0).path("pointer").asText()).isEqualTo("/tools/0/inputSchema/properties/region");
        assertThat(catalogue.get(1).path("differences").get(0).path("kind").asText()).isEqualTo("added");
    }

    @Test
    void aToolCatalogueAsRecordedIsTheSame() throws Exception {
        Fixture recorded = withServer(session("running"), tools(true));
        FixtureMock mock = serve(recorded); // serves the recorded servers section

        Run run = auditCli("replay", write(recorded, "session.mcpfix.json").toString(), "--endpoint", mock.url().toString(),
                "--proxy-jar", ProxyProcess.JAR.toString());

        assertThat(run.exitCode()).as("stdout:\n%s\nstderr:\n%s", run.out(), run.err()).isZero();
        assertThat(run.out().lines().filter(l -> l.startsWith("CATALOGUE")).toList())
                .containsExactly("CATALOGUE  SAME  dev  initialize", "CATALOGUE  SAME  dev  tools/list");
        assertThat(payloads("tools.listed")).as("the replay listed tools once, through the proxy").hasSize(1);
    }

    @Test
    void againstRealAwsADryRunSkipsTheWriteAndStrictRefusesIt() throws Exception {
        List<Fixture.Call> calls = new ArrayList<>(session("running").calls());
        calls.add(call(9, "aws s3api put-bucket-policy --bucket b --policy file://p.json", Outcome.OK, text("")));
        Fixture withWrite = new Fixture(Fixture.FORMAT, session("running").source(), Map.of(), List.of(), null, null, calls);
        Path file = write(withWrite, "with-write.mcpfix.json");
        String aws = "https://aws-mcp.us-east-1.api.aws/mcp"; // nothing is sent in either run

        Run plan = auditCli("replay", file.toString(), "--endpoint", aws, "--dry-run", "--proxy-jar", ProxyProcess.JAR.toString());
        Run strict = auditCli("replay", file.toString(), "--endpoint", aws, "--strict", "--proxy-jar", ProxyProcess.JAR.toString());

        assertThat(plan.exitCode()).as(plan.err()).isZero();
        assertThat(plan.out()).doesNotContain("CATALOGUE");
        assertThat(plan.out()).contains("SEND  #1  seq 3", "SEND  #2  seq 5",
                "SKIP  #4  seq 9  dev  aws___call_aws s3api put-bucket-policy  write operation s3api put-bucket-policy",
                "Nothing was sent.");
        assertThat(strict.exitCode()).isEqualTo(4);
        assertThat(strict.out()).isEmpty();
        assertThat(strict.err()).contains("#4  seq 9", "--allow-writes 's3api put-bucket-policy'");
        assertThat(Files.exists(db)).as("no proxy started, so no log written").isFalse();
    }

    /** The clientInfo of every client.initialized event in the log. */
    private List<JsonNode> clientInfos() throws Exception {
        List<JsonNode> infos = new ArrayList<>();
        for (String payload : payloads("client.initialized")) {
            infos.add(JSON.readTree(payload).path("client_info"));
        }
        return infos;
    }

    /** The cli_command of every call.requested event in the log, in order. */
    private List<String> replayedCalls() throws Exception {
        List<String> commands = new ArrayList<>();
        for (String payload : payloads("call.requested")) {
            commands.add(JSON.readTree(payload).path("args").path("cli_command").asText());
        }
        return commands;
    }

    private List<String> payloads(String type) {
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            return log.jdbi().withHandle(h -> h.createQuery("SELECT payload FROM events WHERE type = :type ORDER BY seq")
                    .bind("type", type).mapTo(String.class).list());
        }
    }
}
