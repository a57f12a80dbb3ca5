package dev.mcpaudit.schema.redact;

import java.util.regex.Pattern;

/**
 * The text that replaces a secret: {@code [REDACTED:rule-name:3f9a1c0b2d4e]}, the rule that fired
 * and the secret's fingerprint. It contains no spaces or quotes, so it can stand in for a value
 * inside a command line as well as in JSON.
 */
public final class Marker {
    private static final Pattern MARKER = Pattern.compile("\\[REDACTED:[A-Za-z0-9._-]+:[0-9a-f]{12}]");

    private Marker() {}

    static String of(String rule, String fingerprint) {
        return "[REDACTED:" + rule + ":" + fingerprint + "]";
    }

    /** Every marker inside a longer text, e.g. a command line redacted before. */
    static java.util.regex.Matcher findIn(String text) {
        return MARKER.matcher(text);
    }

    /** True when the text is exactly one marker, i.e. already redacted. */
    public static boolean isMarker(String text) {
        return text.length() <= 120 && text.startsWith("[REDACTED:") && MARKER.matcher(text).matches();
    }
}
