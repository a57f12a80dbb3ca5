package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.schema.CanonicalJson;
import dev.mcpaudit.schema.Purges;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fixture rendered as WireMock stub files, for a user's own stock WireMock (the JUnit extension or
 * the standalone jar) to load as they are: {@code mappings/*.json} and, for response bodies,
 * {@code __files/*.json}. Together they answer an MCP Streamable-HTTP client at the recorded
 * endpoint's path:
 *
 * <ul>
 *   <li>{@code initialize} with the recorded answer and a fixed {@code Mcp-Session-Id};
 *       notifications with 202; {@code ping}; {@code tools/list} with the recorded page (else one
 *       built from the calls' tools); GET with 405 (no server-sent stream) and DELETE with 200;
 *   <li>each servable call, matched with {@code equalToJson} on method, tool (or target) and exact
 *       arguments, the JSON-RPC {@code id} and {@code params._meta} ignored through JsonUnit
 *       placeholders ({@code ignoreExtraElements} would let extra arguments match too). A
 *       redaction marker in the arguments matches any value there, since the client sends the
 *       secret, not the marker;
 *   <li>identical calls answered in recorded order through a scenario, each stub as often as the
 *       call was recorded: the last moves the scenario to a terminal state, so one call more misses
 *       (WireMock's 404) rather than repeating an answer.
 * </ul>
 *
 * <p>The response's id is the request's, through response templating applied per stub
 * ({@link #ID_TEMPLATE}: a number stays a number, a string a string). So that Handlebars leaves
 * recorded text alone (a CloudFormation {@code resolve:secretsmanager} dynamic reference in double
 * braces would otherwise be evaluated away), recorded bodies are written with no two braces in a row
 * ({@link #escapeTemplates}): the client parses the same JSON value. Never
 * {@code matchesJsonSchema}: the project's json-schema-validator is not the one WireMock was built with.
 *
 * <p>WireMock's scenario state is global to the server, so identical calls recorded on different
 * profiles share one queue; the stubs do not tell profiles apart.
 */
final class WireMockStubs {
    /** The session id every {@code initialize} answer carries. */
    static final String SESSION_ID = "mcp-audit-fixture";
    static final String ID_TEMPLATE = "{{toJson (jsonPath request.body '$.id')}}";
    static final String TEMPLATING = "response-template";
    static final String DEFAULT_PATH = "/mcp";
    private static final String IGNORE = "${json-unit.ignore}";
    private static final String IGNORE_ELEMENT = "${json-unit.ignore-element}";
    private static final String STARTED = "Started";
    /** A redaction marker inside a string; FORMAT.md "Redaction markers". */
    private static final Pattern MARKER = Pattern.compile("\\[REDACTED:[A-Za-z0-9._-]+:[0-9a-f]{12}]");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The files, by path relative to the WireMock root, and what could not become a stub. */
    record Rendered(Map<String, String> files, int mappings, String urlPath, List<String> skipped) {}

    private final Fixture fixture;
    private final String urlPath;
    private final Map<String, String> files = new LinkedHashMap<>();
    private final List<String> skipped = new ArrayList<>();
    private int mappings;

    private WireMockStubs(Fixture fixture) {
        this.fixture = fixture;
        this.urlPath = pathOf(fixture.source().endpoint());
    }

    static Rendered render(Fixture fixture) {
        return new WireMockStubs(fixture).renderAll();
    }

    private Rendered renderAll() {
        sessionStubs();
        callStubs();
        return new Rendered(files, mappings, urlPath, skipped);
    }

    private void sessionStubs() {
        ObjectNode initialize = post("initialize", rpc("initialize", NODES.textNode(IGNORE)));
        ObjectNode initResponse = answer(initialize, "initialize.json", envelope("result", initializeResult()));
        ((ObjectNode) initResponse.get("headers")).put("Mcp-Session-Id", SESSION_ID);
        mapping("00-initialize.json", initialize);

        ObjectNode notifications = stub("notifications (answered 202, no body)", "POST");
        ((ObjectNode) notifications.get("request")).putArray("bodyPatterns").addObject().putObject("matchesJsonPath")
                .put("expression", "$.method").put("matches", "notifications/.*");
        notifications.putObject("response").put("status", 202);
        mapping("01-notifications.json", notifications);

        ObjectNode ping = post("ping", rpc("ping", NODES.textNode(IGNORE_ELEMENT)));
        answer(ping, "ping.json", envelope("result", NODES.objectNode()));
        mapping("02-ping.json", ping);

        ObjectNode toolsList = post("tools/list", rpc("tools/list", NODES.textNode(IGNORE_ELEMENT)));
        answer(toolsList, "tools-list.json", envelope("result", toolsListResult()));
        mapping("03-tools-list.json", toolsList);

        ObjectNode get = stub("GET (no server-sent event stream: 405)", "GET");
        get.putObject("response").put("status", 405).putObject("headers").put("Allow", "POST, DELETE");
        mapping("04-get.json", get);

        ObjectNode delete = stub("DELETE (session ended: 200)", "DELETE");
        delete.putObject("response").put("status", 200);
        mapping("05-delete.json", delete);
    }

    private void callStubs() {
        Map<String, List<Fixture.Call>> byKey = new LinkedHashMap<>();
        for (Fixture.Call c : fixture.calls()) {
            if (c.outcome() == Fixture.Outcome.DENIED) {
                continue; // never reached upstream: nothing to answer
            }
            if (!c.isServable()) {
                skipped.add(c.label() + ": no stub, " + c.unservableReason() + ".");
                continue;
            }
            if (Purges.isMarker(c.args()) || containsPurgeMarker(c.args())) {
                skipped.add(c.label() + ": no stub, its arguments were purged, so no request could be matched to it.");
                continue;
            }
            byKey.computeIfAbsent(matchKey(c), k -> new ArrayList<>()).add(c);
        }
        int scenario = 0;
        for (List<Fixture.Call> same : byKey.values()) {
            scenario++;
            // Scenario names appear in WireMock's admin URLs (/__admin/scenarios/{name}/state): keep them path-safe.
            String name = "call-" + scenario + "-" + fileSafe(same.get(0).subject());
            for (int i = 0; i < same.size(); i++) {
                callStub(same.get(i), name, i, same.size());
            }
        }
    }

    private void callStub(Fixture.Call c, String scenario, int index, int count) {
        ObjectNode stub = post("seq " + c.seq() + " · " + c.method() + " " + c.subject() + " · " + c.profile()
                + (count > 1 ? " · " + (index + 1) + " of " + count : ""), rpc(c.method(), params(c)));
        stub.put("scenarioName", scenario);
        stub.put("requiredScenarioState", index == 0 ? STARTED : scenario + "-answered-" + index);
        stub.put("newScenarioState", index + 1 == count ? scenario + "-done" : scenario + "-answered-" + (index + 1));
        ObjectNode metadata = stub.putObject("metadata");
        metadata.put("log_id", fixture.source().logId());
        metadata.put("session_id", fixture.source().sessionId());
        metadata.put("seq", c.seq());
        metadata.put("call_id", c.callId());
        metadata.put("profile", c.profile());
        metadata.put("result_sha256", c.resultSha256());
        String body = c.result() != null ? envelope("result", c.result())
                : envelope("error", NODES.objectNode().put("code", -32603).put("message", c.error() == null ? "" : c.error()));
        answer(stub, "seq-" + c.seq() + ".json", body);
        mapping("seq-" + String.format("%06d", c.seq()) + "-" + fileSafe(c.subject()) + ".json", stub);
    }

    /** The request's {@code params} as the client sends them, with the volatile parts as placeholders. */
    private static JsonNode params(Fixture.Call c) {
        ObjectNode params = NODES.objectNode();
        JsonNode args = c.args() == null ? NODES.textNode(IGNORE_ELEMENT) : matchingValue(c.args());
        switch (c.method()) {
            case Fixture.Call.TOOLS_CALL -> {
                params.put("name", c.tool());
                params.set("arguments", args);
            }
            case Fixture.Call.RESOURCES_READ -> params.put("uri", c.target());
            case Fixture.Call.PROMPTS_GET -> {
                params.put("name", c.target());
                params.set("arguments", args);
            }
            default -> { // completion/complete: the log keeps ref.uri or ref.name, not which of the two
                params.put("ref", IGNORE);
                params.set("argument", args);
                params.put("context", IGNORE_ELEMENT);
            }
        }
        params.put("_meta", IGNORE_ELEMENT);
        return params;
    }

    /** The recorded value, with each redaction marker standing for whatever the client sends there. */
    private static JsonNode matchingValue(JsonNode recorded) {
        if (recorded.isTextual()) {
            String text = recorded.textValue();
            Matcher m = MARKER.matcher(text);
            if (!m.find()) {
                return recorded;
            }
            if (m.start() == 0 && m.end() == text.length()) {
                return NODES.textNode(IGNORE); // a number under a secret key is a marker too
            }
            StringBuilder regex = new StringBuilder("${json-unit.regex}^");
            int from = 0;
            do {
                regex.append(quote(text.substring(from, m.start()))).append(".+?");
                from = m.end();
            } while (m.find());
            return NODES.textNode(regex.append(quote(text.substring(from))).append('$').toString());
        }
        if (recorded.isObject()) {
            ObjectNode out = NODES.objectNode();
            recorded.fields().forEachRemaining(f -> out.set(f.getKey(), matchingValue(f.getValue())));
            return out;
        }
        if (recorded.isArray()) {
            ArrayNode out = NODES.arrayNode();
            recorded.forEach(v -> out.add(matchingValue(v)));
            return out;
        }
        return recorded;
    }

    private static String quote(String literal) {
        return literal.isEmpty() ? "" : Pattern.quote(literal);
    }

    private static boolean containsPurgeMarker(JsonNode node) {
        if (node == null) {
            return false;
        }
        if (node.isTextual()) {
            return node.textValue().contains("[PURGED:");
        }
        for (JsonNode child : node) {
            if (containsPurgeMarker(child)) {
                return true;
            }
        }
        return false;
    }

    /** Calls that a client sends identically share a key: method, tool or target, canonical arguments. */
    private static String matchKey(Fixture.Call c) {
        return c.method() + "\n" + c.subject() + "\n" + (c.args() == null ? "" : CanonicalJson.canonicalize(c.args()));
    }

    private JsonNode initializeResult() {
        for (Fixture.Server server : orderedServers()) {
            if (server.initialize() != null) {
                return server.initialize();
            }
        }
        ObjectNode result = NODES.objectNode();
        result.put("protocolVersion", fixture.source().protocolVersion() != null ? fixture.source().protocolVersion()
                : "2025-06-18");
        ObjectNode capabilities = result.putObject("capabilities");
        capabilities.putObject("tools").put("listChanged", false);
        if (records(Fixture.Call.RESOURCES_READ)) {
            capabilities.putObject("resources");
        }
        if (records(Fixture.Call.PROMPTS_GET)) {
            capabilities.putObject("prompts");
        }
        if (records(Fixture.Call.COMPLETION_COMPLETE)) {
            capabilities.putObject("completions");
        }
        result.putObject("serverInfo").put("name", SESSION_ID).put("version", "1");
        return result;
    }

    private JsonNode toolsListResult() {
        for (Fixture.Server server : orderedServers()) {
            if (server.toolsList() != null) {
                return server.toolsList();
            }
        }
        Set<String> names = new LinkedHashSet<>();
        fixture.calls().stream().filter(c -> Fixture.Call.TOOLS_CALL.equals(c.method()) && c.tool() != null)
                .forEach(c -> names.add(c.tool()));
        ObjectNode result = NODES.objectNode();
        ArrayNode tools = result.putArray("tools");
        names.forEach(n -> tools.addObject().put("name", n).putObject("inputSchema").put("type", "object"));
        return result;
    }

    /** The first profile's (the default profile's) answers first. */
    private List<Fixture.Server> orderedServers() {
        List<Fixture.Server> out = new ArrayList<>();
        fixture.profiles().keySet().stream().map(p -> fixture.servers().get(p)).filter(s -> s != null).forEach(out::add);
        fixture.servers().values().stream().filter(s -> !out.contains(s)).forEach(out::add);
        return out;
    }

    private boolean records(String method) {
        return fixture.calls().stream().anyMatch(c -> method.equals(c.method()));
    }

    /** {@code {"jsonrpc":"2.0","id":"${json-unit.ignore}","method":…,"params":…}}: the id may be a number or a string. */
    private static ObjectNode rpc(String method, JsonNode params) {
        ObjectNode body = NODES.objectNode();
        body.put("jsonrpc", "2.0");
        body.put("id", IGNORE);
        body.put("method", method);
        body.set("params", params);
        return body;
    }

    private ObjectNode stub(String name, String method) {
        ObjectNode stub = NODES.objectNode();
        stub.put("name", name);
        stub.putObject("request").put("method", method).put("urlPath", urlPath);
        return stub;
    }

    private ObjectNode post(String name, ObjectNode body) {
        ObjectNode stub = stub(name, "POST");
        ((ObjectNode) stub.get("request")).putArray("bodyPatterns").addObject().set("equalToJson", body);
        return stub;
    }

    /** A 200 JSON answer whose body is {@code bodyFile}, templated for the id. */
    private ObjectNode answer(ObjectNode stub, String bodyFile, String body) {
        ObjectNode response = stub.putObject("response");
        response.put("status", 200);
        response.putObject("headers").put("Content-Type", "application/json");
        response.put("bodyFileName", bodyFile);
        response.putArray("transformers").add(TEMPLATING);
        files.put("__files/" + bodyFile, body);
        return response;
    }

    /** A JSON-RPC response whose id is the request's and whose {@code member} is {@code value}, untouched by Handlebars. */
    static String envelope(String member, JsonNode value) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + ID_TEMPLATE + ",\"" + member + "\":" + escapeTemplates(write(value)) + "}\n";
    }

    /**
     * Writes each opening brace followed by another as the JSON escape backslash-u007b. In JSON text two braces in a row
     * occur only inside strings (an object's first token is a key or its end), where the escape
     * stands for the same character, so the value is unchanged and Handlebars sees no expression.
     */
    static String escapeTemplates(String json) {
        StringBuilder out = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char ch = json.charAt(i);
            if (ch == '{' && i + 1 < json.length() && json.charAt(i + 1) == '{') {
                out.append("\\u007b");
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    private void mapping(String file, ObjectNode stub) {
        files.put("mappings/" + file, pretty(stub));
        mappings++;
    }

    private static String write(JsonNode value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a recorded value could not be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String pretty(JsonNode value) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stub could not be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The recorded endpoint's path, where the client will post; {@code /mcp} when it has none. */
    private static String pathOf(String endpoint) {
        if (endpoint == null) {
            return DEFAULT_PATH;
        }
        try {
            String path = URI.create(endpoint).getRawPath();
            return path == null || path.isEmpty() ? "/" : path;
        } catch (IllegalArgumentException e) {
            return DEFAULT_PATH;
        }
    }

    private static String fileSafe(String name) {
        return name == null ? "call" : name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
