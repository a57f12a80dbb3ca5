package dev.mcpaudit.schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The chain rule, shared by the writer and the verifier (schema/FORMAT.md):
 * {@code hash = SHA-256(prev_hash as 32 raw bytes || UTF-8 of the canonical event)}, where the
 * canonical event is the RFC 8785 form of
 * {@code {call_id, event_id, payload, session_id, time, type}}. The payload is stored canonical, so
 * the canonical event is built by concatenation without re-parsing it.
 */
public final class ChainHash {
    /** prev_hash of the first event. */
    public static final String GENESIS = "0".repeat(64);

    private static final HexFormat HEX = HexFormat.of();

    private ChainHash() {}

    /** The canonical event, given a payload that is already canonical JSON text. */
    public static String canonicalEvent(
            String eventId, String type, String time, String sessionId, String callId, String canonicalPayload) {
        StringBuilder sb = new StringBuilder(canonicalPayload.length() + 200);
        // Keys in RFC 8785 order (UTF-16 code units): call_id, event_id, payload, session_id, time, type.
        sb.append("{\"call_id\":");
        if (callId == null) {
            sb.append("null");
        } else {
            CanonicalJson.appendQuoted(sb, callId);
        }
        sb.append(",\"event_id\":");
        CanonicalJson.appendQuoted(sb, eventId);
        sb.append(",\"payload\":").append(canonicalPayload);
        sb.append(",\"session_id\":");
        CanonicalJson.appendQuoted(sb, sessionId);
        sb.append(",\"time\":");
        CanonicalJson.appendQuoted(sb, time);
        sb.append(",\"type\":");
        CanonicalJson.appendQuoted(sb, type);
        return sb.append('}').toString();
    }

    /** The hash of an event given its predecessor's hash; throws if prevHash is not 64 hex digits. */
    public static String next(String prevHash, String canonicalEvent) {
        return next(CanonicalJson.sha256(), prevHash, canonicalEvent.getBytes(StandardCharsets.UTF_8));
    }

    /** Same, reusing a digest and pre-encoded bytes (the verifier's and writer's hot loops). */
    static String next(MessageDigest sha256, String prevHash, byte[] canonicalEventUtf8) {
        sha256.reset();
        sha256.update(HEX.parseHex(prevHash));
        sha256.update(canonicalEventUtf8);
        return HEX.formatHex(sha256.digest());
    }

    static boolean isHash(String s) {
        if (s == null || s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
