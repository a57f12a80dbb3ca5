package dev.mcpaudit.proxy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The packaged proxy jar as a real subprocess, driven line by line over its stdin/stdout. */
final class ProxyProcess implements AutoCloseable {
    static final Path JAR = Path.of("target", "mcp-audit-proxy.jar");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final List<String> stdoutSeen = new CopyOnWriteArrayList<>();
    private final StringBuffer stderr = new StringBuffer();

    ProxyProcess(List<String> args, Map<String, String> env) throws IOException {
        this(null, args, env);
    }

    /**
     * Starts the jar through {@code sh -c '<shellPrefix>; exec java -jar … <args>'}, e.g. to set a
     * ulimit the JVM inherits; {@code exec} replaces the shell, so the process is still the proxy's
     * JVM. A null prefix starts the JVM directly.
     */
    ProxyProcess(String shellPrefix, List<String> args, Map<String, String> env) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (shellPrefix != null) {
            cmd.addAll(List.of("sh", "-c", shellPrefix + "; exec \"$0\" \"$@\""));
        }
        cmd.addAll(List.of(javaBinary(), "-jar", JAR.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        process = pb.start();
        stdin = process.getOutputStream();
        pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), line -> {
            stdoutSeen.add(line);
            stdout.add(line);
        });
        pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)),
                line -> stderr.append(line).append('\n'));
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    void send(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** The next stdout line as JSON; fails the test if none comes in time. */
    JsonNode read(Duration timeout) throws Exception {
        String line = stdout.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new AssertionError("no message from the proxy within " + timeout + "; stderr:\n" + stderr);
        }
        return JSON.readTree(line);
    }

    /** Reads until a response with this id arrives, skipping notifications. */
    JsonNode readResponse(int id, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode m = read(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (m.has("id") && m.get("id").asInt() == id && !m.has("method")) {
                return m;
            }
        }
    }

    /** True if no stdout line arrives within the wait. */
    String pollLine(Duration wait) throws InterruptedException {
        return stdout.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    void closeStdin() throws IOException {
        stdin.close();
    }

    /** Sends SIGTERM, as an agent does when the proxy has not exited after it closed stdin. */
    void terminate() {
        process.destroy();
    }

    /** Sends a signal by name (INT, HUP, …) with kill(1). */
    void signal(String name) throws Exception {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    boolean exitedWithin(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("proxy did not exit within " + timeout + "; stderr:\n" + stderr);
        }
        return process.exitValue();
    }

    List<String> allStdout() {
        return stdoutSeen;
    }

    String stderr() {
        return stderr.toString();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static void pump(BufferedReader reader, java.util.function.Consumer<String> sink) {
        Thread t = new Thread(() -> {
            try (reader) {
                String line;
                while ((line = reader.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
    }
}
