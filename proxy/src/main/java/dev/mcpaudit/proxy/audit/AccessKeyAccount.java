package dev.mcpaudit.proxy.audit;

import java.util.Optional;

/**
 * The account an access key id belongs to, decoded offline: the 16 characters after the 4-character
 * prefix are base32, and bits 7–46 of their first 6 bytes are the account number. Keys whose fifth
 * character is I or J (legacy AKIAI…/AKIAJ…) do not encode it. Undocumented by AWS but stable for
 * years; used only when STS cannot be asked.
 */
final class AccessKeyAccount {
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private AccessKeyAccount() {}

    static Optional<String> of(String accessKeyId) {
        if (accessKeyId == null || accessKeyId.length() != 20) {
            return Optional.empty();
        }
        char fifth = accessKeyId.charAt(4);
        if (fifth == 'I' || fifth == 'J') {
            return Optional.empty();
        }
        long first48Bits = 0;
        int bits = 0;
        for (int i = 4; i < 20 && bits < 48; i++) {
            int v = BASE32.indexOf(accessKeyId.charAt(i));
            if (v < 0) {
                return Optional.empty();
            }
            first48Bits = (first48Bits << 5) | v;
            bits += 5;
        }
        first48Bits >>>= bits - 48; // keep exactly the first 6 bytes
        long account = (first48Bits & 0x7fffffffff80L) >>> 7;
        return Optional.of(String.format("%012d", account));
    }
}
