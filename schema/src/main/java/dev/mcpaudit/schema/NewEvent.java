package dev.mcpaudit.schema;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * An event about to be appended. The payload must already be redacted: it is hashed and stored
 * exactly as given (after RFC 8785 canonicalisation).
 */
public record NewEvent(EventType type, Instant time, String sessionId, String callId, ObjectNode payload) {

    public NewEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(payload, "payload");
        time = Objects.requireNonNull(time, "time").truncatedTo(ChronoUnit.MILLIS);
    }

    public static NewEvent now(EventType type, String sessionId, String callId, ObjectNode payload) {
        return new NewEvent(type, Instant.now(), sessionId, callId, payload);
    }
}
