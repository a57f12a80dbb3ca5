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
 * wins over both. With {@code scalarsOnly}, only a string or number is hidden by the name: below an
 * object or array each key is judged on its own ({@code "Auth": {"AuthScheme": …, "SecretArn": …}}
 * is a configuration, {@code "AUTH": "…"} a credential).
 */
public record KeyRule(String name, Pattern match, Pattern words, Pattern except, boolean scalarsOnly) implements Rule {
    private static final Pattern SHORTHAND_MEMBER = Pattern.compile("[A-Za-z][A-Za-z0-9_]*=");

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

    /**
     * Whether a flag's or assignment's text value is hidden whole: always, unless this rule hides
     * only scalars and the text is a structure (JSON, or shorthand such as {@code Description=x,AuthScheme=SECRETS}).
     */
    boolean hidesText(String value) {
        if (!scalarsOnly) {
            return true;
        }
        String v = value.strip();
        return !(v.startsWith("{") || v.startsWith("[") || SHORTHAND_MEMBER.matcher(v).lookingAt());
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
