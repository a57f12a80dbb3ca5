package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.schema.AppendedEvent;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.CallContext;
import dev.mcpaudit.schema.CanonicalJson;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import dev.mcpaudit.schema.StoredEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes proxy sessions into a real log through the schema's appender, event by event as the proxy
 * writes them (schema/FORMAT.md "Events"), including upstream.initialized and tools.listed.
 */
final class RecordedSessions implements AutoCloseable {
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    static final String ENDPOINT = "https://aws-mcp.us-east-1.api.aws/mcp";

    /** The events of one call: its request (or rejection) and its completion (null when none). */
    record Recorded(String callId, AppendedEvent request, AppendedEvent completion) {}

    private final AuditLog log;
    private Instant time = Instant.parse("2026-12-01T10:00:00Z");
    private int jsonrpcId;
    /** The regions of the profiles of the newest session.started: what call.requested records as region. */
    private Map<String, String> regions = Map.of();

    RecordedSessions(Path db) {
        this.log = AuditLog.openForAppend(db);
    }

    AuditLog log() {
        return log;
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    AppendedEvent started(String session, boolean recordResults, Map<String, String> profileRegions) {
        regions = Map.copyOf(profileRegions);
        ObjectNode p = JSON.createObjectNode();
        p.put("proxy_version", "0.1.0");
        p.put("endpoint", ENDPOINT);
        p.put("service", "aws-mcp");
        p.put("signing_region", "us-east-1");
        profileRegions.keySet().forEach(p.putArray("profiles")::add);
        p.put("default_profile", profileRegions.keySet().iterator().next());
        ObjectNode regions = p.putObject("profile_regions");
        profileRegions.forEach(regions::put);
        p.put("read_only", false);
        p.put("audit_failure", "closed");
        p.put("record_results", recordResults);
        p.put("host", "laptop");
        p.put("os_user", "alice");
        p.put("pid", 4242);
        return append(EventType.SESSION_STARTED, session, null, p, CallContext.NONE);
    }

    AppendedEvent clientInitialized(String session, String protocolVersion) {
        ObjectNode p = JSON.createObjectNode();
        p.putObject("client_info").put("name", "claude-code").put("version", "2.0.1");
        p.put("protocol_version", protocolVersion);
        return append(EventType.CLIENT_INITIALIZED, session, null, p, CallContext.NONE);
    }

    AppendedEvent upstreamInitialized(String session, String profile, JsonNode result) {
        ObjectNode p = JSON.createObjectNode();
        p.put("profile", profile);
        p.put("upstream_session_id", "s-" + profile);
        p.put("result_sha256", CanonicalJson.sha256Hex(result));
        p.set("result", result);
        return append(EventType.UPSTREAM_INITIALIZED, session, null, p, CallContext.NONE);
    }

    AppendedEvent toolsListed(String session, String profile, String cursor, JsonNode result) {
        ObjectNode p = JSON.createObjectNode();
        p.put("profile", profile);
        p.put("cursor", cursor);
        p.put("result_sha256", CanonicalJson.sha256Hex(result));
        p.set("result", result);
        return append(EventType.TOOLS_LISTED, session, null, p, CallContext.NONE);
    }

    /**
     * A tools/call that completed. {@code maxResultBytes}: negative records no result body (only its
     * hash), as without --record-results; otherwise the cap the appender cuts it at.
     */
    Recorded call(String session, String profile, String account, String tool, JsonNode args, String outcome,
            String error, JsonNode result, double durationMs, int maxResultBytes) {
        String callId = UUID.randomUUID().toString();
        AppendedEvent request = append(EventType.CALL_REQUESTED, session, callId, requested(profile, account, tool, args),
                CallContext.arguments());
        ObjectNode c = JSON.createObjectNode();
        c.put("outcome", outcome);
        if (error != null) {
            c.put("error", error);
        }
        c.put("duration_ms", durationMs);
        if (result != null) {
            c.put("result_sha256", CanonicalJson.sha256Hex(result));
            if (maxResultBytes >= 0) {
                c.set("result", result);
            }
        }
        AppendedEvent completion = append(EventType.CALL_COMPLETED, session, callId, c,
                CallContext.resultOf(tool, args, maxResultBytes >= 0 ? maxResultBytes : -1));
        return new Recorded(callId, request, completion);
    }

    /** A call whose proxy stopped before the answer: a call.requested and nothing else. */
    Recorded requestOnly(String session, String profile, String account, String tool, JsonNode args) {
        String callId = UUID.randomUUID().toString();
        return new Recorded(callId, append(EventType.CALL_REQUESTED, session, callId,
                requested(profile, account, tool, args), CallContext.arguments()), null);
    }

    Recorded rejected(String session, String profile, String tool, JsonNode args, String reason) {
        String callId = UUID.randomUUID().toString();
        ObjectNode p = JSON.createObjectNode();
        p.put("method", "tools/call");
        p.put("jsonrpc_id", ++jsonrpcId);
        p.put("profile", profile);
        p.put("service", "aws-mcp");
        p.put("tool", tool);
        p.set("args", args);
        p.put("reason", reason);
        return new Recorded(callId, append(EventType.CALL_REJECTED, session, callId, p, CallContext.arguments()), null);
    }

    AppendedEvent ended(String session) {
        ObjectNode p = JSON.createObjectNode();
        p.put("ended_by", "stdin_closed");
        p.put("calls_requested", 0);
        p.put("calls_completed", 0);
        p.put("calls_rejected", 0);
        p.put("calls_not_recorded", 0);
        p.put("calls_cancelled_by_shutdown", 0);
        p.put("events_recorded_late", 0);
        return append(EventType.SESSION_ENDED, session, null, p, CallContext.NONE);
    }

    List<StoredEvent> events() {
        List<StoredEvent> out = new ArrayList<>();
        log.scanEvents(out::add);
        return out;
    }

    /** The stored (redacted) payload of the event at {@code seq} of the log at {@code db}. */
    static JsonNode storedPayload(Path db, long seq) {
        List<StoredEvent> events = new ArrayList<>();
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            log.scanEvents(events::add);
        }
        return json(events.stream().filter(e -> e.seq() == seq).findFirst().orElseThrow().payload());
    }

    private ObjectNode requested(String profile, String account, String tool, JsonNode args) {
        ObjectNode p = JSON.createObjectNode();
        p.put("method", "tools/call");
        p.put("jsonrpc_id", ++jsonrpcId);
        p.put("profile", profile);
        if (account != null) {
            p.put("account_id", account);
        }
        p.put("account_source", account != null ? "sts" : "unknown");
        p.put("region", regions.getOrDefault(profile, "us-east-1"));
        p.put("service", "aws-mcp");
        p.put("upstream_session_id", "s-" + profile);
        p.put("tool", tool);
        p.set("args", args);
        return p;
    }

    private AppendedEvent append(EventType type, String session, String callId, ObjectNode payload, CallContext call) {
        time = time.plusMillis(250);
        return log.appender().append(new NewEvent(type, time, session, callId, payload, call));
    }

    @Override
    public void close() {
        log.close();
    }
}
