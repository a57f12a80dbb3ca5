package dev.mcpaudit.schema;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * An event about to be appended, with its payload as it happened: raw, not redacted. The appender
 * redacts it, once, before it is canonicalised, hashed or written (see {@link EventAppender}); a
 * payload redacted beforehand would be redacted again, so callers never redact.
 *
 * @param call what redacting a call event's payload needs beyond the payload ({@link CallContext#NONE}
 *     for any other event)
 */
public record NewEvent(EventType type, Instant time, String sessionId, String callId, ObjectNode payload, CallContext call) {

    public NewEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(call, "call");
        time = Objects.requireNonNull(time, "time").truncatedTo(ChronoUnit.MILLIS);
    }

    /** An event whose payload is redacted by its fields alone ({@link CallContext#NONE}). */
    public NewEvent(EventType type, Instant time, String sessionId, String callId, ObjectNode payload) {
        this(type, time, sessionId, callId, payload, CallContext.NONE);
    }

    public static NewEvent now(EventType type, String sessionId, String callId, ObjectNode payload) {
        return new NewEvent(type, Instant.now(), sessionId, callId, payload);
    }

    public static NewEvent now(EventType type, String sessionId, String callId, ObjectNode payload, CallContext call) {
        return new NewEvent(type, Instant.now(), sessionId, callId, payload, call);
    }
}
