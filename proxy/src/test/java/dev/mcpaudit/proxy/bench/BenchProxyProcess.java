package dev.mcpaudit.proxy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** The proxy as a subprocess: requests may be in flight concurrently; answers are matched by id. */
final class BenchProxyProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final OutputStream in;
    private final Map<Integer, CountDownLatch> waiting = new ConcurrentHashMap<>();
    private final Map<Integer, JsonNode> answers = new ConcurrentHashMap<>();
    private final Semaphore writeLock = new Semaphore(1);
    private final IntFunction<String> toolCall;

    BenchProxyProcess(List<String> cmd, Map<String, String> env, IntFunction<String> toolCall) throws Exception {
        this.toolCall = toolCall;
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

    /** Resident memory of the proxy process now (Linux /proc, VmRSS). */
    long residentKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + process.pid());
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
        JsonNode r = request(id, toolCall.apply(id));
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
