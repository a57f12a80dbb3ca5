package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of the redaction rules that fired on some values: the {@code <rule>} of every
 * {@code [REDACTED:<rule>:<fingerprint>]} marker (schema/FORMAT.md, "Redaction markers") found in
 * any string below them, whole or inside a longer text such as a command line. Sorted, distinct.
 */
final class FiredRedactionRules {
    // FORMAT.md's marker grammar; schema's own matcher is not public, and this needs only the rule name.
    private static final Pattern MARKER = Pattern.compile("\\[REDACTED:([A-Za-z0-9._-]+):[0-9a-f]{12}]");

    private final Set<String> rules = new TreeSet<>();

    /** Adds the rules of every marker in {@code value} (null: nothing). */
    void scan(JsonNode value) {
        if (value == null) {
            return;
        }
        if (value.isTextual()) {
            Matcher m = MARKER.matcher(value.textValue());
            while (m.find()) {
                rules.add(m.group(1));
            }
        } else if (value.isContainerNode()) {
            value.forEach(this::scan);
        }
    }

    /** The rule names found so far, sorted. */
    List<String> rules() {
        return List.copyOf(rules);
    }
}
