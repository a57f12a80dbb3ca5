package dev.mcpaudit.schema.redact;

/**
 * A name written as lower-case words joined by {@code _}, so that a key rule can ask for a whole
 * word: {@code dbPass}, {@code DB_PASS} and {@code db-pass} are all {@code db_pass}, {@code BasicAuth}
 * is {@code basic_auth}, {@code HTTPAuth} is {@code http_auth}, while {@code Passenger} stays one word
 * ({@code passenger}) and {@code Author} is {@code author}. Words end at anything that is not a
 * letter or digit, where a lower-case letter or digit meets an upper-case one ({@code dbPass}), and
 * before the last capital of a run of capitals followed by a lower-case letter ({@code HTTPAuth}).
 * Digits stay with the word they follow ({@code pass2}).
 */
final class NameWords {
    private NameWords() {}

    static String of(String name) {
        StringBuilder b = new StringBuilder(name.length() + 4);
        int n = name.length();
        boolean boundary = false;
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (!Character.isLetterOrDigit(c)) {
                boundary = true;
                continue;
            }
            if (i > 0 && Character.isUpperCase(c)) {
                char prev = name.charAt(i - 1);
                if (Character.isLowerCase(prev) || Character.isDigit(prev)) {
                    boundary = true;
                } else if (Character.isUpperCase(prev) && i + 1 < n && Character.isLowerCase(name.charAt(i + 1))) {
                    boundary = true;
                }
            }
            if (boundary && b.length() > 0) {
                b.append('_');
            }
            boundary = false;
            b.append(Character.toLowerCase(c));
        }
        return b.toString();
    }
}
