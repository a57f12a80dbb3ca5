package dev.mcpaudit.schema;

/** One row of the {@code events} table, as stored. {@code payload} is canonical JSON text. */
public record StoredEvent(
        long seq,
        String eventId,
        String type,
        String time,
        String sessionId,
        String callId,
        String payload,
        String prevHash,
        String hash) {}
