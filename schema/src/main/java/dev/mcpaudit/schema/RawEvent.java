package dev.mcpaudit.schema;

/**
 * One row of {@code events} as the verifier reads it: every column as its UTF-8 bytes, so that
 * checking a hash needs no decoding ({@code callId} is null for session events).
 */
record RawEvent(
        long seq,
        byte[] eventId,
        byte[] type,
        byte[] time,
        byte[] sessionId,
        byte[] callId,
        byte[] payload,
        byte[] prevHash,
        byte[] hash) {

    static RawEvent of(StoredEvent e) {
        return new RawEvent(e.seq(), utf8(e.eventId()), utf8(e.type()), utf8(e.time()), utf8(e.sessionId()),
                utf8(e.callId()), utf8(e.payload()), utf8(e.prevHash()), utf8(e.hash()));
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
