package dev.mcpaudit.schema.compare;

import dev.mcpaudit.schema.redact.Marker;

/**
 * Reads the rule out of a redaction marker {@code [REDACTED:<rule>:<fingerprint>]}. Two markers of
 * the same rule count as equal whatever their fingerprints: fingerprints are keyed per log, so the
 * same secret has another fingerprint in another log, and fixtures must not depend on the key.
 */
final class RedactionMarkers {
    private RedactionMarkers() {}

    /** The rule name if the text is exactly one marker, else null. */
    static String ruleOf(String text) {
        if (!Marker.isMarker(text)) {
            return null;
        }
        return text.substring("[REDACTED:".length(), text.lastIndexOf(':'));
    }

    /**
     * The text with the fingerprint of every marker inside it hidden: a command line redacted in two
     * logs ({@code --secret-string [REDACTED:secret-field:3f9a…]}) reads the same in both.
     */
    static String withFingerprintsHidden(String text) {
        return text.contains("[REDACTED:") ? EMBEDDED.matcher(text).replaceAll("[REDACTED:$1:*]") : text;
    }

    private static final java.util.regex.Pattern EMBEDDED =
            java.util.regex.Pattern.compile("\\[REDACTED:([A-Za-z0-9._-]+):[0-9a-f]{12}]");

    /** The marker with its fingerprint replaced, so markers of one rule share one form. */
    static String withoutFingerprint(String rule) {
        return "[REDACTED:" + rule + ":*]";
    }
}
