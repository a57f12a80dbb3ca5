package dev.mcpaudit.proxy.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.fixtures.AwsProfileFiles;
import dev.mcpaudit.fixtures.AwsProfileFiles.ProfileSpec;
import dev.mcpaudit.fixtures.FakeAwsMcpServer;
import dev.mcpaudit.fixtures.SigV4TestClient;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Per-call latency of a tools/call through the packaged proxy (agent → stdio → proxy → SigV4 HTTP →
 * fake AWS MCP Server), with recording on and with recording off, and through {@link MinimalForwarder},
 * against the same call signed and sent directly over the same HTTP stack (the baseline), all four in
 * one run, sequential and 16 concurrent; and start-up to the first initialize answer. Run with {@code ./mvnw -B -Pbench -pl proxy -am verify -DskipTests} (see BENCHMARKS.md).
 */
public final class ProxyLatencyBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ProfileSpec DEV = new ProfileSpec("dev", "AKIABENCHBENCHBENCH1", "benchsecret", null, "us-east-1");
    /** The JIT keeps compiling the proxy's paths (Jackson, SigV4, the HTTP client) for ~10k calls; measure after. */
    private static final int WARMUP = Integer.getInteger("bench.warmup", 10_000);
    private static final int CALLS = Integer.getInteger("bench.calls", 6000);
    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 16);
    /**
     * How long the fake AWS MCP Server takes to answer in the second set of rounds. The first set uses
     * no delay, so 16 calls in flight saturate the two cores (a throughput limit); a real upstream
     * takes tens to hundreds of milliseconds, which this set imitates.
     */
    private static final int UPSTREAM_DELAY_MS = Integer.getInteger("bench.upstreamDelayMs", 20);
    /**
     * Sequential calls per path with that delay: fewer, since each takes at least the delay. The 16
     * concurrent ones are as many as without delay, so that their p99 is not decided by a single
     * event (one GC pause delays all 16 calls in flight at once).
     */
    private static final int DELAYED_CALLS = Integer.getInteger("bench.delayedCalls", 1200);
    /**
     * Another build of the proxy (e.g. the previous commit's jar) measured as a fifth path, audit on,
     * interleaved with the others: a change's effect on latency, free of the hour-to-hour drift.
     */
    private static final String BASELINE_JAR = System.getProperty("bench.baselineJar", "");
    /** The fake's answer delay for the calls being made now: none while saturating, and in warm-up. */
    private static volatile int delayMs;

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
            List<String> proxyArgs = List.of("-jar", jar.toString(), upstream.endpoint().toString(), "--service", "aws-mcp",
                    "--region", "us-east-1", "--profile", "dev");
            List<String> cmd = proxyCommand("audit-on", proxyArgs);
            // the same proxy, recording nothing: the audit's cost is the difference
            List<String> auditOff = proxyCommand("audit-off", List.of("-Dmcpaudit.bench.auditOff=true"));
            auditOff.addAll(proxyArgs);

            long[] startups = new long[5];
            for (int i = 0; i < startups.length; i++) {
                try (BenchProxyProcess proxy = new BenchProxyProcess(cmd, env, ProxyLatencyBench::toolCall)) {
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

            List<String> forwarderCmd = proxyCommand("forwarder", List.of("-cp", System.getProperty("java.class.path"),
                    MinimalForwarder.class.getName(), upstream.endpoint().toString(), session, DEV.accessKeyId(),
                    DEV.secretKey(), "us-east-1", "aws-mcp"));
            Map<String, String> baselineEnv = new HashMap<>(env);
            baselineEnv.put("MCP_AUDIT_DB", dir.resolve("baseline-audit.db").toString()); // its own log, as each proxy has
            List<String> baselineCmd = proxyCommand("baseline", List.of("-jar", BASELINE_JAR.isEmpty() ? jar.toString()
                    : BASELINE_JAR, upstream.endpoint().toString(), "--service", "aws-mcp", "--region", "us-east-1",
                    "--profile", "dev"));
            try (BenchProxyProcess proxy = new BenchProxyProcess(cmd, env, ProxyLatencyBench::toolCall); BenchProxyProcess unaudited = new BenchProxyProcess(auditOff, env, ProxyLatencyBench::toolCall);
                    BenchProxyProcess forwarder = new BenchProxyProcess(forwarderCmd, env, ProxyLatencyBench::toolCall);
                    BenchProxyProcess baseline = BASELINE_JAR.isEmpty() ? null : new BenchProxyProcess(baselineCmd, baselineEnv, ProxyLatencyBench::toolCall);
                    DurableCommitFloor floor = new DurableCommitFloor(dir)) {
                proxy.initialize();
                unaudited.initialize();
                List<Timed> paths = new ArrayList<>(List.of(timed(directCall), timed(forwarder::call), timed(unaudited::call),
                        timed(proxy::call)));
                if (baseline != null) {
                    baseline.initialize();
                    paths.add(timed(baseline::call));
                }
                for (Timed path : paths) {
                    measure("warm-up", path, 1, WARMUP);
                    measure("warm-up", path, CONCURRENCY, WARMUP / 2);
                }
                // The floors run in the same rounds as the proxies, as the last path: sequentially, two
                // commits around the same direct call a recorded call makes (so the disk idles as it does
                // for the proxy); with calls in flight, one commit at a time (what group commit can share).
                List<Timed> sequentialPaths = new ArrayList<>(paths);
                sequentialPaths.add(id -> floor.commitPairAround(() -> directCall.run(id)));
                List<Timed> concurrentPaths = new ArrayList<>(paths);
                concurrentPaths.add(id -> floor.commitOne());
                measure("warm-up", sequentialPaths.get(sequentialPaths.size() - 1), 1, WARMUP / 10);
                upstream.reset();
                Rounds seq = interleaved(sequentialPaths, 1, CALLS);
                long cpuBefore = proxy.cpuMillis();
                measure("proxy", timed(proxy::call), 1, CALLS);
                double cpuPerCall = (proxy.cpuMillis() - cpuBefore) * 1000.0 / CALLS;
                long offCpuBefore = unaudited.cpuMillis();
                measure("proxy, audit off", timed(unaudited::call), 1, CALLS);
                double offCpuPerCall = (unaudited.cpuMillis() - offCpuBefore) * 1000.0 / CALLS;
                Rounds par = interleaved(concurrentPaths, CONCURRENCY, CALLS);
                upstream.reset(); // WireMock keeps every request; don't let the journal grow with the run
                Rounds seqDelayed = null;
                Rounds parDelayed = null;
                if (UPSTREAM_DELAY_MS > 0) {
                    delayMs = UPSTREAM_DELAY_MS;
                    seqDelayed = interleaved(sequentialPaths, 1, DELAYED_CALLS);
                    parDelayed = interleaved(concurrentPaths, CONCURRENCY, CALLS);
                    upstream.reset();
                }

                StringBuilder out = new StringBuilder();
                out.append(String.format("start-up to first initialize answer: median %.0f ms (of %d runs)%n%n",
                        median(startups) / 1e6, startups.length));
                out.append(String.format("proxy CPU time per sequential call (user + system, from /proc): audit on %.0f µs,"
                        + " audit off %.0f µs; the floor's commits: %.0f µs per commit on the committing thread%n%n",
                        cpuPerCall, offCpuPerCall, floor.cpuMicrosPerCommit()));
                out.append("| run | calls | percentile | direct | minimal forwarder | proxy, audit off | proxy, audit on"
                        + " | forwarder overhead (fwd − direct) | proxy overhead (off − direct) | audit cost (on − off) |\n");
                out.append("|---|---|---|---|---|---|---|---|---|---|\n");
                row(out, "sequential", seq.latencies());
                row(out, CONCURRENCY + " concurrent", par.latencies());
                if (seqDelayed != null) {
                    row(out, "sequential, upstream " + UPSTREAM_DELAY_MS + " ms", seqDelayed.latencies());
                    row(out, CONCURRENCY + " concurrent, upstream " + UPSTREAM_DELAY_MS + " ms", parDelayed.latencies());
                }
                if (baseline != null) {
                    out.append("\n| run | percentile | baseline jar, audit on | this jar, audit on | ratio (this / baseline) |\n");
                    out.append("|---|---|---|---|---|\n");
                    baselineRow(out, "sequential", seq.latencies());
                    baselineRow(out, CONCURRENCY + " concurrent", par.latencies());
                    if (seqDelayed != null) {
                        baselineRow(out, "sequential, upstream " + UPSTREAM_DELAY_MS + " ms", seqDelayed.latencies());
                        baselineRow(out, CONCURRENCY + " concurrent, upstream " + UPSTREAM_DELAY_MS + " ms",
                                parDelayed.latencies());
                    }
                    out.append("baseline jar: ").append(BASELINE_JAR).append('\n');
                }
                out.append("\nRecording near the fsync floor (issue 17): recording's cost against the floor measured in the same"
                        + " rounds (plain sqlite-jdbc, WAL, synchronous=FULL, a table shaped like events).\n");
                out.append("Sequential: p50 of (on − off) against p50 of two commits around the same direct call (target ≤ 1.5)."
                        + " In flight: (wall time on − off) ÷ calls against one commit at a time (target ≤ 1.0).\n\n");
                out.append("| set | jar | recording cost | floor | ratio |\n|---|---|---|---|---|\n");
                List<String> jars = baseline == null ? List.of("this") : List.of("this", "baseline");
                for (int j = 0; j < jars.size(); j++) {
                    int on = j == 0 ? ON : BASELINE;
                    sequentialFloorRow(out, "sequential", jars.get(j), seq, on);
                    concurrentFloorRow(out, CONCURRENCY + " in flight", jars.get(j), par, on);
                    if (seqDelayed != null) {
                        sequentialFloorRow(out, "sequential, upstream " + UPSTREAM_DELAY_MS + " ms", jars.get(j), seqDelayed, on);
                        concurrentFloorRow(out, CONCURRENCY + " in flight, upstream " + UPSTREAM_DELAY_MS + " ms", jars.get(j),
                                parDelayed, on);
                    }
                }
                System.out.println();
                System.out.print(out);
                Files.writeString(Path.of("target", "proxy-latency.md"), out);
            }
        }
    }

    private static final int OFF = 2;
    private static final int ON = 3;
    private static final int BASELINE = 4;

    /** p50 of the recording overhead (on − off) against p50 of the two-commit floor (the last path). */
    private static void sequentialFloorRow(StringBuilder out, String set, String jar, Rounds rounds, int on) {
        long[][] paths = rounds.latencies();
        double cost = percentile(paths[on], 50) - percentile(paths[OFF], 50);
        double floor = percentile(paths[paths.length - 1], 50);
        out.append(String.format("| %s | %s | p50 on − off: %.3f ms | two commits, p50: %.3f ms (p99 %.2f ms) | **%.2f** |%n",
                set, jar, cost, floor, percentile(paths[paths.length - 1], 99), cost / floor));
    }

    /** Amortised recording cost per call, (wall on − wall off) ÷ calls, against one commit (mean; p50 shown too). */
    private static void concurrentFloorRow(StringBuilder out, String set, String jar, Rounds rounds, int on) {
        long[][] paths = rounds.latencies();
        int calls = paths[on].length;
        double cost = (rounds.wallNanos()[on] - rounds.wallNanos()[OFF]) / 1e6 / calls;
        long[] floorNs = paths[paths.length - 1];
        double floorMean = Arrays.stream(floorNs).average().orElseThrow() / 1e6;
        out.append(String.format("| %s | %s | (%.0f − %.0f ms) ÷ %d calls: %.3f ms | one commit, mean: %.3f ms (p50 %.3f ms)"
                        + " | **%.2f** (against p50: %.2f) |%n", set, jar, rounds.wallNanos()[on] / 1e6,
                rounds.wallNanos()[OFF] / 1e6, calls, cost, floorMean, percentile(floorNs, 50), cost / floorMean,
                cost / percentile(floorNs, 50)));
    }

    /**
     * {@code java [bench.proxyJvmArgs] args}; {@code {role}} in the JVM arguments becomes {@code role}, e.g.
     * {@code -Dbench.proxyJvmArgs=-XX:StartFlightRecording=filename=/tmp/proxy-{role}.jfr} profiles each proxy
     * into its own file.
     */
    private static List<String> proxyCommand(String role, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String jvmArgs = System.getProperty("bench.proxyJvmArgs", "");
        if (!jvmArgs.isBlank()) {
            cmd.addAll(List.of(jvmArgs.replace("{role}", role).split("\\s+")));
        }
        cmd.addAll(args);
        return cmd;
    }

    /**
     * The baseline: the call made directly, signed, over the same HTTP stack the proxy uses
     * (HttpURLConnection, kept-alive connections, one write per request).
     */
    private static void directCall(SigV4TestClient signer, java.net.URL url, String session, String json) throws Exception {
        String answer = post(signer, url, session, json.getBytes(StandardCharsets.UTF_8));
        if (!answer.contains("\"isError\":false")) {
            throw new IllegalStateException("direct call failed: " + answer);
        }
    }

    /** One signed JSON-RPC POST to the MCP session; returns the answer's body. */
    static String post(SigV4TestClient signer, java.net.URL url, String session, byte[] body) throws Exception {
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
        if (c.getResponseCode() != 200) {
            throw new IllegalStateException("HTTP " + c.getResponseCode() + ": " + answer);
        }
        return answer;
    }

    /**
     * The paths in alternating rounds, so that drift in the machine's load (it is shared, two cores)
     * falls on all alike; returns the latencies and total wall time of each path, in the order given.
     */
    private static Rounds interleaved(List<Timed> paths, int threads, int calls) throws Exception {
        int rounds = 6;
        int perRound = calls / rounds;
        long[][] latencies = new long[paths.size()][perRound * rounds];
        long[] wall = new long[paths.size()];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < paths.size(); i++) {
                Sample sample = measure("path " + i, paths.get(i), threads, perRound);
                System.arraycopy(sample.latencies(), 0, latencies[i], r * perRound, perRound);
                wall[i] += sample.wallNanos();
            }
        }
        return new Rounds(latencies, wall);
    }

    /** Per path: each call's latency in ns, and the wall time of all its calls. */
    private record Rounds(long[][] latencies, long[] wallNanos) {}

    private record Sample(long[] latencies, long wallNanos) {}

    @FunctionalInterface
    private interface Call {
        void run(int id) throws Exception;
    }

    /** A call that says how long it took, in ns (a floor counts only its commits). */
    @FunctionalInterface
    private interface Timed {
        long run(int id) throws Exception;
    }

    private static Timed timed(Call call) {
        return id -> {
            long t0 = System.nanoTime();
            call.run(id);
            return System.nanoTime() - t0;
        };
    }

    private static String toolCall(int id) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"aws___call_aws\","
                + "\"arguments\":{\"cli_command\":\"aws s3api list-objects-v2 --bucket app-logs --prefix 2026/11/"
                + (delayMs > 0 ? " slow:" + delayMs : "") + "\"}}}";
    }

    /** Latencies in ns of {@code calls} calls, {@code threads} at a time, and the wall time of them all. */
    private static Sample measure(String label, Timed call, int threads, int calls) throws Exception {
        long[] latencies = new long[calls];
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch done = new CountDownLatch(calls);
        List<Exception> failures = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            int id = i + 1;
            pool.execute(() -> {
                try {
                    latencies[id - 1] = call.run(id);
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
        long wallNanos = System.nanoTime() - start;
        pool.shutdown();
        if (!failures.isEmpty()) {
            throw new IllegalStateException(label + ": " + failures.size() + " calls failed", failures.get(0));
        }
        return new Sample(latencies, wallNanos);
    }

    /** {direct, minimal forwarder, audit off, audit on} latencies → a p50 and a p99 line. */
    private static void row(StringBuilder out, String run, long[][] paths) {
        for (int p : new int[] {50, 99}) {
            double direct = percentile(paths[0], p);
            double forwarder = percentile(paths[1], p);
            double off = percentile(paths[2], p);
            double on = percentile(paths[3], p);
            out.append(String.format("| %s | %d | p%d | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms |%n",
                    run, paths[0].length, p, direct, forwarder, off, on, forwarder - direct, off - direct, on - off));
        }
    }

    /** The audit-on path of this jar against the baseline jar's (the fifth path). */
    private static void baselineRow(StringBuilder out, String run, long[][] paths) {
        for (int p : new int[] {50, 99}) {
            double on = percentile(paths[3], p);
            double baseline = percentile(paths[4], p);
            out.append(String.format("| %s | p%d | %.2f ms | %.2f ms | %.2f |%n", run, p, baseline, on, on / baseline));
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
}
