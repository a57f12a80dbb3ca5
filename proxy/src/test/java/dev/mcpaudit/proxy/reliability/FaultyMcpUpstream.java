package dev.mcpaudit.proxy.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small MCP Streamable-HTTP upstream on plain WireMock (127.0.0.1, dynamic port) that misbehaves on
 * request: the {@code cli_command} of an {@code aws___call_aws} call names a fault, {@code fault:<name>},
 * from {@link #FAULTS}. It checks no signature (the fake AWS MCP Server does that); it records, for each
 * request, the access key id that signed it, so a test can see a re-signed retry. Everything else
 * (initialize, sessions, notifications, tools/list, ping, DELETE) behaves.
 */
final class FaultyMcpUpstream implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FAULT = Pattern.compile("fault:([a-z0-9-]+)");
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([A-Z0-9]+)/");

    /** The faults this upstream plays, by name, in the order of the report. */
    static final List<String> FAULTS = List.of(
            "none", "reset", "empty-reply", "malformed-chunk", "random-data-then-close", "malformed-json", "wrong-id",
            "jsonrpc-error", "html-502", "html-200", "http500-retry-after", "http502-retry-after", "http503-retry-after",
            "http429", "slow-body", "slow-body-past-deadline", "silent-past-deadline", "sse-ok", "sse-cut-mid-event",
            "sse-ends-without-answer", "session-404-once", "session-404-always", "auth-401-until-rotated",
            "auth-401-always", "redirect-302", "redirect-307", "http503-retry-after-once", "http429-once");

    /** One request as received. */
    record Hit(String httpMethod, String jsonRpcMethod, JsonNode id, String cliCommand, String accessKeyId,
            String sessionId, JsonNode params) {}

    private final WireMockServer wireMock;
    private final List<Hit> hits = new CopyOnWriteArrayList<>();
    private final Set<String> liveSessions = ConcurrentHashMap.newKeySet();
    private final Set<String> onceDone = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sessions = new AtomicInteger();
    private volatile String acceptedAfterRotation;
    private volatile URI redirectTo = URI.create("http://127.0.0.1:1/mcp");

    /** @param idleTimeoutMs how long Jetty keeps an idle connection open; null for WireMock's default */
    FaultyMcpUpstream(Long idleTimeoutMs) {
        WireMockConfiguration o = options().bindAddress("127.0.0.1").dynamicPort().http2PlainDisabled(true)
                .gzipDisabled(true).disableRequestJournal().containerThreads(32).notifier(new ConsoleNotifier(false))
                .extensions(new Transformer());
        if (idleTimeoutMs != null) {
            o.jettyIdleTimeout(idleTimeoutMs);
        }
        wireMock = new WireMockServer(o);
        wireMock.start();
        wireMock.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(500).withBody("transformer did not run")));
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + wireMock.port() + "/mcp");
    }

    /** Where the redirect faults point. */
    void redirectTo(URI target) {
        redirectTo = target;
    }

    /** {@code auth-401-until-rotated} answers 401 until a request is signed with this access key id. */
    void acceptAfterRotation(String accessKeyId) {
        acceptedAfterRotation = accessKeyId;
    }

    List<Hit> hits() {
        return List.copyOf(hits);
    }

    /** The tools/call requests whose cli_command contains {@code marker}. */
    List<Hit> toolCalls(String marker) {
        return hits.stream().filter(h -> "tools/call".equals(h.jsonRpcMethod()) && h.cliCommand() != null
                && h.cliCommand().contains(marker)).toList();
    }

    long count(String jsonRpcMethod) {
        return hits.stream().filter(h -> jsonRpcMethod.equals(h.jsonRpcMethod())).count();
    }

    @Override
    public void close() {
        wireMock.stop();
    }

    private final class Transformer implements ResponseDefinitionTransformerV2 {
        @Override
        public String getName() {
            return "faulty-mcp";
        }

        @Override
        public boolean applyGlobally() {
            return true;
        }

        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            try {
                return handle(serveEvent.getRequest()).build();
            } catch (RuntimeException e) {
                return aResponse().withStatus(500).withBody("faulty-mcp bug: " + e).build();
            }
        }
    }

    private ResponseDefinitionBuilder handle(Request request) {
        String method = request.getMethod().getName();
        String session = request.getHeader("Mcp-Session-Id");
        Matcher cred = CREDENTIAL.matcher(String.valueOf(request.getHeader("Authorization")));
        String akid = cred.find() ? cred.group(1) : null;
        JsonNode msg = null;
        byte[] body = request.getBody();
        if (body != null && body.length > 0) {
            try {
                msg = JSON.readTree(body);
            } catch (java.io.IOException e) {
                msg = null;
            }
        }
        String rpcMethod = msg != null && msg.hasNonNull("method") ? msg.get("method").asText() : null;
        JsonNode id = msg == null ? null : msg.get("id");
        JsonNode params = msg == null ? null : msg.get("params");
        String cli = params == null ? null : params.path("arguments").path("cli_command").asText(null);
        hits.add(new Hit(method, rpcMethod, id, cli, akid, session, params));

        switch (method) {
            case "GET":
                return aResponse().withStatus(405).withHeader("Allow", "POST, DELETE");
            case "DELETE":
                liveSessions.remove(session);
                return aResponse().withStatus(200);
            case "POST":
                break;
            default:
                return aResponse().withStatus(405);
        }
        if (msg == null) {
            return json(400, error(null, -32700, "Parse error"));
        }
        if ("initialize".equals(rpcMethod)) {
            String s = "fs-" + sessions.incrementAndGet();
            liveSessions.add(s);
            ObjectNode result = JSON.createObjectNode().put("protocolVersion", "2025-06-18");
            result.putObject("capabilities").putObject("tools");
            result.putObject("serverInfo").put("name", "faulty-mcp").put("version", "1");
            return json(200, success(id, result)).withHeader("Mcp-Session-Id", s);
        }
        if (session == null || !liveSessions.contains(session)) {
            return json(404, error(id, -32001, "Session not found"));
        }
        if (rpcMethod == null || id == null) {
            return aResponse().withStatus(202);
        }
        switch (rpcMethod) {
            case "ping":
                return json(200, success(id, JSON.createObjectNode()));
            case "tools/list": {
                ObjectNode result = JSON.createObjectNode();
                ObjectNode tool = result.putArray("tools").addObject().put("name", "aws___call_aws").put("description", "x");
                tool.putObject("inputSchema").put("type", "object").putObject("properties").putObject("cli_command")
                        .put("type", "string");
                return json(200, success(id, result));
            }
            case "tools/call":
                return fault(cli == null ? "" : cli, id, session, akid);
            default:
                return json(200, error(id, -32601, "Method not found"));
        }
    }

    private ResponseDefinitionBuilder fault(String cli, JsonNode id, String session, String akid) {
        Matcher m = FAULT.matcher(cli);
        String fault = m.find() ? m.group(1) : "none";
        ObjectNode ok = success(id, textResult("ran: " + cli));
        switch (fault) {
            case "none":
                return json(200, ok);
            case "reset":
                return aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
            case "empty-reply":
                return aResponse().withFault(Fault.EMPTY_RESPONSE);
            case "malformed-chunk":
                return aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK);
            case "random-data-then-close":
                return aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE);
            case "malformed-json":
                return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"cut of");
            case "wrong-id":
                return json(200, success(JSON.getNodeFactory().numberNode(987654321), textResult("for someone else")));
            case "jsonrpc-error":
                return json(200, error(id, -32603, "internal failure in the tool"));
            case "html-502":
                return aResponse().withStatus(502).withHeader("Content-Type", "text/html")
                        .withBody("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
                                + "</h1></center><hr><center>awselb/2.0</center></body></html>");
            case "html-200":
                return aResponse().withStatus(200).withHeader("Content-Type", "text/html; charset=utf-8")
                        .withBody("<!DOCTYPE html><html><body><h1>Sign in to continue</h1><form>…</form></body></html>");
            case "http500-retry-after":
                return aResponse().withStatus(500).withHeader("Retry-After", "1").withHeader("Content-Type", "text/plain")
                        .withBody("internal server error");
            case "http502-retry-after":
                return aResponse().withStatus(502).withHeader("Retry-After", "1").withHeader("Content-Type", "text/plain")
                        .withBody("bad gateway");
            case "http503-retry-after":
                return aResponse().withStatus(503).withHeader("Retry-After", "1")
                        .withHeader("Content-Type", "application/json").withBody("{\"message\":\"Service Unavailable\"}");
            case "http503-retry-after-once":
                return onceDone.add(cli) ? aResponse().withStatus(503).withHeader("Retry-After", "1")
                        .withHeader("Content-Type", "application/json").withBody("{\"message\":\"Service Unavailable\"}")
                        : json(200, ok);
            case "http429":
                return aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withHeader("Content-Type", "application/json").withBody("{\"message\":\"Rate exceeded\"}");
            case "http429-once":
                return onceDone.add(cli) ? aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withHeader("Content-Type", "application/json").withBody("{\"message\":\"Rate exceeded\"}")
                        : json(200, ok);
            case "slow-body":
                return json(200, ok).withChunkedDribbleDelay(8, 800);
            case "slow-body-past-deadline":
                return json(200, ok).withChunkedDribbleDelay(8, 6000);
            case "silent-past-deadline":
                return json(200, ok).withFixedDelay(6000);
            case "sse-ok":
                return sse(progress(id) + event(ok));
            case "sse-cut-mid-event": {
                String answer = event(ok);
                return sse(progress(id) + answer.substring(0, answer.length() / 2));
            }
            case "sse-ends-without-answer":
                return sse(progress(id));
            case "session-404-once":
                if (onceDone.add(cli)) {
                    liveSessions.remove(session); // as if upstream restarted and forgot the session
                    return json(404, error(id, -32001, "Session not found"));
                }
                return json(200, ok);
            case "session-404-always":
                liveSessions.remove(session);
                return json(404, error(id, -32001, "Session not found"));
            case "auth-401-until-rotated":
                if (akid != null && akid.equals(acceptedAfterRotation)) {
                    return json(200, ok);
                }
                return aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"The security token included in the request is expired\"}");
            case "auth-401-always":
                return aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"The security token included in the request is expired\"}");
            case "redirect-302":
                return aResponse().withStatus(302).withHeader("Location", redirectTo.toString());
            case "redirect-307":
                return aResponse().withStatus(307).withHeader("Location", redirectTo.toString());
            default:
                return json(200, error(id, -32602, "unknown fault " + fault));
        }
    }

    private static ResponseDefinitionBuilder sse(String events) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                .withHeader("Cache-Control", "no-cache").withBody(events.getBytes(StandardCharsets.UTF_8));
    }

    private static String progress(JsonNode id) {
        ObjectNode p = JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/message");
        p.putObject("params").put("level", "info").put("data", "working on " + id);
        return event(p);
    }

    private static String event(JsonNode message) {
        return "event: message\ndata: " + message + "\n\n";
    }

    private static ObjectNode textResult(String text) {
        ObjectNode r = JSON.createObjectNode();
        r.putArray("content").addObject().put("type", "text").put("text", text);
        r.put("isError", false);
        return r;
    }

    private static ObjectNode success(JsonNode id, JsonNode result) {
        ObjectNode m = JSON.createObjectNode().put("jsonrpc", "2.0");
        m.set("id", id);
        m.set("result", result);
        return m;
    }

    private static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode m = JSON.createObjectNode().put("jsonrpc", "2.0");
        m.set("id", id == null ? JSON.nullNode() : id);
        m.putObject("error").put("code", code).put("message", message);
        return m;
    }

    private static ResponseDefinitionBuilder json(int status, JsonNode body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body.toString());
    }
}
