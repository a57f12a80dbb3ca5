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
        for (int i = 4; i < 20; i++) {
            if (BASE32.indexOf(accessKeyId.charAt(i)) < 0) {
                return Optional.empty(); // not a real key id: nothing trustworthy to decode
            }
        }
        long first48Bits = 0;
        for (int i = 4; i < 14; i++) { // 10 characters = 50 bits, of which the first 48 are wanted
            first48Bits = (first48Bits << 5) | BASE32.indexOf(accessKeyId.charAt(i));
        }
        first48Bits >>>= 2;
        long account = (first48Bits & 0x7fffffffff80L) >>> 7;
        return account > 999_999_999_999L ? Optional.empty() : Optional.of(String.format("%012d", account));
    }
}
