package dev.mcpaudit.proxy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.fixtures.AwsProfileFiles;
import dev.mcpaudit.fixtures.AwsProfileFiles.ProfileSpec;
import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.fixtures.replay.FixtureMock;
import dev.mcpaudit.schema.CanonicalJson;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replay and diff at scale (issue 15): {@code audit-cli replay} of an N-call fixture against the mock,
 * as a ratio to the same calls sent straight to the same mock by one plain HTTP client that compares
 * nothing; and {@code audit-cli diff} of two N-call fixtures, as a ratio to reading and parsing both.
 * Run with {@code ./mvnw -B -Preplay-bench -pl proxy -am verify -DskipTests} (BENCHMARKS.md).
 */
public final class ReplayBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CALLS = Integer.getInteger("bench.replayCalls", 10_000);
    private static final ProfileSpec DEV = new ProfileSpec("dev", "AKIAREPLAYBENCHDEV01", "dev-secret", null, "us-east-1");
    private static final ProfileSpec PROD = new ProfileSpec("prod", "AKIAREPLAYBENCHPRD02", "prod-secret", null, "us-east-1");

    private ReplayBench() {}

    public static void main(String[] args) throws Exception {
        Path proxyJar = Path.of(args[0]).toAbsolutePath();
        Path auditCliJar = Path.of(args[1]).toAbsolutePath();
        Path dir = Files.createTempDirectory("replay-bench");
        Fixture fixture = fixture(CALLS, 0);
        Path file = dir.resolve("a.mcpfix.json");
        fixture.write(file);
        Path changed = dir.resolve("b.mcpfix.json");
        fixture(CALLS, 20).write(changed);

        double straight = straightToMock(fixture);
        AwsProfileFiles profiles = AwsProfileFiles.write(dir.resolve("aws"), List.of(DEV, PROD));
        Map<String, String> env = new HashMap<>(System.getenv());
        profiles.applyTo(env);
        env.put("HOME", dir.toString());
        double replay;
        try (FixtureMock mock = FixtureMock.builder().fixture(fixture).profileKey("dev", DEV.accessKeyId())
                .profileKey("prod", PROD.accessKeyId()).start()) {
            long t0 = System.nanoTime();
            run(env, List.of("java", "-jar", auditCliJar.toString(), "replay", file.toString(), "--endpoint",
                    mock.url().toString(), "--proxy-jar", proxyJar.toString(), "--db", dir.resolve("replay.db").toString(),
                    "--format", "json"), dir.resolve("replay.json"));
            replay = (System.nanoTime() - t0) / 1e9;
        }
        long p0 = System.nanoTime();
        Fixture.read(file);
        Fixture.read(changed);
        double parseFloor = (System.nanoTime() - p0) / 1e9;
        long d0 = System.nanoTime();
        int diffExit = run(env, List.of("java", "-jar", auditCliJar.toString(), "diff", file.toString(),
                changed.toString(), "--format", "json"), dir.resolve("diff.json"));
        double diff = (System.nanoTime() - d0) / 1e9;

        StringBuilder out = new StringBuilder();
        out.append(String.format("| what | calls | seconds | calls/s |%n|---|---|---|---|%n"));
        out.append(String.format("| straight to the mock (one HTTP client, no comparison) | %d | %.2f | %.0f |%n",
                CALLS, straight, CALLS / straight));
        out.append(String.format("| audit-cli replay through the proxy (two JVM start-ups included) | %d | %.2f | %.0f |%n",
                CALLS, replay, CALLS / replay));
        out.append(String.format("%nreplay / straight, calls/s: %.2f%n", straight / replay));
        out.append(String.format("%ndiff of two %d-call fixtures (20 results changed): %.2f s, exit %d;"
                + " reading and parsing both in-process (warm JVM): %.2f s%n", CALLS, diff, diffExit, parseFloor));
        System.out.print(out);
        Files.writeString(Path.of("target", "replay-bench.md"), out);
    }

    /** N calls over two profiles; {@code changed} of them get another result than in the N-call original. */
    static Fixture fixture(int n, int changed) {
        List<Fixture.Call> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String profile = i % 2 == 0 ? "dev" : "prod";
            ObjectNode args = JSON.createObjectNode().put("cli_command",
                    "aws s3api head-object --bucket app-logs --key 2026/11/" + i + ".json.gz");
            boolean differs = changed > 0 && i % (n / changed) == 0;
            ObjectNode result = JSON.createObjectNode();
            result.putArray("content").addObject().put("type", "text").put("text",
                    "{\"ContentLength\": " + (1000 + i + (differs ? 1 : 0)) + ", \"ETag\": \"etag-" + i + "\"}");
            result.put("isError", false);
            calls.add(new Fixture.Call(2L * i + 1, "h" + i, 2L * i + 2, "c" + i, "call-" + i, profile, "tools/call",
                    "aws___call_aws", null, args, Fixture.Outcome.OK, null, result, CanonicalJson.sha256Hex(result), true,
                    new BigDecimal("12.5"), false, "s3api head-object: a read"));
        }
        return new Fixture(Fixture.FORMAT, new Fixture.Source("bench-log", "bench-session", "0.1.0",
                "https://aws-mcp.us-east-1.api.aws/mcp", "2025-06-18", "2026-12-05T00:00:00.000Z", "ReplayBench"),
                Map.of("dev", new Fixture.Profile("111122223333", "us-east-1"),
                        "prod", new Fixture.Profile("444455556666", "us-east-1")),
                List.of(), new Fixture.VolatileFields(List.of(), List.of()), Map.of(), calls);
    }

    /** The floor: each recorded call posted to a fresh mock by one client, the answer read, nothing compared. */
    private static double straightToMock(Fixture fixture) throws Exception {
        try (FixtureMock mock = FixtureMock.builder().fixture(fixture).start()) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> init = http.send(post(mock.url(), null, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":"
                    + "\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}"), HttpResponse.BodyHandlers.ofString());
            String session = init.headers().firstValue("mcp-session-id").orElseThrow();
            long t0 = System.nanoTime();
            int id = 1;
            for (Fixture.Call call : fixture.calls()) {
                ObjectNode params = JSON.createObjectNode().put("name", call.tool());
                params.set("arguments", call.args());
                String body = "{\"jsonrpc\":\"2.0\",\"id\":" + id++ + ",\"method\":\"tools/call\",\"params\":" + params + "}";
                JsonNode answer = JSON.readTree(http.send(post(mock.url(), session, body),
                        HttpResponse.BodyHandlers.ofString()).body());
                if (!answer.has("result")) {
                    throw new IllegalStateException("the mock missed a recorded call: " + answer);
                }
            }
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private static HttpRequest post(URI url, String session, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return b.build();
    }

    private static int run(Map<String, String> env, List<String> cmd, Path out) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        return pb.start().waitFor();
    }
}
