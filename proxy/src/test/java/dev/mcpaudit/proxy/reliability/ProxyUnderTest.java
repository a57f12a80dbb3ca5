package dev.mcpaudit.proxy.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.fixtures.AwsProfileFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The packaged proxy jar as a real subprocess, for the reliability suite: raw bytes in, every stdout
 * line checked (strict UTF-8, one JSON-RPC 2.0 object per line), answers collected by id as they
 * arrive, so that a test can fire many requests, kill the process at any moment and then see exactly
 * which answers the agent had received.
 */
final class ProxyUnderTest implements AutoCloseable {
    static final Path JAR = Path.of("target", "mcp-audit-proxy.jar");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final OutputStream stdin;
    private final long startedNanos = System.nanoTime();
    /** Every answer (a message with an id and no method), by its id as JSON text. */
    private final Map<String, JsonNode> answers = new ConcurrentHashMap<>();
    /** When each answer arrived (System.nanoTime), by id text. */
    private final Map<String, Long> answeredAt = new ConcurrentHashMap<>();
    private final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    private final List<String> badStdoutLines = new CopyOnWriteArrayList<>();
    private final StringBuffer stderr = new StringBuffer();
    private final CountDownLatch stdoutClosed = new CountDownLatch(1);
    private final CountDownLatch stderrClosed = new CountDownLatch(1);
    private final Object arrivals = new Object();

    /**
     * @param shellPrefix run through {@code sh -c '<prefix>; exec java …'} (e.g. a ulimit); null for none.
     *     {@code exec} keeps the pid the JVM's.
     * @param jvmArgs flags for the proxy's JVM, before {@code -jar}
     */
    ProxyUnderTest(String shellPrefix, List<String> jvmArgs, List<String> args, Map<String, String> env)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        if (shellPrefix != null) {
            cmd.addAll(List.of("sh", "-c", shellPrefix + "; exec \"$0\" \"$@\""));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-jar", JAR.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        AwsProfileFiles.OVERRIDING_ENV.forEach(pb.environment()::remove); // the machine's AWS settings must not leak in
        pb.environment().remove("AWS_ENDPOINT_URL");
        pb.environment().remove("AWS_ENDPOINT_URL_STS");
        pb.environment().remove("MCP_AUDIT_DB");
        pb.environment().putAll(env);
        process = pb.start();
        stdin = process.getOutputStream();
        daemon("proxy-stdout-" + process.pid(), () -> pumpStdout(process.getInputStream()));
        daemon("proxy-stderr-" + process.pid(), () -> pumpStderr(process.getErrorStream()));
    }

    ProxyUnderTest(List<String> args, Map<String, String> env) throws IOException {
        this(null, List.of(), args, env);
    }

    long pid() {
        return process.pid();
    }

    // ---------------------------------------------------------------- input

    /** Sends one line: the text and a newline. */
    void send(String line) throws IOException {
        sendRaw(line.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends raw bytes followed by a newline, in one write. */
    synchronized void sendRaw(byte[] line) throws IOException {
        byte[] out = new byte[line.length + 1];
        System.arraycopy(line, 0, out, 0, line.length);
        out[line.length] = '\n';
        stdin.write(out);
        stdin.flush();
    }

    void closeStdin() throws IOException {
        stdin.close();
    }

    // ---------------------------------------------------------------- output

    /** The answer with this id (JSON text of the id, e.g. {@code 7} or {@code "a"}), waiting at most {@code timeout}; null if none came. */
    JsonNode awaitAnswer(String idJson, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (arrivals) {
            while (true) {
                JsonNode a = answers.get(idJson);
                if (a != null) {
                    return a;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || stdoutClosed.getCount() == 0) {
                    return answers.get(idJson);
                }
                arrivals.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    JsonNode awaitAnswer(long id, Duration timeout) throws InterruptedException {
        return awaitAnswer(Long.toString(id), timeout);
    }

    /** Like {@link #awaitAnswer} but fails, with stderr, when no answer comes. */
    JsonNode answer(long id, Duration timeout) throws InterruptedException {
        JsonNode a = awaitAnswer(id, timeout);
        if (a == null) {
            throw new AssertionError("no answer to request " + id + " within " + timeout + (isAlive() ? "" : " (the proxy exited "
                    + process.exitValue() + ")") + "; stderr:\n" + tail(stderr(), 4000));
        }
        return a;
    }

    /** Sends a request and waits for its answer. */
    JsonNode request(long id, String method, String paramsJson, Duration timeout) throws Exception {
        send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\""
                + (paramsJson == null ? "" : ",\"params\":" + paramsJson) + "}");
        return answer(id, timeout);
    }

    JsonNode initialize(long id, Duration timeout) throws Exception {
        return request(id, "initialize", "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"Reliability Agent\",\"version\":\"1.0\"}}", timeout);
    }

    boolean hasAnswer(String idJson) {
        return answers.containsKey(idJson);
    }

    Map<String, JsonNode> answers() {
        return Map.copyOf(answers);
    }

    /** Milliseconds from start to the answer's arrival, or -1. */
    long answeredAfterMs(String idJson) {
        Long t = answeredAt.get(idJson);
        return t == null ? -1 : (t - startedNanos) / 1_000_000;
    }

    List<JsonNode> messages() {
        return List.copyOf(messages);
    }

    /** stdout lines that were not strict UTF-8, not JSON, or not a JSON-RPC 2.0 object (with why). */
    List<String> badStdoutLines() {
        return List.copyOf(badStdoutLines);
    }

    String stderr() {
        return stderr.toString();
    }

    /** Waits until stdout reached EOF (the process and everything it started are gone, or closed it). */
    boolean awaitStdoutClosed(Duration timeout) throws InterruptedException {
        return stdoutClosed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until the process has exited and both its output streams are drained. */
    boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        return exited && stdoutClosed.await(left, TimeUnit.MILLISECONDS)
                && stderrClosed.await(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- process

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no handler, no shutdown hook, no flush. Returns once the process is gone and its output drained. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        awaitDrained(Duration.ofSeconds(20));
    }

    /** Sends a signal by name (TERM, INT, HUP) with kill(1). */
    void signal(String name) throws Exception {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    /** The exit code, failing with stderr if the process is still running after {@code timeout}. */
    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("proxy did not exit within " + timeout + "; stderr:\n" + tail(stderr(), 4000));
        }
        awaitDrained(Duration.ofSeconds(5));
        return process.exitValue();
    }

    boolean exitedWithin(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    int exitValue() {
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- pumps

    private void pumpStdout(InputStream in) {
        try (in) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) != -1) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        line.write(buf, start, i - start);
                        onStdoutLine(line.toByteArray());
                        line.reset();
                        start = i + 1;
                    }
                }
                line.write(buf, start, n - start);
            }
            if (line.size() > 0) {
                onStdoutLine(line.toByteArray());
                badStdoutLines.add("(no newline at the end of stdout) " + preview(line.toByteArray()));
            }
        } catch (IOException ignored) {
            // the process ended
        } finally {
            stdoutClosed.countDown();
            synchronized (arrivals) {
                arrivals.notifyAll();
            }
        }
    }

    private void onStdoutLine(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            badStdoutLines.add("not UTF-8: " + preview(bytes));
            return;
        }
        JsonNode m;
        try {
            m = JSON.readTree(text);
        } catch (IOException e) {
            badStdoutLines.add("not JSON: " + preview(bytes));
            return;
        }
        if (m == null || !m.isObject() || !"2.0".equals(m.path("jsonrpc").asText(null))) {
            badStdoutLines.add("not a JSON-RPC 2.0 object: " + preview(bytes));
            return;
        }
        if (!text.startsWith("{") || !text.endsWith("}")) {
            badStdoutLines.add("more than one JSON value, or padding, on the line: " + preview(bytes));
        }
        messages.add(m);
        if (m.has("id") && !m.has("method")) {
            String id = m.get("id").toString();
            synchronized (arrivals) {
                answers.putIfAbsent(id, m);
                answeredAt.putIfAbsent(id, System.nanoTime());
                arrivals.notifyAll();
            }
        }
    }

    private void pumpStderr(InputStream in) {
        try (in) {
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = in.read(buf)) != -1) {
                stderr.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException ignored) {
            // the process ended
        } finally {
            stderrClosed.countDown();
        }
    }

    private static String preview(byte[] bytes) {
        String s = new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8);
        return s + (bytes.length > 200 ? "… (" + bytes.length + " bytes)" : "");
    }

    static String tail(String s, int max) {
        return s.length() <= max ? s : "…" + s.substring(s.length() - max);
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }
}
