package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Speaks MCP over a started proxy's stdio as an agent does: {@code initialize}, then one request
 * at a time, each awaited up to a deadline; at the end stdin is closed, the proxy gets
 * {@link #EXIT_GRACE} to finish, then SIGTERM. Requests the proxy relays from upstream (ping,
 * roots, sampling, elicitation) get an answer at once, so they never stall a call.
 *
 * <p>stdout carries JSON-RPC only. stderr is copied to audit-cli's stderr with {@code --verbose};
 * otherwise its last lines are kept, to be shown if the proxy fails.
 */
public final class ProxyDriver implements AutoCloseable {
    /** As agents do: time to exit on its own after stdin closes, before SIGTERM. */
    static final Duration EXIT_GRACE = Duration.ofSeconds(2);
    static final String PROTOCOL_VERSION = "2025-06-18";
    /** Below the call numbers (1, 2, …) and initialize's 0, so it never collides with a call's id. */
    static final long TOOLS_LIST_ID = -1;
    private static final int KEPT_STDERR_LINES = 200;
    /** Numbers as written, so a result's RFC 8785 hash is taken over the values the proxy sent. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private final Process process;
    private final OutputStream stdin;
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Deque<String> keptStderr = new ArrayDeque<>();
    private final Thread stdoutReader;
    private final Thread stderrReader;
    private volatile boolean stdoutClosed;

    public ProxyDriver(Process process, PrintWriter err, boolean verbose) {
        this.process = process;
        this.stdin = process.getOutputStream();
        this.stdoutReader = pump("replay-proxy-stdout", process.getInputStream(), this::onStdout, this::onStdoutClosed);
        this.stderrReader = pump("replay-proxy-stderr", process.getErrorStream(), line -> {
            keep(line);
            if (verbose) {
                synchronized (err) {
                    err.println(line);
                    err.flush();
                }
            }
        }, () -> { });
    }

    /**
     * Opens the MCP session.
     *
     * @throws ReplayEnvironmentException when the proxy exits, refuses or stays silent: it did not start
     */
    public JsonNode initialize(JsonNode clientInfo, Duration timeout) {
        ObjectNode params = JSON.createObjectNode().put("protocolVersion", PROTOCOL_VERSION);
        params.putObject("capabilities");
        params.set("clientInfo", clientInfo);
        Answer answer = request(0, "initialize", params, timeout);
        if (answer.isMissing()) {
            throw new ReplayEnvironmentException("the proxy did not start: " + answer.missingReason() + "." + stderrForMessage());
        }
        if (answer.error() != null) {
            throw new ReplayEnvironmentException("the proxy refused initialize: " + answer.errorText() + "." + stderrForMessage());
        }
        try {
            write(JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/initialized"));
        } catch (IOException e) {
            throw new ReplayEnvironmentException("the proxy stopped reading right after initialize." + stderrForMessage(), e);
        }
        return answer.result();
    }

    /**
     * Lists tools as agents do right after {@code initialize}, so that the proxy (with
     * {@code --record-results}) records upstream's catalogue in the replay's session. The answer
     * itself is not used: the proxy has changed it (added {@code aws_profile}).
     */
    public Answer listTools(Duration timeout) {
        return request(TOOLS_LIST_ID, "tools/list", JSON.createObjectNode(), timeout);
    }

    /** Sends one request and waits for its answer; an answer that does not come in time is cancelled and MISSING. */
    public Answer request(long id, String method, JsonNode params, Duration timeout) {
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        if (stdoutClosed) { // set before pending is drained, so a request made after that is not left waiting
            pending.remove(id);
            return Answer.missing(exitReason());
        }
        ObjectNode request = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
        request.set("params", params);
        try {
            write(request);
        } catch (IOException e) {
            pending.remove(id);
            return Answer.missing(exitReason());
        }
        try {
            JsonNode response = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (response.has("error")) {
                return Answer.error(response.get("error"));
            }
            return Answer.result(response.has("result") ? response.get("result") : JSON.nullNode());
        } catch (TimeoutException e) {
            pending.remove(id);
            if (!process.isAlive()) {
                return Answer.missing(exitReason());
            }
            cancel(id, "audit-cli replay: no answer within " + Durations.show(timeout));
            return Answer.missing("no answer within " + Durations.show(timeout) + " (--timeout); the call was cancelled");
        } catch (ExecutionException e) {
            return Answer.missing(exitReason());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.missing("audit-cli was interrupted while waiting");
        }
    }

    /** What the proxy wrote on stderr, its last lines; empty with nothing written. */
    public String stderr() {
        synchronized (keptStderr) {
            return String.join("\n", keptStderr);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Closes stdin, waits {@link #EXIT_GRACE}, then SIGTERM (and, failing that, SIGKILL). */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // it has exited already
        }
        try {
            if (!process.waitFor(EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            stderrReader.join(1000);
            stdoutReader.join(1000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void onStdout(String line) {
        JsonNode message;
        try {
            message = JSON.readTree(line);
        } catch (IOException e) {
            keep("(on stdout, not JSON-RPC) " + line);
            return;
        }
        if (message == null || !message.isObject()) {
            keep("(on stdout, not JSON-RPC) " + line);
            return;
        }
        JsonNode id = message.get("id");
        if (message.has("method")) {
            if (id != null && !id.isNull()) {
                answerServerRequest(id, message.path("method").asText());
            }
            return; // a notification: progress, logging, list changes
        }
        if (id != null && id.canConvertToLong()) {
            CompletableFuture<JsonNode> waiting = pending.remove(id.asLong());
            if (waiting != null) {
                waiting.complete(message);
            }
        }
    }

    private void onStdoutClosed() {
        stdoutClosed = true;
        pending.values().forEach(f -> f.completeExceptionally(new IOException("stdout closed")));
        pending.clear();
    }

    /** A replay has no user to ask: ping and roots get empty answers, sampling and elicitation a refusal. */
    private void answerServerRequest(JsonNode id, String method) {
        ObjectNode reply = JSON.createObjectNode().put("jsonrpc", "2.0");
        reply.set("id", id);
        switch (method) {
            case "ping" -> reply.putObject("result");
            case "roots/list" -> reply.putObject("result").putArray("roots");
            default -> reply.putObject("error").put("code", -32601)
                    .put("message", "audit-cli cannot answer " + method
                            + " while it drives the proxy: nobody is at the keyboard");
        }
        try {
            write(reply);
        } catch (IOException ignored) {
            // the proxy is gone; the waiting call reports it
        }
    }

    private void cancel(long id, String reason) {
        ObjectNode cancelled = JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/cancelled");
        cancelled.putObject("params").put("requestId", id).put("reason", reason);
        try {
            write(cancelled);
        } catch (IOException ignored) {
            // the proxy is gone
        }
    }

    private void write(JsonNode message) throws IOException {
        byte[] line = (JSON.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (stdin) {
            stdin.write(line);
            stdin.flush();
        }
    }

    /** Why nothing came back from a proxy whose stdout closed or that stopped reading. */
    private String exitReason() {
        try {
            if (process.waitFor(1, TimeUnit.SECONDS)) {
                return "the proxy exited (code " + process.exitValue() + ") before answering";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "the proxy closed its stdout before answering";
    }

    private String stderrForMessage() {
        try {
            stderrReader.join(1000); // what it wrote just before it exited
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String text = stderr();
        return text.isBlank() ? " The proxy wrote nothing on stderr." : " The proxy's stderr:\n" + text;
    }

    private void keep(String line) {
        synchronized (keptStderr) {
            keptStderr.addLast(line);
            if (keptStderr.size() > KEPT_STDERR_LINES) {
                keptStderr.removeFirst();
            }
        }
    }

    private static Thread pump(String name, java.io.InputStream in, Consumer<String> onLine, Runnable onEnd) {
        Thread t = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    onLine.accept(line);
                }
            } catch (IOException ignored) {
                // the process ended
            } finally {
                onEnd.run();
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
