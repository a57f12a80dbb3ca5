package dev.mcpaudit.proxy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.fixtures.AwsProfileFiles;
import dev.mcpaudit.fixtures.AwsProfileFiles.ProfileSpec;
import dev.mcpaudit.fixtures.FakeAwsMcpServer;
import dev.mcpaudit.fixtures.SigV4TestClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Per-call latency of a tools/call through the packaged proxy (agent → stdio → proxy → SigV4 HTTP →
 * fake AWS MCP Server), with recording on and with recording off, against the same call signed and
 * sent directly over the same HTTP stack (the baseline), all three in one run, sequential and 16
 * concurrent; and start-up to the first initialize answer. Run with {@code ./mvnw -B -Pbench -pl proxy -am verify -DskipTests} (see BENCHMARKS.md).
 */
public final class ProxyLatencyBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ProfileSpec DEV = new ProfileSpec("dev", "AKIABENCHBENCHBENCH1", "benchsecret", null, "us-east-1");
    /** The JIT keeps compiling the proxy's paths (Jackson, SigV4, java.net.http) for ~10k calls; measure after. */
    private static final int WARMUP = Integer.getInteger("bench.warmup", 10_000);
    private static final int CALLS = Integer.getInteger("bench.calls", 6000);
    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 16);

    private ProxyLatencyBench() {}

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "target/mcp-audit-proxy.jar");
        Path dir = Files.createTempDirectory("proxy-bench");
        AwsProfileFiles profiles = AwsProfileFiles.write(dir.resolve("aws"), List.of(DEV));
        try (FakeAwsMcpServer upstream = FakeAwsMcpServer.forProfiles(List.of(DEV), "aws-mcp", "us-east-1")) {
            Map<String, String> env = new HashMap<>(System.getenv());
            profiles.applyTo(env);
            env.put("HOME", dir.toString());
            env.putAll(upstream.stsEnvironment());
            env.put("MCP_AUDIT_DB", dir.resolve("audit.db").toString());
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            // e.g. -Dbench.proxyJvmArgs=-XX:StartFlightRecording=filename=/tmp/proxy.jfr to profile the proxy
            String jvmArgs = System.getProperty("bench.proxyJvmArgs", "");
            if (!jvmArgs.isBlank()) {
                cmd.addAll(List.of(jvmArgs.split("\\s+")));
            }
            List<String> proxyArgs = List.of("-jar", jar.toString(), upstream.endpoint().toString(), "--service", "aws-mcp",
                    "--region", "us-east-1", "--profile", "dev");
            List<String> auditOff = new ArrayList<>(cmd);
            auditOff.add("-Dmcpaudit.bench.auditOff=true"); // the same proxy, recording nothing: the audit's cost is the difference
            auditOff.addAll(proxyArgs);
            cmd.addAll(proxyArgs);

            long[] startups = new long[5];
            for (int i = 0; i < startups.length; i++) {
                try (Stdio proxy = new Stdio(cmd, env)) {
                    long t0 = System.nanoTime();
                    proxy.initialize();
                    startups[i] = System.nanoTime() - t0;
                }
            }

            SigV4TestClient direct = new SigV4TestClient(DEV.accessKeyId(), DEV.secretKey(), null, "us-east-1", "aws-mcp");
            HttpResponse<String> init = direct.postJson(upstream.endpoint(), null, "{\"jsonrpc\":\"2.0\",\"id\":0,"
                    + "\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}");
            String session = init.headers().firstValue("mcp-session-id").orElseThrow();
            Call directCall = id -> directCall(direct, upstream.endpoint().toURL(), session, toolCall(id));

            try (Stdio proxy = new Stdio(cmd, env); Stdio unaudited = new Stdio(auditOff, env)) {
                proxy.initialize();
                unaudited.initialize();
                for (Call path : List.<Call>of(directCall, unaudited::call, proxy::call)) {
                    measure("warm-up", path, 1, WARMUP);
                    measure("warm-up", path, CONCURRENCY, WARMUP / 2);
                }
                upstream.reset();
                long[][] seq = interleaved(List.of(directCall, unaudited::call, proxy::call), 1);
                long cpuBefore = proxy.cpuMillis();
                measure("proxy", proxy::call, 1, CALLS);
                double cpuPerCall = (proxy.cpuMillis() - cpuBefore) * 1000.0 / CALLS;
                long[][] par = interleaved(List.of(directCall, unaudited::call, proxy::call), CONCURRENCY);
                upstream.reset(); // WireMock keeps every request; don't let the journal grow with the run

                StringBuilder out = new StringBuilder();
                out.append(String.format("start-up to first initialize answer: median %.0f ms (of %d runs)%n%n",
                        median(startups) / 1e6, startups.length));
                out.append(String.format("proxy (audit on) CPU time per sequential call (user + system, from /proc): %.0f µs%n%n",
                        cpuPerCall));
                out.append("| run | calls | percentile | direct | proxy, audit off | proxy, audit on | proxy overhead (off − direct)"
                        + " | audit cost (on − off) |\n");
                out.append("|---|---|---|---|---|---|---|---|\n");
                row(out, "sequential", seq);
                row(out, CONCURRENCY + " concurrent", par);
                System.out.println();
                System.out.print(out);
                Files.writeString(Path.of("target", "proxy-latency.md"), out);
            }
        }
    }

    /**
     * The baseline: the call made directly, signed, over the same HTTP stack the proxy uses
     * (HttpURLConnection, kept-alive connections, one write per request).
     */
    private static void directCall(SigV4TestClient signer, java.net.URL url, String session, String json) throws Exception {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new HashMap<>(SigV4TestClient.mcpHeaders(session));
        headers.putAll(signer.signHeaders("POST", url.toURI(), body, headers));
        java.net.HttpURLConnection c = (java.net.HttpURLConnection) url.openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        headers.forEach((k, v) -> {
            if (!k.equalsIgnoreCase("host") && !k.equalsIgnoreCase("content-length")) {
                c.setRequestProperty(k, v);
            }
        });
        try (OutputStream out = c.getOutputStream()) {
            out.write(body);
        }
        String answer;
        try (java.io.InputStream in = c.getInputStream()) {
            answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (c.getResponseCode() != 200 || !answer.contains("\"isError\":false")) {
            throw new IllegalStateException("direct call failed: " + answer);
        }
    }

    /**
     * The paths in alternating rounds, so that drift in the machine's load (it is shared, two cores)
     * falls on all alike; returns the latencies of each path, in the order given.
     */
    private static long[][] interleaved(List<Call> paths, int threads) throws Exception {
        int rounds = 6;
        int perRound = CALLS / rounds;
        long[][] out = new long[paths.size()][perRound * rounds];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < paths.size(); i++) {
                System.arraycopy(measure("path " + i, paths.get(i), threads, perRound), 0, out[i], r * perRound, perRound);
            }
        }
        return out;
    }

    @FunctionalInterface
    private interface Call {
        void run(int id) throws Exception;
    }

    private static String toolCall(int id) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"aws___call_aws\","
                + "\"arguments\":{\"cli_command\":\"aws s3api list-objects-v2 --bucket app-logs --prefix 2026/11/\"}}}";
    }

    /** Latencies in ns of {@code calls} calls, {@code threads} at a time. */
    private static long[] measure(String label, Call call, int threads, int calls) throws Exception {
        long[] latencies = new long[calls];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch done = new CountDownLatch(calls);
        List<Exception> failures = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            int id = i + 1;
            pool.execute(() -> {
                try {
                    long t0 = System.nanoTime();
                    call.run(id);
                    latencies[id - 1] = System.nanoTime() - t0;
                } catch (Exception e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        pool.shutdown();
        if (!failures.isEmpty()) {
            throw new IllegalStateException(label + ": " + failures.size() + " calls failed", failures.get(0));
        }
        return latencies;
    }

    /** {direct, audit off, audit on} latencies → a p50 and a p99 line. */
    private static void row(StringBuilder out, String run, long[][] paths) {
        for (int p : new int[] {50, 99}) {
            double direct = percentile(paths[0], p);
            double off = percentile(paths[1], p);
            double on = percentile(paths[2], p);
            out.append(String.format("| %s | %d | p%d | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms |%n", run,
                    paths[0].length, p, direct, off, on, off - direct, on - off));
        }
    }

    private static double percentile(long[] ns, double p) {
        long[] sorted = ns.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)] / 1e6;
    }

    private static double median(long[] ns) {
        long[] sorted = ns.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The proxy as a subprocess: requests may be in flight concurrently; answers are matched by id. */
    private static final class Stdio implements AutoCloseable {
        private final Process process;
        private final OutputStream in;
        private final Map<Integer, CountDownLatch> waiting = new ConcurrentHashMap<>();
        private final Map<Integer, JsonNode> answers = new ConcurrentHashMap<>();
        private final Semaphore writeLock = new Semaphore(1);

        Stdio(List<String> cmd, Map<String, String> env) throws Exception {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().clear();
            pb.environment().putAll(env);
            process = pb.start();
            in = process.getOutputStream();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        JsonNode m = JSON.readTree(line);
                        if (m.has("id") && !m.has("method")) {
                            int id = m.get("id").asInt();
                            answers.put(id, m);
                            CountDownLatch l = waiting.remove(id);
                            if (l != null) {
                                l.countDown();
                            }
                        }
                    }
                } catch (Exception ignored) {
                    // process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        /** User + system CPU time of the proxy process so far (Linux /proc; clock ticks of 10 ms). */
        long cpuMillis() throws Exception {
            String[] f = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"))
                    .replaceFirst("^.*\\) ", "").split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        }

        void initialize() throws Exception {
            JsonNode r = request(1_000_000, "{\"jsonrpc\":\"2.0\",\"id\":1000000,\"method\":\"initialize\",\"params\":"
                    + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}");
            if (!r.has("result")) {
                throw new IllegalStateException("initialize failed: " + r);
            }
            send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        }

        void call(int id) throws Exception {
            JsonNode r = request(id, toolCall(id));
            if (!r.path("result").path("isError").isBoolean() || r.path("result").path("isError").asBoolean()) {
                throw new IllegalStateException("proxy call failed: " + r);
            }
        }

        private JsonNode request(int id, String line) throws Exception {
            CountDownLatch latch = new CountDownLatch(1);
            waiting.put(id, latch);
            send(line);
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no answer to request " + id);
            }
            return answers.remove(id);
        }

        private void send(String line) throws Exception {
            writeLock.acquire();
            try {
                in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
            } finally {
                writeLock.release();
            }
        }

        @Override
        public void close() throws Exception {
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
