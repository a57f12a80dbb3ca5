package dev.mcpaudit.schema.redact;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Marks the value of a JSON key, command-line flag or assigned name as secret by the name alone.
 * Names are compared in a normalised form (lower case, letters and digits only), so one rule covers
 * {@code secretKey}, {@code secret_key}, {@code Secret-Key} and {@code --secret-key}.
 */
public record KeyRule(String name, Pattern match, Pattern except) implements Rule {

    public boolean matches(String key) {
        return matchesNormalised(normalise(key));
    }

    boolean matchesNormalised(String normalised) {
        return !normalised.isEmpty()
                && match.matcher(normalised).find()
                && (except == null || !except.matcher(normalised).find());
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
