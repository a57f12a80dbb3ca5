package dev.mcpaudit.schema.redact;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds secrets inside one string: every value rule, plus assignments ({@code password=…}) whose
 * name a key rule matches, and {@code --flag value} when the flag is a secret one (a command line
 * echoed in a result or an error). A colon counts only when a space or quote follows ({@code password: x},
 * {@code "password":"x"}), so ARNs and IAM actions ({@code arn:aws:secretsmanager:…}) are not
 * mistaken for assignments. In script mode only quoted literals count as assigned values, so
 * {@code token = get_token()} keeps its code readable while {@code token = "abc"} is hidden.
 */
final class TextScanner {
    private static final String NAME = "(?<![A-Za-z0-9_$])([A-Za-z_][A-Za-z0-9_.-]{0,80})(?:[\"']\\]?)?\\s*(:=|=|:(?=[\\s\"']))\\s*";
    private static final String QUOTED = "[rRbBuUfF]{0,2}(\"\"\"[\\s\\S]*?\"\"\"|'''[\\s\\S]*?'''|\"[^\"\\\\\\n]*+(?:\\\\.[^\"\\\\\\n]*+)*+\"|'[^'\\\\\\n]*+(?:\\\\.[^'\\\\\\n]*+)*+')";
    private static final String UNQUOTED = "([^\\s\"'&;,)}\\]<>=\\[][^\\s\"'&;,)}\\]<>]*)";
    private static final Pattern TEXT_ASSIGNMENT = Pattern.compile(NAME + "(?:" + QUOTED + "|" + UNQUOTED + ")");
    private static final Pattern SCRIPT_ASSIGNMENT = Pattern.compile(NAME + QUOTED);
    private static final Pattern LITERAL = Pattern.compile(QUOTED);
    /** {@code --flag value} in free text, e.g. a command line echoed in a tool result or an error. */
    private static final Pattern FLAG = Pattern.compile(
            "(?<![A-Za-z0-9_-])--([A-Za-z][A-Za-z0-9-]*)(?:=|\\s+)(\"[^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+\"|'[^']*'|(?!--)[^\\s\"']+)");

    /** A span of the text to hide and the rule that hides it. */
    record Hit(int start, int end, String rule) {}

    private final RedactionRules rules;

    TextScanner(RedactionRules rules) {
        this.rules = rules;
    }

    /** Non-overlapping hits in text order. */
    List<Hit> scan(String text, boolean script) {
        List<Hit> hits = new ArrayList<>();
        String lower = text.toLowerCase(Locale.ROOT);
        for (ValueRule rule : rules.valueRules()) {
            rule.find(text, lower, (start, end) -> hits.add(new Hit(start, end, rule.name())));
        }
        boolean separators = text.indexOf('=') >= 0 || text.indexOf(':') >= 0;
        if (rules.assignmentsEnabled() && separators) {
            findAssignments(text, script ? SCRIPT_ASSIGNMENT : TEXT_ASSIGNMENT, hits);
            if (script) {
                findAssignmentsInLiterals(text, hits);
            }
        }
        if (rules.assignmentsEnabled() && !script && text.contains("--")) {
            findFlags(text, hits);
        }
        if (rules.assignmentsEnabled() && script) {
            ArgumentLists.findInScript(text, rules, hits);
        }
        if (rules.pairRule() != null && separators && PairScanner.mayHold(lower)) {
            PairScanner.find(text, script, rules, hits);
        }
        if (text.contains("[REDACTED:")) {
            dropHitsInsideMarkers(text, hits);
        }
        return merge(hits);
    }

    /** A marker's rule name may itself look secret ("password-field:…"); markers are never redacted again. */
    private static void dropHitsInsideMarkers(String text, List<Hit> hits) {
        Matcher marker = Marker.findIn(text);
        while (marker.find()) {
            int start = marker.start();
            int end = marker.end();
            hits.removeIf(h -> h.start() < end && h.end() > start);
        }
    }

    private void findAssignments(String text, Pattern pattern, List<Hit> hits) {
        Matcher m = pattern.matcher(text);
        int from = 0;
        while (from < text.length() && m.find(from)) {
            KeyRule rule = rules.keyRuleFor(m.group(1));
            // Resume right after the separator: the "value" of a harmless name may itself be a
            // secret name ("error: password: x").
            from = m.end(2);
            if (rule == null) {
                continue;
            }
            boolean quoted = m.start(3) >= 0;
            int group = quoted ? 3 : 4;
            int start = m.start(group);
            int end = m.end(group);
            if (quoted) {
                // Keep the quotes (and any r/b/f prefix) so the code still reads as code.
                String literal = m.group(3);
                int quote = literal.startsWith("\"\"\"") || literal.startsWith("'''") ? 3 : 1;
                start += quote;
                end -= quote;
            } else if (m.group(2).equals(":")) {
                end = restOfLine(text, end); // "Authorization: Bearer abc", "password: two words"
            }
            if (end > start && !Marker.isMarker(text.substring(start, end))) {
                hits.add(new Hit(start, end, rule.name()));
            }
        }
    }

    /**
     * Inside a script's string literals the text rules apply: {@code "host=db password=x"} (a libpq
     * connection string), {@code "?stage=prod&api_key=x"}. A value that is a placeholder
     * ({@code f"password={pw}"}, {@code "%s"}) stays, and a backslash escape ends the value.
     */
    private void findAssignmentsInLiterals(String text, List<Hit> hits) {
        Matcher literal = LITERAL.matcher(text);
        while (literal.find()) {
            String quoted = literal.group(1);
            int quote = quoted.startsWith("\"\"\"") || quoted.startsWith("'''") ? 3 : 1;
            int start = literal.start(1) + quote;
            int end = literal.end(1) - quote;
            if (end - start < 3 || !hasSeparator(text, start, end)) {
                continue;
            }
            List<Hit> inside = new ArrayList<>();
            findAssignments(text.substring(start, end), TEXT_ASSIGNMENT, inside);
            for (Hit hit : inside) {
                String value = text.substring(start + hit.start(), start + hit.end());
                int escape = value.indexOf('\\');
                int length = escape < 0 ? value.length() : escape;
                if (length > 0 && "{%".indexOf(value.charAt(0)) < 0) {
                    hits.add(new Hit(start + hit.start(), start + hit.start() + length, hit.rule()));
                }
            }
        }
    }

    private static boolean hasSeparator(String text, int start, int end) {
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c == '=' || c == ':') {
                return true;
            }
        }
        return false;
    }

    /** A secret flag's value wherever a command line shows up in text; the quotes stay. */
    private void findFlags(String text, List<Hit> hits) {
        Matcher m = FLAG.matcher(text);
        while (m.find()) {
            int start = m.start(2);
            int end = m.end(2);
            String value = m.group(2);
            if (value.startsWith("file://") || value.startsWith("fileb://")) {
                continue; // names where the secret is, which is worth keeping
            }
            char first = text.charAt(start);
            if ((first == '"' || first == '\'') && end - start >= 2) {
                start++;
                end--;
            }
            String rule = rules.secretFlagRule(m.group(1), text.substring(start, end));
            if (rule == null) {
                continue;
            }
            if (end > start && !Marker.isMarker(text.substring(start, end))) {
                hits.add(new Hit(start, end, rule));
            }
        }
    }

    private static int restOfLine(String text, int from) {
        int end = from;
        while (end < text.length() && "\r\n,;}\"'".indexOf(text.charAt(end)) < 0) {
            end++;
        }
        while (end > from && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    private static List<Hit> merge(List<Hit> hits) {
        if (hits.size() < 2) {
            return hits;
        }
        hits.sort(Comparator.comparingInt(Hit::start).thenComparing(Comparator.comparingInt(Hit::end).reversed()));
        List<Hit> merged = new ArrayList<>();
        Hit current = hits.get(0);
        for (int i = 1; i < hits.size(); i++) {
            Hit next = hits.get(i);
            if (next.start() < current.end()) {
                current = new Hit(current.start(), Math.max(current.end(), next.end()), current.rule());
            } else {
                merged.add(current);
                current = next;
            }
        }
        merged.add(current);
        return merged;
    }
}
