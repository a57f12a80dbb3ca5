package dev.mcpaudit.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.proxy.audit.AuditRecorder;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.proxy.upstream.UpstreamException;
import dev.mcpaudit.proxy.upstream.UpstreamHttp;
import dev.mcpaudit.proxy.upstream.UpstreamSessions;
import dev.mcpaudit.schema.ProductVersion;
import java.time.Duration;

/**
 * Answers the agent's initialize: records who the client is, lets upstream sessions present the
 * agent's protocol version and capabilities, and answers with upstream's capabilities (the default
 * profile's session is opened now) or, with --lazy-connect, with the proxy's own without connecting.
 */
final class InitializeHandler {
    private final UpstreamSessions upstreams;
    private final UpstreamHttp http;
    private final AuditRecorder recorder;
    private final String defaultProfile;
    private final Duration timeout;
    private final boolean lazyConnect;
    private final boolean telemetry;
    private final AgentElicitation elicitation;

    InitializeHandler(UpstreamSessions upstreams, UpstreamHttp http, AuditRecorder recorder, String defaultProfile,
            Duration timeout, boolean lazyConnect, boolean telemetry, AgentElicitation elicitation) {
        this.elicitation = elicitation;
        this.upstreams = upstreams;
        this.http = http;
        this.recorder = recorder;
        this.defaultProfile = defaultProfile;
        this.timeout = timeout;
        this.lazyConnect = lazyConnect;
        this.telemetry = telemetry;
    }

    JsonNode initialize(JsonNode params) throws UpstreamException {
        JsonNode p = params == null ? JsonRpc.MAPPER.createObjectNode() : params;
        upstreams.setClientInitialize(p);
        elicitation.agentInitialized(p); // whether approvals can be asked, and who would answer
        JsonNode clientInfo = p.path("clientInfo");
        recorder.clientInitialized(clientInfo, p.path("protocolVersion").asText(null));
        if (telemetry && clientInfo.hasNonNull("name")) {
            http.setClientInfo(clientInfo.get("name").asText(), clientInfo.path("version").asText("unknown"));
        }
        ObjectNode result = JsonRpc.MAPPER.createObjectNode();
        if (lazyConnect) {
            result.put("protocolVersion", p.path("protocolVersion").asText("2025-06-18"));
            ObjectNode caps = result.putObject("capabilities");
            caps.putObject("tools").put("listChanged", true);
            caps.putObject("resources");
            caps.putObject("prompts");
            caps.putObject("logging");
            caps.putObject("completions");
        } else {
            JsonNode upstream = upstreams.get(defaultProfile).ensureInitialized(timeout);
            result.put("protocolVersion", upstream.path("protocolVersion").asText());
            result.set("capabilities", upstream.path("capabilities"));
            if (upstream.hasNonNull("instructions")) {
                result.set("instructions", upstream.get("instructions"));
            }
        }
        result.putObject("serverInfo").put("name", "mcp-audit-proxy").put("version", ProductVersion.get());
        return result;
    }
}
