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

    private static final byte[] CALL_ID = ascii("{\"call_id\":");
    private static final byte[] EVENT_ID = ascii(",\"event_id\":");
    private static final byte[] PAYLOAD = ascii(",\"payload\":");
    private static final byte[] SESSION_ID = ascii(",\"session_id\":");
    private static final byte[] TIME = ascii(",\"time\":");
    private static final byte[] TYPE = ascii(",\"type\":");
    private static final byte[] NULL = ascii("null");
    private static final byte[] HEX_DIGITS = ascii("0123456789abcdef");
    /** Lookup tables for the verifier's per-byte loops: a byte's value as a lowercase hex digit (-1: not one). */
    private static final byte[] HEX_VALUE = new byte[256];
    /** Bytes that RFC 8785 escapes inside a string ({@link CanonicalJson#escape}): all ASCII. */
    private static final boolean[] ESCAPED = new boolean[256];

    static {
        java.util.Arrays.fill(HEX_VALUE, (byte) -1);
        for (int i = 0; i < 16; i++) {
            HEX_VALUE[HEX_DIGITS[i]] = (byte) i;
        }
        for (int b = 0; b < 0x80; b++) {
            ESCAPED[b] = CanonicalJson.escape(b) != null;
        }
    }

    /**
     * Whether a stored row's hash is the chain rule applied to its stored content, hashing the
     * columns' bytes as they are (the same bytes {@link #canonicalEvent} would produce, without
     * building it). Both hashes must be well formed ({@link #isHash(byte[])}).
     */
    static boolean hashMatches(MessageDigest sha256, RawEvent e) {
        sha256.reset();
        byte[] prev = new byte[32];
        byte[] prevHex = e.prevHash();
        for (int i = 0; i < 32; i++) {
            prev[i] = (byte) (HEX_VALUE[prevHex[2 * i]] << 4 | HEX_VALUE[prevHex[2 * i + 1]]);
        }
        sha256.update(prev);
        // Keys in RFC 8785 order, as in canonicalEvent.
        sha256.update(CALL_ID);
        if (e.callId() == null) {
            sha256.update(NULL);
        } else {
            updateQuoted(sha256, e.callId());
        }
        sha256.update(EVENT_ID);
        updateQuoted(sha256, e.eventId());
        sha256.update(PAYLOAD);
        sha256.update(e.payload());
        sha256.update(SESSION_ID);
        updateQuoted(sha256, e.sessionId());
        sha256.update(TIME);
        updateQuoted(sha256, e.time());
        sha256.update(TYPE);
        updateQuoted(sha256, e.type());
        sha256.update((byte) '}');
        byte[] digest = sha256.digest();
        byte[] stored = e.hash();
        for (int i = 0; i < 32; i++) {
            if (stored[2 * i] != HEX_DIGITS[(digest[i] >> 4) & 0xf] || stored[2 * i + 1] != HEX_DIGITS[digest[i] & 0xf]) {
                return false;
            }
        }
        return true;
    }

    /**
     * A JSON string of UTF-8 bytes, escaped byte by byte as {@link CanonicalJson#appendQuoted} escapes
     * characters: every byte it escapes is ASCII, which never occurs inside a multi-byte sequence, so
     * the stored bytes are hashed as they are, never decoded (invalid UTF-8 cannot be normalised away).
     */
    private static void updateQuoted(MessageDigest sha256, byte[] utf8) {
        sha256.update((byte) '"');
        int plainFrom = 0;
        for (int i = 0; i < utf8.length; i++) {
            int b = utf8[i] & 0xff;
            if (!ESCAPED[b]) {
                continue;
            }
            sha256.update(utf8, plainFrom, i - plainFrom);
            plainFrom = i + 1;
            sha256.update(CanonicalJson.escape(b).getBytes(StandardCharsets.US_ASCII));
        }
        sha256.update(utf8, plainFrom, utf8.length - plainFrom);
        sha256.update((byte) '"');
    }

    static boolean isHash(byte[] s) {
        if (s == null || s.length != 64) {
            return false;
        }
        for (byte c : s) {
            if (HEX_VALUE[c & 0xff] < 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static boolean isHash(String s) {
        if (s == null || s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (c >= 256 || HEX_VALUE[c] < 0) {
                return false;
            }
        }
        return true;
    }
}
