package dev.mcpaudit.schema;

/**
 * One row of the {@code events} table, as stored. {@code payload} is canonical JSON text.
 * {@code hashRule} is {@link ChainHash#RULE_PAYLOAD} or {@link ChainHash#RULE_PAYLOAD_DIGEST} (anything
 * else is malformed); under rule 2 {@code payloadSha256} is the digest the hash covers and
 * {@code payloadSalt} its salt, null once the payload was purged.
 */
public record StoredEvent(
        long seq,
        String eventId,
        String type,
        String time,
        String sessionId,
        String callId,
        String payload,
        String prevHash,
        String hash,
        int hashRule,
        String payloadSalt,
        String payloadSha256) {

    /** A rule-1 event (as written before schema version 3). */
    public StoredEvent(long seq, String eventId, String type, String time, String sessionId, String callId,
            String payload, String prevHash, String hash) {
        this(seq, eventId, type, time, sessionId, callId, payload, prevHash, hash, ChainHash.RULE_PAYLOAD, null, null);
    }
}
