package dev.mcpaudit.proxy.bench;

import dev.mcpaudit.fixtures.AwsProfileFiles;
import dev.mcpaudit.fixtures.AwsProfileFiles.ProfileSpec;
import dev.mcpaudit.fixtures.FakeAwsMcpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Start-up and memory as an agent meets them (issue 16): spawn → {@code initialize} answered, for the
 * packaged jar started as {@code java -jar} with no flags (the floor a user gets without the launcher)
 * and through {@code bin/mcp-audit-proxy} (its JVM flags and AppCDS archive), alternating, in one run;
 * then the resident memory of a launcher-started proxy after 1,000 calls. Run with
 * {@code ./mvnw -B -Pstartup-bench -pl proxy -am verify -DskipTests} (BENCHMARKS.md).
 */
public final class StartupBench {
    private static final ProfileSpec DEV = new ProfileSpec("dev", "AKIASTARTUPBENCH0001", "secret", null, "us-east-1");
    private static final int RUNS = Integer.getInteger("bench.startupRuns", 15);

    private StartupBench() {}

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        Path launcher = Path.of(args[1]).toAbsolutePath();
        Path dir = Files.createTempDirectory("startup-bench");
        AwsProfileFiles profiles = AwsProfileFiles.write(dir.resolve("aws"), List.of(DEV));
        try (FakeAwsMcpServer upstream = FakeAwsMcpServer.forProfiles(List.of(DEV), "aws-mcp", "us-east-1")) {
            Map<String, String> env = new HashMap<>(System.getenv());
            profiles.applyTo(env);
            env.put("HOME", dir.toString());
            env.putAll(upstream.stsEnvironment());
            env.put("MCP_AUDIT_DB", dir.resolve("audit.db").toString());
            List<String> proxyArgs = List.of(upstream.endpoint().toString(), "--service", "aws-mcp", "--region",
                    "us-east-1", "--profile", "dev");
            List<String> plain = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", jar.toString()));
            plain.addAll(proxyArgs);
            List<String> launched = new ArrayList<>(List.of(launcher.toString()));
            launched.addAll(proxyArgs);

            // The launcher makes its archive on a first run that ends as sessions end (stdin closed).
            for (int i = 0; i < 2; i++) {
                try (BenchProxyProcess p = new BenchProxyProcess(launched, env, StartupBench::toolCall)) {
                    p.initialize();
                    p.call(1);
                }
            }
            long[] plainNs = new long[RUNS];
            long[] launcherNs = new long[RUNS];
            for (int i = 0; i < RUNS; i++) {
                plainNs[i] = timeToInitialize(plain, env);
                launcherNs[i] = timeToInitialize(launched, env);
            }
            long rssKb;
            try (BenchProxyProcess p = new BenchProxyProcess(launched, env, StartupBench::toolCall)) {
                p.initialize();
                for (int id = 1; id <= 1000; id++) {
                    p.call(id);
                }
                rssKb = p.residentKb();
            }
            StringBuilder out = new StringBuilder();
            out.append(String.format("| start | runs | median spawn → initialize answered | min | max |%n|---|---|---|---|---|%n"));
            out.append(row("java -jar mcp-audit-proxy.jar (no flags)", plainNs));
            out.append(row("bin/mcp-audit-proxy (launcher flags, AppCDS)", launcherNs));
            out.append(String.format("%nlauncher / plain java -jar, medians: %.2f%n", median(launcherNs) / median(plainNs)));
            out.append(String.format("resident memory (VmRSS) of a launcher-started proxy after 1,000 calls: %d MB%n",
                    rssKb / 1024));
            System.out.print(out);
            Files.writeString(Path.of("target", "startup-bench.md"), out);
        }
    }

    private static long timeToInitialize(List<String> cmd, Map<String, String> env) throws Exception {
        long t0 = System.nanoTime();
        try (BenchProxyProcess p = new BenchProxyProcess(cmd, env, StartupBench::toolCall)) {
            p.initialize();
            return System.nanoTime() - t0;
        }
    }

    private static String row(String what, long[] ns) {
        long[] sorted = ns.clone();
        Arrays.sort(sorted);
        return String.format("| %s | %d | %.0f ms | %.0f ms | %.0f ms |%n", what, ns.length, median(ns) / 1e6,
                sorted[0] / 1e6, sorted[sorted.length - 1] / 1e6);
    }

    private static double median(long[] ns) {
        long[] sorted = ns.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String toolCall(int id) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"aws___call_aws\","
                + "\"arguments\":{\"cli_command\":\"aws s3api list-objects-v2 --bucket app-logs --prefix 2026/11/\"}}}";
    }
}
