package dev.mcpaudit.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.fixtures.AwsProfileFiles;
import dev.mcpaudit.fixtures.AwsProfileFiles.ProfileSpec;
import dev.mcpaudit.schema.AuditLog;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How sessions end with real agents: they close stdin, wait about two seconds, then send SIGTERM.
 * Upstream is the MCP Java SDK's own server, which holds each session's listening stream open.
 */
class ShutdownIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ProfileSpec DEV = new ProfileSpec("dev", "AKIADEVDEVDEVDEV0001", "devsecret", null, "us-east-1");
    private static final ProfileSpec PROD = new ProfileSpec("prod", "AKIAPRODPRODPROD0002", "prodsecret", null, "eu-west-1");
    /** What an agent waits between closing stdin and sending SIGTERM. */
    private static final Duration AGENT_PATIENCE = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    SdkStreamableUpstream upstream;
    Map<String, String> env;
    Path db;
    ProxyProcess proxy;
    int nextId = 1;

    @BeforeEach
    void start() throws Exception {
        upstream = new SdkStreamableUpstream();
        AwsProfileFiles profiles = AwsProfileFiles.write(dir.resolve("aws"), List.of(DEV, PROD));
        db = dir.resolve("audit.db");
        env = new HashMap<>();
        profiles.applyTo(env);
        env.put("HOME", dir.toString());
        env.put("MCP_AUDIT_DB", db.toString());
        // No STS here: the account lookup falls back at once instead of waiting for one.
        env.put("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1");
        List<String> args = new ArrayList<>(List.of(upstream.endpoint().toString(), "--service", "aws-mcp",
                "--region", "us-east-1", "--profile", "dev", "prod", "--log-level", "INFO"));
        proxy = new ProxyProcess(args, env);
        request("initialize", "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"Shutdown Test\",\"version\":\"1\"}}");
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        upstream.close();
    }

    private void send(int id, String method, String params) throws Exception {
        proxy.send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}");
    }

    private JsonNode request(String method, String params) throws Exception {
        int id = nextId++;
        send(id, method, params);
        return proxy.readResponse(id, WAIT);
    }

    private JsonNode call(String tool, String arguments) throws Exception {
        return request("tools/call", "{\"name\":\"" + tool + "\",\"arguments\":" + arguments + "}");
    }

    /** Starts a call that upstream answers only after {@code ms}, and waits until upstream is working on it. */
    private int startSlowCall(long ms) throws Exception {
        int id = nextId++;
        send(id, "tools/call", "{\"name\":\"slow\",\"arguments\":{\"ms\":" + ms + "}}");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (upstream.slowCallsStarted() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(upstream.slowCallsStarted()).isEqualTo(1);
        return id;
    }

    /** Uses both profiles, so that two upstream sessions with listening streams are open. */
    private void workInBothProfiles() throws Exception {
        assertThat(call("aws___call_aws", "{\"cli_command\":\"aws s3 ls\",\"aws_profile\":\"dev\"}").at("/result/isError")
                .asBoolean()).isFalse();
        assertThat(call("aws___call_aws", "{\"cli_command\":\"aws s3 ls\",\"aws_profile\":\"prod\"}").at("/result/isError")
                .asBoolean()).isFalse();
        assertThat(upstream.liveSessions()).hasSize(2);
        Thread.sleep(300); // the listening streams are opened in the background
    }

    /**
     * Ends the session as an agent does (stdin closed; after two seconds, SIGTERM if still running) and
     * measures until the process has exited.
     */
    private long closeStdinAndTimeExit() throws Exception {
        long t0 = System.nanoTime();
        proxy.closeStdin();
        if (!proxy.exitedWithin(AGENT_PATIENCE)) {
            System.out.println("the proxy was still running two seconds after stdin closed: SIGTERM");
            proxy.signal("TERM");
        }
        assertThat(proxy.waitFor(AGENT_PATIENCE)).as("exit code; stderr:\n%s", proxy.stderr()).isZero();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private JsonNode sessionEnded() throws Exception {
        List<String> payloads = payloads("session.ended");
        assertThat(payloads).as("session.ended events; stderr:\n%s", proxy.stderr()).hasSize(1);
        return JSON.readTree(payloads.get(0));
    }

    private List<String> payloads(String type) {
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            return log.jdbi().withHandle(h -> h.createQuery("SELECT payload FROM events WHERE type = :t ORDER BY seq")
                    .bind("t", type).mapTo(String.class).list());
        }
    }

    private Map<String, Object> onlyCallOf(String tool) {
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            List<Map<String, Object>> rows = log.jdbi().withHandle(h -> h.createQuery(
                    "SELECT * FROM calls WHERE tool = :t").bind("t", tool).mapToMap().list());
            assertThat(rows).hasSize(1);
            return rows.get(0);
        }
    }

    @Test
    void closingStdinEndsTheSessionCleanlyWithinOneSecond() throws Exception {
        workInBothProfiles();

        long millis = closeStdinAndTimeExit();

        System.out.println("shutdown after stdin EOF, nothing in flight: " + millis + " ms");
        assertThat(millis).as("ms from stdin EOF to exit").isLessThan(1000);
        assertThat(upstream.liveSessions()).as("upstream sessions left open").isEmpty();
        assertThat(upstream.deletes()).isEqualTo(2);
        JsonNode ended = sessionEnded();
        assertThat(ended.path("ended_by").asText()).isEqualTo("stdin_closed");
        assertThat(ended.path("calls_requested").asLong()).isEqualTo(2);
        assertThat(ended.path("calls_completed").asLong()).isEqualTo(2);
        assertThat(ended.path("calls_cancelled_by_shutdown").asLong()).isZero();
    }

    @Test
    void aCallStillRunningWhenStdinClosesIsCancelledAndRecordedSoBeforeTheAgentWouldKill() throws Exception {
        workInBothProfiles();
        startSlowCall(30_000);

        long millis = closeStdinAndTimeExit();

        System.out.println("shutdown after stdin EOF, one call in flight: " + millis + " ms");
        Map<String, Object> slow = onlyCallOf("slow");
        assertThat(slow.get("outcome")).isEqualTo("cancelled");
        assertThat(String.valueOf(slow.get("error"))).contains("shut down");
        assertThat(upstream.liveSessions()).isEmpty();
        JsonNode ended = sessionEnded();
        assertThat(ended.path("ended_by").asText()).isEqualTo("stdin_closed");
        assertThat(ended.path("calls_cancelled_by_shutdown").asLong()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void aSignalEndsTheSessionWithinTwoSecondsAndCancelsWhatIsInFlight(String signal) throws Exception {
        workInBothProfiles();
        int slowId = startSlowCall(30_000);

        long t0 = System.nanoTime();
        proxy.signal(signal);
        int exit = proxy.waitFor(AGENT_PATIENCE);
        long millis = (System.nanoTime() - t0) / 1_000_000;

        System.out.println("shutdown after SIG" + signal + ", one call in flight: " + millis + " ms");
        assertThat(exit).as("exit code; stderr:\n%s", proxy.stderr()).isZero();
        JsonNode answer = proxy.readResponse(slowId, Duration.ofSeconds(1));
        assertThat(answer.at("/result/isError").asBoolean()).isTrue();
        assertThat(answer.at("/result/content/0/text").asText()).contains("shut down");
        Map<String, Object> slow = onlyCallOf("slow");
        assertThat(slow.get("outcome")).isEqualTo("cancelled");
        assertThat(upstream.liveSessions()).as("upstream sessions left open").isEmpty();
        JsonNode ended = sessionEnded();
        assertThat(ended.path("ended_by").asText()).isEqualTo("SIG" + signal);
        assertThat(ended.path("calls_cancelled_by_shutdown").asLong()).isEqualTo(1);
    }

    @Test
    void aSignalDuringTheGracePeriodAfterStdinClosedStillEndsOnce() throws Exception {
        startSlowCall(30_000);

        proxy.closeStdin();
        Thread.sleep(200);
        proxy.signal("TERM");

        assertThat(proxy.waitFor(AGENT_PATIENCE)).isZero();
        assertThat(onlyCallOf("slow").get("outcome")).isEqualTo("cancelled");
        assertThat(sessionEnded().path("ended_by").asText()).isEqualTo("stdin_closed");
        assertThat(upstream.liveSessions()).isEmpty();
    }
}
