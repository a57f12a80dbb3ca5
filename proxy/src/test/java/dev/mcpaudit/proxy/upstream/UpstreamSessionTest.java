package dev.mcpaudit.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a session reads plain-JSON answers, against a real HTTP server on 127.0.0.1 whose answers
 * are chunked with the last chunk sent late, as a streaming server's may be.
 */
class UpstreamSessionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private HttpServer server;
    private ExecutorService background;
    /** The client port of each tools/call: one port, one kept-alive connection. */
    private final List<Integer> callPorts = new ArrayList<>();
    private volatile boolean answerWithWrongId;
    /** Holds open the streams of the held-open tests until the test ends. */
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch listening = new CountDownLatch(1);
    private final AtomicInteger deletes = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/mcp", this::answer);
        server.setExecutor(Executors.newCachedThreadPool()); // a held-open stream must not stall other requests
        server.start();
        background = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        background.shutdownNow();
    }

    private void answer(HttpExchange exchange) throws IOException {
        JsonNode request = JsonRpc.MAPPER.readTree(exchange.getRequestBody());
        if (!request.has("id")) {
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
            return;
        }
        String method = request.get("method").asText();
        ObjectNode result = JsonRpc.MAPPER.createObjectNode();
        if (method.equals("initialize")) {
            result.put("protocolVersion", "2025-06-18").putObject("capabilities");
        } else {
            synchronized (callPorts) {
                callPorts.add(exchange.getRemoteAddress().getPort());
            }
            result.putArray("content").addObject().put("type", "text").put("text", "done " + request.get("id"));
        }
        JsonNode id = answerWithWrongId && !method.equals("initialize") ? JsonRpc.MAPPER.getNodeFactory().numberNode(999)
                : request.get("id");
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0); // chunked
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(JsonRpc.MAPPER.writeValueAsBytes(JsonRpc.result(id, result)));
            body.flush();
            Thread.sleep(100); // the last chunk well after the JSON: a client that stops reading at the JSON loses the connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private UpstreamSession session() {
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mcp");
        // No credentials for this profile; --skip-auth sends the requests unsigned.
        UpstreamHttp http = new UpstreamHttp(endpoint, Duration.ofSeconds(5), new SigV4Signer("aws-mcp", "us-east-1"),
                new ProfileCredentials(Map.of()), Map.of(), Map.of(), TIMEOUT, 0, true);
        UpstreamSession session = new UpstreamSession("no-such-profile-in-tests", http, (from, m) -> { }, background);
        session.setInitializeParams(JsonRpc.MAPPER.createObjectNode().put("protocolVersion", "2025-06-18"));
        return session;
    }

    private static ObjectNode callParams() {
        ObjectNode params = JsonRpc.MAPPER.createObjectNode().put("name", "aws___call_aws");
        params.putObject("arguments").put("cli_command", "aws s3 ls");
        return params;
    }

    @Test
    void oneKeptAliveConnectionServesCallAfterCallWhenAnswersArriveInLateChunks() throws Exception {
        UpstreamSession session = session();

        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            JsonNode response = session.request("tools/call", callParams(), TIMEOUT, null);
            texts.add(response.at("/result/content/0/text").asText());
        }

        assertThat(texts).hasSize(5).allMatch(t -> t.startsWith("done "));
        assertThat(new HashSet<>(callPorts)).as("client ports of the five calls").hasSize(1);
    }

    @Test
    void aJsonAnswerThatIsNotTheResponseFailsTheCallAtOnceInsteadOfAtItsDeadline() throws Exception {
        UpstreamSession session = session();
        session.ensureInitialized(TIMEOUT);
        answerWithWrongId = true;

        long started = System.nanoTime();
        assertThatThrownBy(() -> session.request("tools/call", callParams(), TIMEOUT, null))
                .isInstanceOf(UpstreamException.class)
                .hasMessage("upstream answered tools/call with JSON that is not the response to it")
                .extracting(e -> ((UpstreamException) e).kind()).isEqualTo(UpstreamException.Kind.PROTOCOL);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void anAnswerThatIsNotJsonSaysSo() throws Exception {
        server.removeContext("/mcp");
        server.createContext("/mcp", exchange -> {
            byte[] body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });

        assertThatThrownBy(() -> session().ensureInitialized(TIMEOUT))
                .isInstanceOf(UpstreamException.class)
                .hasMessageStartingWith("upstream's answer to initialize is not valid JSON: ")
                .extracting(e -> ((UpstreamException) e).kind()).isEqualTo(UpstreamException.Kind.PROTOCOL);
    }

    @Test
    void anEmptyJsonAnswerIsAProtocolErrorNotAWait() {
        server.removeContext("/mcp");
        server.createContext("/mcp", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });

        assertThatThrownBy(() -> session().ensureInitialized(TIMEOUT))
                .isInstanceOf(UpstreamException.class)
                .hasMessage("upstream answered initialize with JSON that is not the response to it");
    }

    /**
     * Like the MCP SDKs' servers: a session id at initialize, a GET listening stream that stays open and
     * silent, tools/call answered on an event stream that stays open after the answer, DELETE 200.
     */
    private void answerLikeAnSdkServer(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("DELETE")) {
            deletes.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
            return;
        }
        exchange.getResponseHeaders().add("Mcp-Session-Id", "session-1");
        if (method.equals("GET")) {
            holdOpenEventStream(exchange, null, listening);
            return;
        }
        JsonNode request = JsonRpc.MAPPER.readTree(exchange.getRequestBody());
        if (!request.has("id")) {
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
            return;
        }
        ObjectNode result = JsonRpc.MAPPER.createObjectNode();
        if (request.get("method").asText().equals("initialize")) {
            result.put("protocolVersion", "2025-06-18").putObject("capabilities");
        } else {
            result.putArray("content").addObject().put("type", "text").put("text", "done");
        }
        holdOpenEventStream(exchange, JsonRpc.result(request.get("id"), result), null);
    }

    private void holdOpenEventStream(HttpExchange exchange, JsonNode event, CountDownLatch opened) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0); // chunked
        OutputStream body = exchange.getResponseBody();
        if (event != null) {
            body.write(("event: message\nid: 1\ndata: " + event + "\n\n").getBytes(StandardCharsets.UTF_8));
        }
        body.flush();
        if (opened != null) {
            opened.countDown();
        }
        try {
            release.await(); // never ends the stream by itself
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exchange.close();
    }

    @Test
    void anEventStreamAnswerReturnsAsSoonAsTheAnswerIsInThoughUpstreamKeepsTheStreamOpen() throws Exception {
        server.removeContext("/mcp");
        server.createContext("/mcp", this::answerLikeAnSdkServer);
        UpstreamSession session = session();
        session.ensureInitialized(TIMEOUT);

        long started = System.nanoTime();
        JsonNode response = session.request("tools/call", callParams(), TIMEOUT, null);

        assertThat(response.at("/result/content/0/text").asText()).isEqualTo("done");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void closeDeletesTheSessionAtOnceWhileItsListeningStreamIsHeldOpenAndSilent() throws Exception {
        server.removeContext("/mcp");
        server.createContext("/mcp", this::answerLikeAnSdkServer);
        UpstreamSession session = session();
        session.ensureInitialized(TIMEOUT);
        assertThat(listening.await(10, TimeUnit.SECONDS)).as("the listening stream was opened").isTrue();
        Thread.sleep(100); // the proxy is now blocked reading the silent stream

        long started = System.nanoTime();
        session.close(Duration.ofSeconds(1));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1500));
        assertThat(deletes.get()).isEqualTo(1);
        assertThat(session.sessionId()).isNull();
    }

    @Test
    void aJsonAnswerTricklingInByteByByteEndsAtTheCallsDeadline() throws Exception {
        UpstreamSession session = session();
        session.ensureInitialized(TIMEOUT);
        server.removeContext("/mcp");
        server.createContext("/mcp", exchange -> {
            JsonNode request = JsonRpc.MAPPER.readTree(exchange.getRequestBody());
            byte[] answer = JsonRpc.MAPPER.writeValueAsBytes(JsonRpc.result(request.get("id"),
                    JsonRpc.MAPPER.createObjectNode().put("text", "x".repeat(200))));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream body = exchange.getResponseBody()) {
                for (byte b : answer) { // never silent for long, so no read timeout ever fires
                    body.write(b);
                    body.flush();
                    Thread.sleep(50);
                }
            } catch (InterruptedException | IOException e) {
                Thread.currentThread().interrupt(); // the proxy gave up on it
            }
        });

        long started = System.nanoTime();
        assertThatThrownBy(() -> session.request("tools/call", callParams(), Duration.ofSeconds(1), null))
                .isInstanceOf(UpstreamException.class)
                .hasMessageContaining("within 1 s")
                .extracting(e -> ((UpstreamException) e).kind()).isEqualTo(UpstreamException.Kind.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }
}
