package dev.mcpaudit.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/**
 * The verifier's byte-level hash check agrees with the canonical event the writer hashes, for column
 * values that need JSON escaping at every position of the eight-byte words the escape scan reads.
 */
class ChainHashTest {
    private static final String PREV = "ab".repeat(32);

    @Test
    void escapedCharactersAnywhereInAColumnHashAsTheWriterHashesThem() {
        MessageDigest sha256 = CanonicalJson.sha256();
        ChainHash.Scratch scratch = new ChainHash.Scratch();
        String[] specials = {"\"", "\\", "\n", "\u0000", "\u001f", "\u007f", "é", "\u2028"};
        for (String special : specials) {
            for (int at = 0; at <= 20; at++) {
                String session = "s".repeat(at) + special + "t".repeat(20 - at);
                String payload = "{\"profile\":\"dev\"}";
                String canonical = ChainHash.canonicalEvent("e1", "call.requested", "2026-11-01T10:00:00.000Z",
                        session, null, payload);
                String hash = ChainHash.next(sha256, PREV, canonical.getBytes(StandardCharsets.UTF_8));
                RawEvent row = new RawEvent(1, bytes("e1"), bytes("call.requested"), bytes("2026-11-01T10:00:00.000Z"),
                        bytes(session), null, bytes(payload), bytes(PREV), bytes(hash), ChainHash.RULE_PAYLOAD, null, null);
                assertThat(ChainHash.hashMatches(sha256, scratch, row)).as("%s at %d", special, at).isTrue();
                RawEvent edited = new RawEvent(1, bytes("e1"), bytes("call.requested"), bytes("2026-11-01T10:00:00.000Z"),
                        bytes(session.replace(special, "x")), null, bytes(payload), bytes(PREV), bytes(hash),
                        ChainHash.RULE_PAYLOAD, null, null);
                assertThat(ChainHash.hashMatches(sha256, scratch, edited)).as("%s at %d edited", special, at).isFalse();
            }
        }
    }

    @Test
    void aPrevHashThatIsNotLowercaseHexNeverMatches() {
        MessageDigest sha256 = CanonicalJson.sha256();
        String upper = PREV.toUpperCase();
        String canonical = ChainHash.canonicalEvent("e1", "t", "2026-11-01T10:00:00.000Z", "s", null, "{}");
        String hash = ChainHash.next(sha256, PREV, canonical.getBytes(StandardCharsets.UTF_8));
        RawEvent row = new RawEvent(1, bytes("e1"), bytes("t"), bytes("2026-11-01T10:00:00.000Z"), bytes("s"), null,
                bytes("{}"), bytes(upper), bytes(hash), ChainHash.RULE_PAYLOAD, null, null);
        assertThat(ChainHash.hashMatches(sha256, new ChainHash.Scratch(), row)).isFalse();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
