package dev.mcpaudit.schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The chain rules, shared by the writer and the verifier (schema/FORMAT.md):
 * {@code hash = SHA-256(prev_hash as 32 raw bytes || UTF-8 of the canonical event)}. Under rule 1 the
 * canonical event is the RFC 8785 form of {@code {call_id, event_id, payload, session_id, time, type}};
 * under rule 2 (schema version 3 on) of {@code {call_id, event_id, payload_sha256, session_id, time, type}},
 * where {@code payload_sha256 = SHA-256(salt || UTF-8 of the payload)}, so that a payload can be purged
 * without changing the hash. The payload is stored canonical, so the canonical event is built by
 * concatenation without re-parsing it.
 */
public final class ChainHash {
    /** prev_hash of the first event. */
    public static final String GENESIS = "0".repeat(64);
    /** The hash covers the payload's bytes (schema versions 1 and 2). */
    public static final int RULE_PAYLOAD = 1;
    /** The hash covers payload_sha256, a salted digest of the payload (schema version 3 on). */
    public static final int RULE_PAYLOAD_DIGEST = 2;
    /** Bytes of random salt per rule-2 payload. */
    public static final int SALT_BYTES = 16;

    private static final HexFormat HEX = HexFormat.of();

    private ChainHash() {}

    /** Rule 1: the canonical event, given a payload that is already canonical JSON text. */
    public static String canonicalEvent(
            String eventId, String type, String time, String sessionId, String callId, String canonicalPayload) {
        StringBuilder sb = new StringBuilder(canonicalPayload.length() + 200);
        openEvent(sb, callId, eventId, ",\"payload\":").append(canonicalPayload);
        return closeEvent(sb, sessionId, time, type);
    }

    /** Rule 2: the canonical event, given the payload's {@link #payloadSha256 digest}. */
    public static String canonicalEventV2(
            String eventId, String type, String time, String sessionId, String callId, String payloadSha256) {
        StringBuilder sb = new StringBuilder(300);
        openEvent(sb, callId, eventId, ",\"payload_sha256\":");
        CanonicalJson.appendQuoted(sb, payloadSha256);
        return closeEvent(sb, sessionId, time, type);
    }

    /**
     * The members both rules share, in RFC 8785 order (UTF-16 code units): call_id and event_id, then
     * the payload member ({@code payload} or {@code payload_sha256}, both sorting here), then
     * session_id, time and type ({@link #closeEvent}).
     */
    private static StringBuilder openEvent(StringBuilder sb, String callId, String eventId, String payloadKey) {
        sb.append("{\"call_id\":");
        if (callId == null) {
            sb.append("null");
        } else {
            CanonicalJson.appendQuoted(sb, callId);
        }
        sb.append(",\"event_id\":");
        CanonicalJson.appendQuoted(sb, eventId);
        return sb.append(payloadKey);
    }

    private static String closeEvent(StringBuilder sb, String sessionId, String time, String type) {
        sb.append(",\"session_id\":");
        CanonicalJson.appendQuoted(sb, sessionId);
        sb.append(",\"time\":");
        CanonicalJson.appendQuoted(sb, time);
        sb.append(",\"type\":");
        CanonicalJson.appendQuoted(sb, type);
        return sb.append('}').toString();
    }

    /**
     * Rule 2's payload digest: lowercase hex SHA-256 of the salt (32 hex digits, used as its 16 raw
     * bytes) followed by the UTF-8 bytes of the canonical payload.
     */
    public static String payloadSha256(String saltHex, String canonicalPayload) {
        return payloadSha256(CanonicalJson.sha256(), HEX.parseHex(saltHex), canonicalPayload.getBytes(StandardCharsets.UTF_8));
    }

    static String payloadSha256(MessageDigest sha256, byte[] salt, byte[] payloadUtf8) {
        sha256.reset();
        sha256.update(salt);
        sha256.update(payloadUtf8);
        return HEX.formatHex(sha256.digest());
    }

    /** Lowercase hex SHA-256 of the UTF-8 bytes of {@code text}, unsalted: the digest of a purged payload. */
    public static String sha256Hex(String text) {
        return HEX.formatHex(CanonicalJson.sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
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
    private static final byte[] PAYLOAD_SHA256 = ascii(",\"payload_sha256\":");
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
     * Whether a stored row's hash is its chain rule applied to its stored content, hashing the
     * columns' bytes as they are (the same bytes {@link #canonicalEvent} or {@link #canonicalEventV2}
     * would produce, without building them). Both hashes, and under rule 2 {@code payload_sha256},
     * must be well formed ({@link #isHash(byte[])}). Under rule 2 the payload itself is not covered:
     * see {@link #payloadMatches}. The hashed bytes are built in {@code scratch} (one per thread) and
     * hashed with one update: a verifier checks millions of rows, and a dozen small updates per row
     * cost more than the copy.
     */
    static boolean hashMatches(MessageDigest sha256, Scratch scratch, RawEvent e) {
        return hashMatches(sha256, scratch, e, false);
    }

    /**
     * As above; {@code payloadDigestIsHex}: the caller has already seen payload_sha256 equal a digest
     * it computed, so it is lowercase hex and needs no escaping.
     */
    static boolean hashMatches(MessageDigest sha256, Scratch scratch, RawEvent e, boolean payloadDigestIsHex) {
        Scratch b = scratch.reset();
        byte[] prevHex = e.prevHash();
        for (int i = 0; i < 32; i++) {
            int high = HEX_VALUE[prevHex[2 * i] & 0xff];
            int low = HEX_VALUE[prevHex[2 * i + 1] & 0xff];
            if ((high | low) < 0) {
                return false; // not lowercase hex
            }
            b.put((byte) (high << 4 | low));
        }
        // Keys in RFC 8785 order, as in canonicalEvent.
        b.put(CALL_ID);
        if (e.callId() == null) {
            b.put(NULL);
        } else {
            b.putQuoted(e.callId());
        }
        b.put(EVENT_ID).putQuoted(e.eventId());
        if (e.hashRule() == RULE_PAYLOAD_DIGEST) {
            b.put(PAYLOAD_SHA256);
            if (payloadDigestIsHex) {
                b.put((byte) '"').put(e.payloadSha256()).put((byte) '"');
            } else {
                b.putQuoted(e.payloadSha256());
            }
        } else {
            b.put(PAYLOAD).put(e.payload());
        }
        b.put(SESSION_ID).putQuoted(e.sessionId());
        b.put(TIME).putQuoted(e.time());
        b.put(TYPE).putQuoted(e.type());
        b.put((byte) '}');
        sha256.reset();
        sha256.update(b.bytes, 0, b.length);
        return digestEquals(sha256.digest(), e.hash());
    }

    /** A growable byte buffer, reused row after row by one thread. */
    static final class Scratch {
        private byte[] bytes = new byte[1024];
        private int length;

        Scratch reset() {
            length = 0;
            return this;
        }

        Scratch put(byte b) {
            room(1);
            bytes[length++] = b;
            return this;
        }

        Scratch put(byte[] b) {
            return put(b, 0, b.length);
        }

        Scratch put(byte[] b, int from, int count) {
            room(count);
            System.arraycopy(b, from, bytes, length, count);
            length += count;
            return this;
        }

        /** A JSON string of these UTF-8 bytes, escaped as {@link CanonicalJson} escapes. */
        Scratch putQuoted(byte[] utf8) {
            put((byte) '"');
            int plainFrom = 0;
            for (int i = plainEnd(utf8, 0); i < utf8.length; i = plainEnd(utf8, i + 1)) {
                int c = utf8[i] & 0xff;
                if (ESCAPED[c]) {
                    put(utf8, plainFrom, i - plainFrom);
                    plainFrom = i + 1;
                    put(CanonicalJson.escape(c).getBytes(StandardCharsets.US_ASCII));
                }
            }
            return put(utf8, plainFrom, utf8.length - plainFrom).put((byte) '"');
        }

        /**
         * The index of the first byte from {@code from} on that may need escaping (below 0x20, {@code "}
         * or {@code \}), or the length: eight bytes at a time (ids, times and digests never need any).
         */
        private static int plainEnd(byte[] b, int from) {
            int i = from;
            for (; i + 8 <= b.length; i += 8) {
                long x = (long) LONGS.get(b, i);
                if (hasByteBelow0x20(x) || hasByte(x, '"') || hasByte(x, '\\')) {
                    break;
                }
            }
            for (; i < b.length; i++) {
                if (ESCAPED[b[i] & 0xff]) {
                    return i;
                }
            }
            return b.length;
        }

        private static final long ONES = 0x0101010101010101L;
        private static final long HIGHS = 0x8080808080808080L;
        private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles
                .byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

        /** Whether a byte of {@code x} is below 0x20 (bytes of 0x80 and above never count). */
        private static boolean hasByteBelow0x20(long x) {
            return ((x - ONES * 0x20) & ~x & HIGHS) != 0;
        }

        private static boolean hasByte(long x, char c) {
            long v = x ^ (ONES * c);
            return ((v - ONES) & ~v & HIGHS) != 0;
        }

        private void room(int more) {
            if (length + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }

    /**
     * Rule 2: whether the stored payload, with the stored salt, hashes to the stored payload_sha256.
     * False when the salt is gone (a purged payload) or is not 32 lowercase hex digits.
     */
    static boolean payloadMatches(MessageDigest sha256, RawEvent e) {
        byte[] salt = e.payloadSalt();
        if (salt == null || salt.length != 2 * SALT_BYTES) {
            return false;
        }
        sha256.reset();
        byte[] raw = new byte[SALT_BYTES];
        for (int i = 0; i < SALT_BYTES; i++) {
            int high = HEX_VALUE[salt[2 * i] & 0xff];
            int low = HEX_VALUE[salt[2 * i + 1] & 0xff];
            if ((high | low) < 0) {
                return false; // not lowercase hex
            }
            raw[i] = (byte) (high << 4 | low);
        }
        sha256.update(raw);
        sha256.update(e.payload());
        return digestEquals(sha256.digest(), e.payloadSha256());
    }

    /** Lowercase hex SHA-256 of some bytes, unsalted. */
    static String sha256Hex(MessageDigest sha256, byte[] bytes) {
        sha256.reset();
        return HEX.formatHex(sha256.digest(bytes));
    }

    private static boolean digestEquals(byte[] digest, byte[] storedHex) {
        for (int i = 0; i < 32; i++) {
            if (storedHex[2 * i] != HEX_DIGITS[(digest[i] >> 4) & 0xf]
                    || storedHex[2 * i + 1] != HEX_DIGITS[digest[i] & 0xf]) {
                return false;
            }
        }
        return true;
    }

    /** 32 lowercase hex digits. */
    static boolean isSalt(byte[] s) {
        if (s == null || s.length != 2 * SALT_BYTES) {
            return false;
        }
        for (byte c : s) {
            if (HEX_VALUE[c & 0xff] < 0) {
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
