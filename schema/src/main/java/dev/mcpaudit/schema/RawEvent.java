package dev.mcpaudit.schema;

/**
 * One row of {@code events} as a scan reads it: every text column as its UTF-8 bytes, so that
 * checking a hash needs no decoding ({@code callId} is null for session events; {@code payloadSalt}
 * and {@code payloadSha256} are null under rule 1, and the salt is null once a payload is purged).
 * {@code hashRule} is 0 when the column holds neither 1 nor 2. The arrays are the scan's own: a
 * {@link RowReader} may keep them but must not change them, since the verifier reads them too.
 */
public record RawEvent(
        long seq,
        byte[] eventId,
        byte[] type,
        byte[] time,
        byte[] sessionId,
        byte[] callId,
        byte[] payload,
        byte[] prevHash,
        byte[] hash,
        int hashRule,
        byte[] payloadSalt,
        byte[] payloadSha256) {

    static RawEvent of(StoredEvent e) {
        return new RawEvent(e.seq(), utf8(e.eventId()), utf8(e.type()), utf8(e.time()), utf8(e.sessionId()),
                utf8(e.callId()), utf8(e.payload()), utf8(e.prevHash()), utf8(e.hash()), rule(e.hashRule()),
                utf8(e.payloadSalt()), utf8(e.payloadSha256()));
    }

    static int rule(int stored) {
        return stored == ChainHash.RULE_PAYLOAD || stored == ChainHash.RULE_PAYLOAD_DIGEST ? stored : 0;
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
