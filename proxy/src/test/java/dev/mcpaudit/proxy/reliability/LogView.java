package dev.mcpaudit.proxy.reliability;

import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.ChainVerifier;
import dev.mcpaudit.schema.VerificationReport;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the audit log holds, read the way a reviewer would, through a read-only connection: every query
 * opens the file afresh, so it sees what is durable now.
 */
final class LogView {
    /** One row of the {@code calls} read model. */
    record Call(String callId, String jsonRpcId, String profile, String tool, String outcome, String error,
            String resultSha256) {}

    /** One event's type and payload. */
    record Event(long seq, String type, String sessionId, String callId, String payload) {}

    private final Map<String, String> requestedByJsonRpcId = new HashMap<>();
    private final Set<String> duplicateJsonRpcIds = new HashSet<>();
    private final Set<String> completed = new HashSet<>();
    private final Map<String, Call> calls = new HashMap<>();
    private final Map<String, String> resultShaByCallId = new HashMap<>();
    private final List<Event> events;
    private final VerificationReport verification;

    private LogView(Path db) {
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            verification = ChainVerifier.verify(log);
            events = log.jdbi().withHandle(h -> h.createQuery("SELECT seq, type, session_id, call_id, payload FROM events"
                    + " ORDER BY seq").map((rs, ctx) -> new Event(rs.getLong(1), rs.getString(2), rs.getString(3),
                    rs.getString(4), rs.getString(5))).list());
            log.jdbi().useHandle(h -> {
                h.createQuery("SELECT json_extract(payload, '$.jsonrpc_id') AS id, call_id FROM events"
                        + " WHERE type = 'call.requested' ORDER BY seq").mapToMap().list().forEach(r -> {
                            String id = String.valueOf(r.get("id"));
                            if (requestedByJsonRpcId.put(id, (String) r.get("call_id")) != null) {
                                duplicateJsonRpcIds.add(id);
                            }
                        });
                h.createQuery("SELECT call_id, json_extract(payload, '$.result_sha256') AS sha FROM events"
                        + " WHERE type = 'call.completed'").mapToMap().list().forEach(r -> {
                            completed.add((String) r.get("call_id"));
                            if (r.get("sha") != null) {
                                resultShaByCallId.put((String) r.get("call_id"), (String) r.get("sha"));
                            }
                        });
                h.createQuery("SELECT c.call_id, json_extract(e.payload, '$.jsonrpc_id') AS id, c.profile, c.tool,"
                        + " c.outcome, c.error, c.result_sha256 FROM calls c LEFT JOIN events e"
                        + " ON e.call_id = c.call_id AND e.type IN ('call.requested', 'call.rejected')").mapToMap().list()
                        .forEach(r -> calls.put((String) r.get("call_id"), new Call((String) r.get("call_id"),
                                r.get("id") == null ? null : String.valueOf(r.get("id")), (String) r.get("profile"),
                                (String) r.get("tool"), (String) r.get("outcome"), (String) r.get("error"),
                                (String) r.get("result_sha256"))));
            });
        }
    }

    static LogView of(Path db) {
        return new LogView(db);
    }

    static VerificationReport verify(Path db) {
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            return ChainVerifier.verify(log);
        }
    }

    VerificationReport verification() {
        return verification;
    }

    /** call_id of the call.requested whose jsonrpc_id has this text (e.g. {@code 7}), or null. */
    String requested(String jsonRpcId) {
        return requestedByJsonRpcId.get(jsonRpcId);
    }

    String requested(long jsonRpcId) {
        return requested(Long.toString(jsonRpcId));
    }

    Set<String> duplicateJsonRpcIds() {
        return duplicateJsonRpcIds;
    }

    boolean completed(String callId) {
        return callId != null && completed.contains(callId);
    }

    String resultSha(String callId) {
        return resultShaByCallId.get(callId);
    }

    Call call(String callId) {
        return calls.get(callId);
    }

    /** The calls row of the call.requested with this jsonrpc_id, or null. */
    Call callOf(long jsonRpcId) {
        String callId = requested(jsonRpcId);
        return callId == null ? null : calls.get(callId);
    }

    Map<String, Call> calls() {
        return calls;
    }

    List<Event> events() {
        return events;
    }

    long count(String type) {
        return events.stream().filter(e -> e.type().equals(type)).count();
    }
}
