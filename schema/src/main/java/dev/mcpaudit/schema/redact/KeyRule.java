package dev.mcpaudit.schema.redact;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Marks the value of a JSON key, command-line flag or assigned name as secret by the name alone.
 * {@code match} is searched in the name's normalised form (lower case, letters and digits only), so
 * one rule covers {@code secretKey}, {@code secret_key}, {@code Secret-Key} and {@code --secret-key}.
 * {@code words} is searched in the name as lower-case words joined by {@code _} ({@link NameWords}),
 * for spellings that are only secret as a whole word: {@code DB_PASS} and {@code BasicAuth}, but not
 * {@code Passenger} or {@code Author}. Either may be null, not both; {@code except} (normalised form)
 * wins over both.
 */
public record KeyRule(String name, Pattern match, Pattern words, Pattern except) implements Rule {

    public boolean matches(String key) {
        return matches(key, normalise(key));
    }

    boolean matches(String key, String normalised) {
        if (normalised.isEmpty()) {
            return false;
        }
        boolean named = (match != null && match.matcher(normalised).find())
                || (words != null && words.matcher(NameWords.of(key)).find());
        return named && (except == null || !except.matcher(normalised).find());
    }

    static String normalise(String key) {
        StringBuilder b = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                b.append(c);
            }
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    @Override
    public String type() {
        return "key";
    }
}
