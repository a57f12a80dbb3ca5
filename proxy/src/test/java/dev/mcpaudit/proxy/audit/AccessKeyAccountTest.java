package dev.mcpaudit.proxy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class AccessKeyAccountTest {
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /**
     * The inverse of the decoder: 48 bits = top bit (set in real keys) | account << 7 | 7 low bits,
     * then 4 more bytes, base32 into 16 characters after the prefix.
     */
    private static String encode(String prefix, long account, boolean topBit, int lowBits, long tail32) {
        long first48 = (topBit ? 1L << 47 : 0) | (account << 7) | (lowBits & 0x7f);
        byte[] bytes = new byte[10];
        for (int i = 0; i < 6; i++) {
            bytes[i] = (byte) (first48 >>> (8 * (5 - i)));
        }
        for (int i = 0; i < 4; i++) {
            bytes[6 + i] = (byte) (tail32 >>> (8 * (3 - i)));
        }
        StringBuilder sb = new StringBuilder(prefix);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                sb.append(BASE32.charAt((buffer >>> (bits - 5)) & 0x1f));
                bits -= 5;
            }
        }
        assertThat(bits).isZero(); // 80 bits = exactly 16 characters
        return sb.toString();
    }

    @Test
    void knownVectorDecodes() {
        assertThat(AccessKeyAccount.of("ASIAQNZGKIQY56JQ7WML")).contains("029608264753");
    }

    @Test
    void theEncoderReproducesTheKnownVectorsAccountPart() {
        // Sanity check of the test's own encoder against the real key: top bit and account fill the
        // first 41 bits, so the first 8 characters after the prefix must match; the rest need not.
        String encoded = encode("ASIA", 29608264753L, true, 0x33, 0xdeadbeefL);
        assertThat(encoded).hasSize(20).startsWith("ASIAQNZGKIQY");
        assertThat(AccessKeyAccount.of(encoded)).contains("029608264753");
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 7L, 29608264753L, 123456789012L, 549755813888L, 600000000000L, 999999999999L})
    void aKeyEncodingAnAccountDecodesBackToIt(long account) {
        String expected = String.format("%012d", account);
        Random random = new Random(account);
        for (String prefix : new String[] {"AKIA", "ASIA"}) {
            for (int i = 0; i < 20; i++) {
                String key = encode(prefix, account, true, random.nextInt(128), random.nextLong() & 0xffffffffL);

                assertThat(key).hasSize(20).matches(prefix + "[A-Z2-7]{16}");
                assertThat(AccessKeyAccount.of(key)).as(key).contains(expected);
            }
        }
    }

    @Test
    void topBitAndLowSevenBitsDoNotChangeTheAccount() {
        long account = 999999999999L;
        String withTopBit = encode("AKIA", account, true, 0x7f, 0xffffffffL);
        String withoutTopBit = encode("AKIA", account, false, 0, 0);

        assertThat(withTopBit).isNotEqualTo(withoutTopBit);
        assertThat(AccessKeyAccount.of(withTopBit)).contains("999999999999");
        assertThat(AccessKeyAccount.of(withoutTopBit)).contains("999999999999");
    }

    @ParameterizedTest
    @ValueSource(longs = {1_000_000_000_000L, (1L << 40) - 1})
    void fortyBitValuesBeyondTwelveDigitsAreNotAnAccount(long notAnAccount) {
        assertThat(AccessKeyAccount.of(encode("AKIA", notAnAccount, true, 0x11, 0x12345678L))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"AKIAIOSFODNN7EXAMPLE", "AKIAJSIE27KKMHXI3BJQ", "AKIAJAAAAAAAAAAAAAAA", "ASIAIAAAAAAAAAAAAAAA"})
    void legacyKeysDoNotEncodeAnAccount(String key) {
        assertThat(AccessKeyAccount.of(key)).isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "ASIAQNZGKIQY56JQ7WM",   // 19
        "ASIAQNZGKIQY56JQ7WMLA", // 21
        "ASIA",
        "ASIAQNZGKIQY56JQ7WML ",
    })
    void wrongLengthGivesEmpty(String key) {
        assertThat(AccessKeyAccount.of(key)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ASIA0NZGKIQY56JQ7WML", // 0 and 1, 8, 9 are not base32
        "ASIAQ1ZGKIQY56JQ7WML",
        "ASIAQNZGKIQY86JQ7WML",
        "ASIAQNZGKIQY59JQ7WML",
        "ASIAqnzgkiqy56jq7wml", // lower case
        "ASIAQNZGK-QY56JQ7WML",
        "ASIAQNZG=IQY56JQ7WML",
    })
    void nonBase32CharacterInTheDecodedPartGivesEmpty(String key) {
        assertThat(AccessKeyAccount.of(key)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ASIAQNZGKIQY56JQ7WM0",
        "ASIAQNZGKIQY56JQ7W1L",
        "ASIAQNZGKIQY56J-7WML",
        "ASIAQNZGKIQY56Jq7wml",
    })
    void nonBase32CharacterInTheLastSixCharactersGivesEmpty(String key) {
        // The class promises "the 16 characters after the 4-character prefix are base32"; a string
        // that is not a well-formed key id must not be credited to an account.
        assertThat(AccessKeyAccount.of(key)).isEmpty();
    }
}
