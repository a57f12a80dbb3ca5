package dev.mcpaudit.cli.replay;

import static dev.mcpaudit.cli.replay.RecordedSessions.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.fixtures.replay.FixtureMock;
import dev.mcpaudit.fixtures.replay.Fixture.Outcome;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.CanonicalJson;
import dev.mcpaudit.schema.ProductVersion;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FixtureExportCommandTest {
    @TempDir
    Path dir;

    Path db;
    SampleSession session;

    @BeforeEach
    void record() {
        db = dir.resolve("audit.db");
        session = SampleSession.record(db);
    }

    @Test
    void exportsTheSessionAsTheExpectedFixture() throws Exception {
        Path file = dir.resolve("session.mcpfix.json");

        CliRun run = CliRun.of("fixture", "export", "--session", SampleSession.ID, "--out", file.toString(), "--db", db.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        Fixture actual = Fixture.read(file);
        assertThat(actual.source().exportedAt()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        // Key order aside: results come back in the log's canonical (RFC 8785) order.
        assertThat(json(actual.toJson())).isEqualTo(json(expected(actual.source().exportedAt()).toJson()));
        assertThat(run.err())
                .contains("seq " + session.neverCompleted.request().seq() + " [dev] tools/call aws___call_aws never completed; not exported.")
                .contains("Exported 7 calls (1 denied, 0 unservable) of session " + SampleSession.ID);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void theProjectsOwnFixtureMockServesTheExportedFileAsUpstreamAnswered() throws Exception {
        Path file = dir.resolve("session.mcpfix.json");
        assertThat(CliRun.of("fixture", "export", "--session", SampleSession.ID, "--out", file.toString(), "--db",
                db.toString()).exitCode()).isZero();

        try (FixtureMock mock = FixtureMock.builder().fixture(file).start()) {
            HttpResponse<String> init = post(mock.url(), null, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\","
                    + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\"}}}");
            assertThat(json(init.body()).get("result")).isEqualTo(SampleSession.DEV_INIT);
            String sessionId = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            HttpResponse<String> ls = post(mock.url(), sessionId, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                    + "\"params\":{\"name\":\"aws___call_aws\",\"arguments\":{\"cli_command\":\"aws s3 ls\"}}}");
            assertThat(json(ls.body()).get("result")).isEqualTo(SampleSession.LS_RESULT);
        }
    }

    @Test
    void diffFindsTheExportedCallsSameAsTheSessionsAndOnlyTheNeverCompletedCallMissing() {
        Path file = dir.resolve("session.mcpfix.json");
        assertThat(CliRun.of("fixture", "export", "--session", SampleSession.ID, "--out", file.toString(), "--db",
                db.toString()).exitCode()).isZero();

        CliRun diff = CliRun.of("diff", file.toString(), SampleSession.ID, "--db", db.toString());

        assertThat(diff.out()).as(diff.err()).contains("7 same, 0 similar (volatile fields only), 0 changed, 0 only in A, 1 only in B")
                .contains("seq " + session.neverCompleted.request().seq()).contains("outcome incomplete");
    }

    private static HttpResponse<String> post(URI url, String sessionId, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (sessionId != null) {
            request.header("Mcp-Session-Id", sessionId);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aUniquePrefixNamesTheSessionAndDashWritesToStdout() {
        CliRun run = CliRun.of("--db", db.toString(), "fixture", "export", "--session", SampleSession.UNIQUE_PREFIX, "--out", "-");

        assertThat(run.exitCode()).as(run.err()).isZero();
        Fixture f = Fixture.parse(run.out());
        assertThat(f.source().sessionId()).isEqualTo(SampleSession.ID);
        assertThat(f.calls()).hasSize(7);
    }

    @Test
    void anAmbiguousPrefixIsAUsageErrorNamingTheCandidates() {
        Path file = dir.resolve("x.mcpfix.json");

        CliRun run = CliRun.of("fixture", "export", "--session", SampleSession.AMBIGUOUS_PREFIX, "--out", file.toString(),
                "--db", db.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(SampleSession.AMBIGUOUS_PREFIX + " is the start of more than one session id")
                .contains(SampleSession.ID).contains(SampleSession.OTHER_ID).contains("give more of it");
        assertThat(file).doesNotExist();
    }

    @Test
    void anUnknownSessionIsAUsageErrorThatSaysWhereToLook() {
        CliRun run = CliRun.of("fixture", "export", "--session", "ffff", "--out", dir.resolve("x.json").toString(),
                "--db", db.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no session ffff in").contains("audit-cli sessions");
    }

    @Test
    void aSessionRecordedWithoutResultsIsRefusedUnlessIncompleteIsAllowed() throws Exception {
        Path other = dir.resolve("no-results.db");
        RecordedSessions.Recorded read;
        RecordedSessions.Recorded cut;
        try (RecordedSessions log = new RecordedSessions(other)) {
            log.started("s-no-results", false, Map.of("dev", "us-east-1"));
            read = log.call("s-no-results", "dev", null, "aws___call_aws", json("{\"cli_command\":\"aws s3 ls\"}"), "ok",
                    null, SampleSession.LS_RESULT, 10, -1);
            log.call("s-no-results", "dev", null, "aws___call_aws", json("{\"cli_command\":\"aws s3 ls b\"}"), "ok",
                    null, SampleSession.LS_RESULT, 10, -1);
            cut = log.call("s-no-results", "dev", null, "aws___call_aws", json("{\"cli_command\":\"aws s3 ls c\"}"), "ok",
                    null, SampleSession.TERMINATE_RESULT, 10, 20);
            // Nothing to record, so nothing missing: an error of a method other than tools/call has no result.
            log.call("s-no-results", "dev", null, "aws___call_aws", json("{\"cli_command\":\"aws s3 ls d\"}"), "error",
                    "upstream could not be reached", null, 10, -1);
        }
        Path file = dir.resolve("partial.mcpfix.json");

        CliRun refused = CliRun.of("fixture", "export", "--session", "s-no-results", "--out", file.toString(),
                "--db", other.toString());

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("session s-no-results has 2 calls whose results were not recorded and 1 call"
                + " whose result was cut short, so a mock could not answer them")
                .contains("mcp-audit-proxy --record-results").contains("--record-results-max-bytes")
                .contains("--allow-incomplete").contains("No file was written.");
        assertThat(file).doesNotExist();

        CliRun allowed = CliRun.of("fixture", "export", "--session", "s-no-results", "--out", file.toString(),
                "--allow-incomplete", "--db", other.toString());

        assertThat(allowed.exitCode()).as(allowed.err()).isZero();
        Fixture f = Fixture.read(file);
        assertThat(f.calls()).hasSize(4);
        Fixture.Call first = f.calls().get(0);
        assertThat(first.seq()).isEqualTo(read.request().seq());
        assertThat(first.result()).isNull();
        assertThat(first.resultComplete()).isFalse();
        assertThat(first.resultSha256()).isEqualTo(CanonicalJson.sha256Hex(SampleSession.LS_RESULT));
        assertThat(first.isServable()).isFalse();
        Fixture.Call truncated = f.calls().get(2);
        assertThat(truncated.seq()).isEqualTo(cut.request().seq());
        assertThat(truncated.result()).isNull();
        assertThat(truncated.resultComplete()).isFalse();
        Fixture.Call error = f.calls().get(3);
        assertThat(error.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(error.resultComplete()).isNull();
        assertThat(allowed.err()).contains("seq " + cut.request().seq() + " [dev] tools/call aws___call_aws: its result was"
                + " cut short; written without it (unservable).")
                .contains("Exported 4 calls (0 denied, 4 unservable)");
    }

    @Test
    void wiremockNeedsADirectoryNotStdout() {
        CliRun run = CliRun.of("fixture", "export", "--session", SampleSession.ID, "--format", "wiremock", "--out", "-",
                "--db", db.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--format wiremock writes a directory");
    }

    /** What the sample session must export as, written out field by field. */
    private Fixture expected(String exportedAt) {
        String logId;
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            logId = log.logId();
        }
        JsonNode configureArgs = RecordedSessions.storedPayload(db, session.configure.request().seq()).get("args");
        assertThat(configureArgs.get("cli_command").asText())
                .startsWith("aws configure set aws_secret_access_key [REDACTED:aws-secret-access-key:");
        Map<String, Fixture.Profile> profiles = new LinkedHashMap<>();
        profiles.put("dev", new Fixture.Profile(SampleSession.DEV_ACCOUNT, "us-east-1"));
        profiles.put("prod", new Fixture.Profile(SampleSession.PROD_ACCOUNT, "eu-west-1"));
        Map<String, Fixture.Server> servers = new LinkedHashMap<>();
        servers.put("dev", new Fixture.Server(SampleSession.DEV_INIT, sha(SampleSession.DEV_INIT), SampleSession.TOOLS,
                sha(SampleSession.TOOLS)));
        servers.put("prod", new Fixture.Server(SampleSession.PROD_INIT, sha(SampleSession.PROD_INIT), null, null));
        List<Fixture.Call> calls = List.of(
                call(session.ls, "dev", "aws___call_aws", json("{\"cli_command\":\"aws s3 ls\"}"), Outcome.OK,
                        SampleSession.LS_RESULT, "212.5", false, "s3 ls: a read"),
                call(session.terminate, "prod", "aws___call_aws",
                        json("{\"cli_command\":\"aws ec2 terminate-instances --instance-ids i-0abc\"}"), Outcome.OK,
                        SampleSession.TERMINATE_RESULT, "87", true, "ec2 terminate-instances: a write"),
                new Fixture.Call(session.denied.request().seq(), session.denied.request().hash(), null, null,
                        session.denied.callId(), "admin", "tools/call", "aws___call_aws", null,
                        json("{\"cli_command\":\"aws iam list-users\"}"), Outcome.DENIED,
                        "Tool call 'aws___call_aws' was refused: aws_profile 'admin' is not an allowed profile.", null,
                        null, null, null, false, "iam list-users: a read"),
                call(session.script, "dev", "aws___run_script", json("{\"script\":\"print(undefined)\"}"),
                        Outcome.TOOL_ERROR, SampleSession.SCRIPT_RESULT, "1500", true,
                        "aws___run_script: code cannot be proven read-only"),
                call(session.configure, "dev", "aws___call_aws", configureArgs, Outcome.OK,
                        SampleSession.CONFIGURE_RESULT, "40", true, "configure set: a write"),
                call(session.templateFirst, "dev", "aws___call_aws",
                        json("{\"cli_command\":\"aws cloudformation get-template --stack-name db\"}"), Outcome.OK,
                        SampleSession.TEMPLATE_FIRST, "300", false, "cloudformation get-template: a read"),
                call(session.templateSecond, "dev", "aws___call_aws",
                        json("{\"cli_command\":\"aws cloudformation get-template --stack-name db\"}"), Outcome.OK,
                        SampleSession.TEMPLATE_SECOND, "310", false, "cloudformation get-template: a read"));
        Fixture.Source source = new Fixture.Source(logId, SampleSession.ID, "0.1.0", RecordedSessions.ENDPOINT,
                "2025-06-18", exportedAt, "audit-cli " + ProductVersion.get());
        return new Fixture(Fixture.FORMAT, source, profiles, List.of("aws-secret-access-key"), null, servers, calls);
    }

    private static Fixture.Call call(RecordedSessions.Recorded r, String profile, String tool, JsonNode args,
            Outcome outcome, JsonNode result, String durationMs, boolean writes, String reason) {
        return new Fixture.Call(r.request().seq(), r.request().hash(), r.completion().seq(), r.completion().hash(),
                r.callId(), profile, "tools/call", tool, null, args, outcome, null, result, sha(result), true,
                new BigDecimal(durationMs), writes, reason);
    }

    private static String sha(JsonNode node) {
        return CanonicalJson.sha256Hex(node);
    }
}
