package dev.mcpaudit.schema.redact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A secret flag's value when a command is written as a list of arguments rather than one line:
 * {@code ["--password", "S3cret"]} in a script ({@code subprocess.run([...])}) or in JSON (an ECS
 * container's {@code command}, an SSM document's arguments), and {@code --password=S3cret} inside a
 * script's string literals. The flag is judged by the key and flag rules, and the marker names the
 * rule that matched, as for {@code --flag value} in text. A MySQL/MariaDB client's {@code "-p",
 * "S3cret"} or {@code "-pS3cret"} in a JSON list is hidden under {@value #DB_CLIENT_RULE} (in text
 * that rule's pattern finds it).
 */
final class ArgumentLists {
    static final String DB_CLIENT_RULE = "db-client-password";

    private static final String LITERAL = "[rRbBuUfF]{0,2}(\"[^\"\\\\\\n]*+(?:\\\\.[^\"\\\\\\n]*+)*+\"|'[^'\\\\\\n]*+(?:\\\\.[^'\\\\\\n]*+)*+')";
    /** {@code "--password", "S3cret"}: a flag literal, a comma, a value literal. */
    private static final Pattern FLAG_THEN_LITERAL = Pattern.compile(
            "([\"'])(--?[A-Za-z][A-Za-z0-9_-]*)\\1\\s*,\\s*" + LITERAL);
    /** {@code --password=S3cret} or {@code --password S3cret} inside a literal; not {@code {pw}}, {@code %s}, {@code $PW}. */
    private static final Pattern FLAG_IN_LITERAL = Pattern.compile(
            "(?<![A-Za-z0-9_-])--([A-Za-z][A-Za-z0-9-]*)(?:=|[ \\t]+)(?![-{%$])([^\\s\"'\\\\]+)");

    private ArgumentLists() {}

    /** Script mode: both forms, as hits of the rule that judged the flag. */
    static void findInScript(String text, RedactionRules rules, List<TextScanner.Hit> hits) {
        if (!text.contains("-")) {
            return;
        }
        Matcher m = FLAG_THEN_LITERAL.matcher(text);
        while (m.find()) {
            int start = m.start(3) + 1;
            int end = m.end(3) - 1;
            String rule = flagRule(m.group(2), text.substring(start, Math.max(start, end)), rules);
            if (rule != null && end > start && keep(text.substring(start, end))) {
                hits.add(new TextScanner.Hit(start, end, rule));
            }
        }
        if (text.contains("--")) {
            Matcher inline = FLAG_IN_LITERAL.matcher(text);
            while (inline.find()) {
                String rule = rules.secretFlagRule(inline.group(1), inline.group(2));
                if (rule != null && keep(inline.group(2))) {
                    hits.add(new TextScanner.Hit(inline.start(2), inline.end(2), rule));
                }
            }
        }
    }

    /** JSON: hides, in place, the element after a secret flag and a database client's -p password. */
    static void hideInArray(ArrayNode array, Redactor.Walk walk, JsonPath path) {
        int n = array.size();
        if (n < 2) {
            return;
        }
        boolean flags = false;
        for (int i = 0; i < n && !flags; i++) {
            JsonNode e = array.get(i);
            flags = e.isTextual() && e.asText().length() >= 2 && e.asText().charAt(0) == '-';
        }
        if (!flags) {
            return; // the usual case: a list of names, ids or objects
        }
        boolean dbClient = false;
        for (int i = 0; i < n && !dbClient; i++) {
            dbClient = array.get(i).isTextual() && isDbClient(array.get(i).asText());
        }
        RedactionRules rules = walk.rules();
        boolean dbRule = dbClient && rules.hasRule(DB_CLIENT_RULE);
        for (int i = 0; i < n; i++) {
            JsonNode e = array.get(i);
            if (!e.isTextual() || !e.asText().startsWith("-")) {
                continue;
            }
            String t = e.asText();
            if (dbRule && t.startsWith("-p")) {
                String attached = t.substring(2);
                if (attached.isEmpty()) {
                    hideElement(array, i + 1, DB_CLIENT_RULE, walk, path);
                } else if (keep(attached) && "-=".indexOf(attached.charAt(0)) < 0 && !attached.contains("[REDACTED:")) {
                    array.set(i, TextNode.valueOf("-p" + walk.marker(DB_CLIENT_RULE, attached, path.index(i))));
                }
                continue;
            }
            if (rules.assignmentsEnabled() && t.indexOf('=') < 0) {
                String next = i + 1 < n && array.get(i + 1).isTextual() ? array.get(i + 1).asText() : "";
                String rule = flagRule(t, next, rules);
                if (rule != null) {
                    hideElement(array, i + 1, rule, walk, path);
                }
            }
        }
    }

    private static void hideElement(ArrayNode array, int i, String rule, Redactor.Walk walk, JsonPath path) {
        if (i < array.size() && array.get(i).isTextual() && keep(array.get(i).asText())
                && !array.get(i).asText().startsWith("file://") && !array.get(i).asText().startsWith("fileb://")) {
            array.set(i, TextNode.valueOf(walk.marker(rule, array.get(i).asText(), path.index(i))));
        }
    }

    /** The rule that makes {@code --flag}'s (or {@code -password}'s) value secret, or null. */
    private static String flagRule(String flag, String value, RedactionRules rules) {
        if (flag.startsWith("--")) {
            return flag.length() > 2 ? rules.secretFlagRule(flag.substring(2), value) : null;
        }
        if (flag.length() < 5) {
            return null; // -p, -u, -h: short options mean different things to different programs
        }
        KeyRule byName = rules.keyRuleFor(flag);
        return byName == null || !byName.hidesText(value) ? null : byName.name();
    }

    /** A value worth hiding: not empty, not already a marker, not a variable. */
    private static boolean keep(String value) {
        return !value.isEmpty() && !Marker.isMarker(value) && !value.startsWith("$");
    }

    private static boolean isDbClient(String word) {
        if (word.isEmpty() || word.length() > 64 || word.indexOf(' ') >= 0) {
            return false;
        }
        String base = word.substring(word.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return base.startsWith("mysql") || base.startsWith("mariadb");
    }
}
