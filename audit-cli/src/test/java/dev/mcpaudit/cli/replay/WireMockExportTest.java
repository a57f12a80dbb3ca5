package dev.mcpaudit.cli.replay;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.fixtures.replay.Fixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported stub files, loaded as they are by a stock WireMockServer and driven over HTTP like an MCP client. */
class WireMockExportTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    Path stubs;
    SampleSession session;
    WireMockServer wireMock;

    @BeforeEach
    void exportAndServe() {
        Path db = dir.resolve("audit.db");
        session = SampleSession.record(db);
        stubs = dir.resolve("stubs");
        CliRun run = CliRun.of("fixture", "export", "--session", SampleSession.ID, "--format", "wiremock",
                "--out", stubs.toString(), "--db", db.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("WireMock stubs in " + stubs).contains("serve path /mcp");
        wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort()
                .usingFilesUnderDirectory(stubs.toString()));
        wireMock.start();
    }

    @AfterEach
    void stop() {
        if (wireMock != null) {
            wireMock.stop();
        }
    }

    @Test
    void answersAnMcpClientAsUpstreamDidInTheRecordedSession() throws Exception {
        HttpResponse<String> init = post("""
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                 "capabilities":{},"clientInfo":{"name":"test","version":"1"}}}""");
        assertThat(init.statusCode()).isEqualTo(200);
        assertThat(init.headers().firstValue("Mcp-Session-Id")).hasValue("mcp-audit-fixture");
        assertThat(body(init).get("id").isInt()).isTrue();
        assertThat(body(init).get("id").intValue()).isEqualTo(1);
        assertThat(body(init).get("result")).isEqualTo(SampleSession.DEV_INIT);

        assertThat(post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").statusCode()).isEqualTo(202);

        HttpResponse<String> tools = post("{\"jsonrpc\":\"2.0\",\"id\":\"t-1\",\"method\":\"tools/list\",\"params\":{}}");
        assertThat(body(tools).get("result")).isEqualTo(SampleSession.TOOLS);

        // A string id comes back as that string; _meta (a progress token) does not stop the match.
        HttpResponse<String> ls = post(toolCall("\"abc-1\"", "{\"cli_command\":\"aws s3 ls\"}",
                ",\"_meta\":{\"progressToken\":5}"));
        assertThat(ls.statusCode()).isEqualTo(200);
        assertThat(body(ls).get("id").isTextual()).isTrue();
        assertThat(body(ls).get("id").textValue()).isEqualTo("abc-1");
        assertThat(body(ls).get("result")).isEqualTo(SampleSession.LS_RESULT);

        // A number id comes back as that number.
        HttpResponse<String> terminate = post(toolCall("42",
                "{\"cli_command\":\"aws ec2 terminate-instances --instance-ids i-0abc\"}", ""));
        assertThat(body(terminate).get("id").isInt()).isTrue();
        assertThat(body(terminate).get("id").intValue()).isEqualTo(42);
        assertThat(body(terminate).get("result")).isEqualTo(SampleSession.TERMINATE_RESULT);
    }

    @Test
    void identicalCallsAreAnsweredInRecordedOrderThenMiss() throws Exception {
        String getTemplate = "{\"cli_command\":\"aws cloudformation get-template --stack-name db\"}";

        HttpResponse<String> first = post(toolCall("7", getTemplate, ""));
        HttpResponse<String> second = post(toolCall("8", getTemplate, ""));
        HttpResponse<String> third = post(toolCall("9", getTemplate, ""));

        assertThat(body(first).get("result")).isEqualTo(SampleSession.TEMPLATE_FIRST);
        assertThat(body(second).get("result")).isEqualTo(SampleSession.TEMPLATE_SECOND);
        // Handlebars left the recorded text alone.
        assertThat(body(second).at("/result/content/0/text").textValue())
                .isEqualTo("DbUser: '{{resolve:secretsmanager:x}}' Port: {{{port}}} Path: C:\\{{x}}");
        assertThat(third.statusCode()).isEqualTo(404);
    }

    @Test
    void argumentsMustMatchExactlyExceptWhereASecretWasRedacted() throws Exception {
        String script = "{\"script\":\"print(undefined)\"";

        assertThat(post(toolCall("1", script + ",\"extra\":true}", "")).statusCode()).as("an extra argument").isEqualTo(404);
        assertThat(body(post(toolCall("2", script + "}", ""))).get("result")).isEqualTo(SampleSession.SCRIPT_RESULT);
        // The client sends the secret itself; the recording holds its redaction marker.
        HttpResponse<String> configure = post(toolCall("3", "{\"cli_command\":\"" + SampleSession.CONFIGURE + "\"}", ""));
        assertThat(body(configure).get("result")).isEqualTo(SampleSession.CONFIGURE_RESULT);
        // A denied call never reached upstream: there is nothing to answer it with.
        assertThat(post(toolCall("4", "{\"cli_command\":\"aws iam list-users\"}", "")).statusCode()).isEqualTo(404);
    }

    @Test
    void stubFilesUseNoMatcherOrSwitchThatBreaksOrLoosensMatching() throws Exception {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(stubs)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            String text = Files.readString(f);
            assertThat(text).as(f.toString()).doesNotContain("matchesJsonSchema").doesNotContain("ignoreExtraElements");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
            if (f.getParent().getFileName().toString().equals("__files")) {
                assertThat(text.replace(WireMockStubs.ID_TEMPLATE, "")).as(f.toString()).doesNotContain("{{");
            }
        }
        assertThat(stubs.resolve("mappings/seq-" + String.format("%06d", session.denied.request().seq())
                + "-aws___call_aws.json")).doesNotExist();
    }

    @Test
    void aDirectoryThatIsNotEmptyIsRefused() throws Exception {
        CliRun run = CliRun.of("fixture", "export", "--session", SampleSession.ID, "--format", "wiremock",
                "--out", stubs.toString(), "--db", dir.resolve("audit.db").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("is not empty; give a new directory").doesNotContain("note:");
    }

    @Test
    void otherMethodsAreAnsweredTooAndAnErrorAsAJsonRpcError() throws Exception {
        Fixture fixture = Fixture.parse("""
                {"format": "mcp-audit-fixture/1",
                 "source": {"log_id": "log-1", "session_id": "s-1", "endpoint": "https://gateway.example/v1/mcp"},
                 "profiles": {"dev": {"account_id": null, "region": "us-east-1"}},
                 "calls": [
                  {"seq": 3, "profile": "dev", "method": "resources/read", "target": "aws://docs/readme",
                   "outcome": "ok", "result": {"contents": [{"uri": "aws://docs/readme", "text": "{{readme}}"}]},
                   "result_complete": true},
                  {"seq": 5, "profile": "dev", "method": "prompts/get", "target": "troubleshoot", "args": {"topic": "s3"},
                   "outcome": "error", "error": "Prompt not found: {{troubleshoot}}"},
                  {"seq": 7, "profile": "dev", "method": "tools/call", "tool": "aws___run_script", "args": {"script": "1"},
                   "outcome": "ok", "result_sha256": "ab", "result_complete": false}
                 ]}""");
        Path other = dir.resolve("other-stubs");
        WireMockExport.Written written = WireMockExport.write(fixture, other);
        assertThat(written.urlPath()).isEqualTo("/v1/mcp");
        assertThat(written.skipped()).singleElement().asString().startsWith("seq 7 [dev] tools/call aws___run_script: no stub");
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort()
                .usingFilesUnderDirectory(other.toString()));
        server.start();
        try {
            String url = server.baseUrl() + "/v1/mcp";
            JsonNode read = body(post(url, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/read\","
                    + "\"params\":{\"uri\":\"aws://docs/readme\"}}"));
            assertThat(read.at("/result/contents/0/text").textValue()).isEqualTo("{{readme}}");
            JsonNode prompt = body(post(url, "{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"prompts/get\","
                    + "\"params\":{\"name\":\"troubleshoot\",\"arguments\":{\"topic\":\"s3\"}}}"));
            assertThat(prompt.get("id").textValue()).isEqualTo("p");
            assertThat(prompt.at("/error/message").textValue()).isEqualTo("Prompt not found: {{troubleshoot}}");
            assertThat(prompt.has("result")).isFalse();
        } finally {
            server.stop();
        }
    }

    private static String toolCall(String id, String arguments, String moreParams) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
                + (arguments.contains("script") ? "aws___run_script" : "aws___call_aws") + "\",\"arguments\":" + arguments
                + moreParams + "}}";
    }

    private HttpResponse<String> post(String json) throws Exception {
        return post(wireMock.baseUrl() + "/mcp", json);
    }

    private static HttpResponse<String> post(String url, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode body(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return RecordedSessions.json(response.body());
    }
}
