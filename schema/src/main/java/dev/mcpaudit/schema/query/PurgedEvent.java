package dev.mcpaudit.schema.query;

/**
 * An event whose payload was purged ({@code seq}, {@code type}, {@code callId}, null for a session's
 * event, and {@code sessionId}) and the payload.purged event that records it ({@code purgeSeq},
 * {@code time}, {@code payload}).
 */
public record PurgedEvent(long purgeSeq, String time, String payload, long seq, String type, String callId,
        String sessionId) {}
