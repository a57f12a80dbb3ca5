package dev.mcpaudit.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.cli.AuditCli;
import dev.mcpaudit.cli.CliRun;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code audit-cli mock} as a script would run it: a real process, driven over HTTP, stopped by closing its stdin. */
class MockCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopLeftovers() {
        started.forEach(Process::destroyForcibly);
    }

    private Path fixture() throws Exception {
        return DiffFixtures.session("dev", "111122223333")
                .call("aws s3 ls", "2026-01-01 00:00:00 audit-logs")
                .call("aws ec2 describe-instances", "{\"Reservations\":[]}")
                .write(dir.resolve("session.mcpfix.json"));
    }

    private Process startMock(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-XX:TieredStopAtLevel=1", AuditCli.class.getName(), "mock"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("mock.stderr").toFile()).start(); // stdin stays a pipe
        started.add(p);
        return p;
    }

    private static HttpResponse<String> post(URI url, String session, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String callAws(int id, String cli) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"aws___call_aws\","
                + "\"arguments\":{\"cli_command\":\"" + cli + "\"}}}";
    }

    @Test
    void servesRecordedCallsAnswersAMissAsJsonRpcAndReportsBothWhenStdinCloses() throws Exception {
        Process mock = startMock(fixture().toString(), "--port", "0");
        BufferedReader stdout = new BufferedReader(new InputStreamReader(mock.getInputStream(), StandardCharsets.UTF_8));

        String first = stdout.readLine();
        assertThat(first).matches("listening on http://127\\.0\\.0\\.1:\\d+/mcp");
        URI url = URI.create(first.substring("listening on ".length()));

        HttpResponse<String> init = post(url, null, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
        assertThat(init.statusCode()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();

        HttpResponse<String> recorded = post(url, session, callAws(7, "aws s3 ls"));
        JsonNode answer = JSON.readTree(recorded.body());
        assertThat(recorded.statusCode()).isEqualTo(200);
        assertThat(answer.path("id").asInt()).isEqualTo(7);
        assertThat(answer.at("/result/content/0/text").asText()).isEqualTo("2026-01-01 00:00:00 audit-logs");

        HttpResponse<String> miss = post(url, session, callAws(8, "aws iam list-users"));
        JsonNode missAnswer = JSON.readTree(miss.body());
        assertThat(miss.statusCode()).as("a miss is never a 404, which MCP clients read as an expired session").isEqualTo(200);
        assertThat(missAnswer.path("id").asInt()).isEqualTo(8);
        assertThat(missAnswer.at("/error/code").asInt()).isEqualTo(-32601);
        assertThat(missAnswer.at("/error/message").asText()).contains("no recorded call answers this request");

        mock.getOutputStream().close(); // EOF on its stdin: stop
        assertThat(mock.waitFor(30, TimeUnit.SECONDS)).as("the mock stops when its stdin closes").isTrue();
        String err = Files.readString(dir.resolve("mock.stderr"));
        assertThat(mock.exitValue()).as(err).isEqualTo(1);
        assertThat(err).contains("stop it with Ctrl-C or by closing its standard input")
                .contains("mock stopped (standard input closed): 1 miss, 1 recorded call never asked for.")
                .contains("  miss: mcp-audit-mock: no recorded call answers this request").contains("aws iam list-users")
                .contains("unused: seq 20 [dev] tools/call aws___call_aws {\"cli_command\":\"aws ec2 describe-instances\"}");
        assertThat(stdout.readLine()).as("stdout holds the one line only").isNull();
    }

    @Test
    void everyCallServedAndNoMissExitsZero() throws Exception {
        Path file = DiffFixtures.session("dev", "111122223333").call("aws s3 ls", "x").write(dir.resolve("one.mcpfix.json"));
        Process mock = startMock(file.toString());
        String first = new BufferedReader(new InputStreamReader(mock.getInputStream(), StandardCharsets.UTF_8)).readLine();
        URI url = URI.create(first.substring("listening on ".length()));
        String session = post(url, null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}")
                .headers().firstValue("Mcp-Session-Id").orElseThrow();
        post(url, session, callAws(2, "aws s3 ls"));

        mock.getOutputStream().close();

        assertThat(mock.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(mock.exitValue()).as(Files.readString(dir.resolve("mock.stderr"))).isZero();
        assertThat(Files.readString(dir.resolve("mock.stderr"))).contains("0 misses, 0 recorded calls never asked for.");
    }

    @Test
    void aMissingOrInvalidFixtureFileIsAnEnvironmentError() throws Exception {
        Path notAFixture = Files.writeString(dir.resolve("notes.json"), "[1, 2]");

        CliRun missing = CliRun.of("mock", dir.resolve("gone.mcpfix.json").toString());
        CliRun invalid = CliRun.of("mock", notAFixture.toString());

        assertThat(missing.exitCode()).isEqualTo(3);
        assertThat(missing.err()).contains("gone.mcpfix.json does not exist");
        assertThat(missing.out()).isEmpty();
        assertThat(invalid.exitCode()).isEqualTo(3);
        assertThat(invalid.err()).contains("notes.json cannot be served");
    }

    @Test
    void aTakenPortIsAnEnvironmentError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CliRun run = CliRun.of("mock", fixture().toString(), "--port", Integer.toString(taken.getLocalPort()));

            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.err()).contains("port " + taken.getLocalPort() + " on 127.0.0.1 is taken");
            assertThat(run.out()).isEmpty();
        }
    }

    @Test
    void aProfileKeyForAnUnknownProfileIsAUsageError() throws Exception {
        CliRun run = CliRun.of("mock", fixture().toString(), "--profile-key", "prod=AKIAEXAMPLEPROD00001");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("'prod'").contains("[dev]");
    }
}
