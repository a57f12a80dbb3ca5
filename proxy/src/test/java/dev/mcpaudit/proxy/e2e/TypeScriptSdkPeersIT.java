package dev.mcpaudit.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.fixtures.AwsProfileFiles;
import dev.mcpaudit.fixtures.AwsProfileFiles.ProfileSpec;
import dev.mcpaudit.schema.AuditLog;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * The proxy between two peers nobody here wrote: the official MCP TypeScript SDK's stdio client as
 * the agent (it closes stdin, waits 2 s, then sends SIGTERM) and its Streamable-HTTP server as
 * upstream (it keeps each session's listening stream open and silent). Installed by the build from
 * {@code src/test/node} with npm.
 */
class TypeScriptSdkPeersIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PEERS = Path.of("target", "node-peers");
    private static final ProfileSpec DEV = new ProfileSpec("dev", "AKIADEVDEVDEVDEV0001", "devsecret", null, "us-east-1");
    private static final ProfileSpec PROD = new ProfileSpec("prod", "AKIAPRODPRODPROD0002", "prodsecret", null, "eu-west-1");

    @TempDir
    Path dir;

    Process upstream;
    URI upstreamBase;
    Path db;

    @BeforeEach
    void startUpstream() throws Exception {
        assertThat(PEERS.resolve("node_modules/@modelcontextprotocol/sdk")).as("npm ci ran in the build").isDirectory();
        upstream = new ProcessBuilder("node", "upstream-server.mjs").directory(PEERS.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(upstream.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).startsWith("PORT ");
        upstreamBase = URI.create("http://127.0.0.1:" + line.substring(5).trim());
        db = dir.resolve("audit.db");
    }

    @AfterEach
    void stopUpstream() {
        upstream.destroyForcibly();
    }

    /** Runs the SDK client, which starts the packaged proxy as an agent does; returns its one-line report. */
    private JsonNode runAgent(String scenario) throws Exception {
        AwsProfileFiles profiles = AwsProfileFiles.write(dir.resolve("aws"), List.of(DEV, PROD));
        List<String> cmd = new ArrayList<>(List.of("node", "agent-client.mjs", ProxyProcess.javaBinary(), "-jar",
                ProxyProcess.JAR.toAbsolutePath().toString(), upstreamBase.resolve("/mcp").toString(),
                "--service", "aws-mcp", "--region", "us-east-1", "--profile", "dev", "prod"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(PEERS.toFile());
        Map<String, String> env = new HashMap<>();
        profiles.applyTo(env);
        env.put("MCP_AUDIT_DB", db.toString());
        env.put("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1"); // no STS: accounts fall back at once
        env.put("SCENARIO", scenario);
        pb.environment().putAll(env);
        Path stderr = dir.resolve("agent-stderr.txt");
        pb.redirectError(stderr.toFile());
        Process agent = pb.start();
        String report = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(agent.exitValue()).as("agent exit; stderr:\n%s", Files.readString(stderr)).isZero();
        return JSON.readTree(report);
    }

    private JsonNode upstreamStats() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(upstreamBase.resolve("/stats")).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private List<String> payloads(String type) {
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            return log.jdbi().withHandle(h -> h.createQuery("SELECT payload FROM events WHERE type = :t ORDER BY seq")
                    .bind("t", type).mapTo(String.class).list());
        }
    }

    @Test
    void theSdkClientsCloseEndsTheProxyBeforeItWouldSendSigtermAndUpstreamSessionsAreDeleted() throws Exception {
        JsonNode report = runAgent("idle");

        System.out.println("TypeScript SDK client close(), nothing in flight: proxy exited after "
                + report.path("exitedAfterMs").asLong() + " ms");
        assertThat(report.path("results").toString()).contains("ran: aws s3 ls");
        assertThat(report.path("exitedAfterMs").asLong()).as("ms from close() to the proxy's exit").isBetween(1L, 1000L);
        assertThat(report.path("signalsSent")).as("signals the client had to send").isEmpty();
        assertThat(report.path("exitCode").asInt()).isZero();
        JsonNode stats = upstreamStats();
        assertThat(stats.path("initialized").asInt()).isEqualTo(2);
        assertThat(stats.path("deletes").asInt()).isEqualTo(2);
        assertThat(stats.path("live").asInt()).as("upstream sessions left open").isZero();
        List<String> ended = payloads("session.ended");
        assertThat(ended).hasSize(1);
        assertThat(JSON.readTree(ended.get(0)).path("ended_by").asText()).isEqualTo("stdin_closed");
    }

    @Test
    void aCallInFlightWhenTheSdkClientClosesIsRecordedAsCancelledAndTheProxyStillExitsBeforeSigterm() throws Exception {
        JsonNode report = runAgent("in-flight");

        System.out.println("TypeScript SDK client close(), one call in flight: proxy exited after "
                + report.path("exitedAfterMs").asLong() + " ms; signals sent: " + report.path("signalsSent"));
        // Normally within the client's first two seconds; if its SIGTERM comes first, the same orderly end follows.
        assertThat(report.path("exitedAfterMs").asLong()).as("ms from close() to the proxy's exit").isBetween(1L, 3900L);
        assertThat(report.path("exitCode").asInt()).isZero();
        assertThat(upstreamStats().path("live").asInt()).isZero();
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            Map<String, Object> slow = log.jdbi().withHandle(h -> h.createQuery("SELECT * FROM calls WHERE tool = 'slow'")
                    .mapToMap().one());
            assertThat(slow.get("outcome")).isEqualTo("cancelled");
        }
        JsonNode ended = JSON.readTree(payloads("session.ended").get(0));
        assertThat(ended.path("calls_cancelled_by_shutdown").asInt()).isEqualTo(1);
    }
}
