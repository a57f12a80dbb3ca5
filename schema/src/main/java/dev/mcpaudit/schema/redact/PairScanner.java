package dev.mcpaudit.schema.redact;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Name/value pairs written as text: AWS CLI shorthand ({@code ParameterKey=DBPassword,ParameterValue=…},
 * {@code Namespace=…,OptionName=DB_PASSWORD,Value=…}), JSON or a Python dict inside code or a log line
 * ({@code {'name': 'DB_PASSWORD', 'value': '…'}}, {@code \"name\": \"…\"} inside a string literal),
 * keyword arguments ({@code dict(Name="DB_PASS", Value="…")}), query strings
 * ({@code Parameters.member.1.ParameterKey=DBPassword&Parameters.member.1.ParameterValue=…}) and YAML
 * ({@code - name: DB_PASSWORD} with {@code value: …} on the next line).
 *
 * <p>Every {@code member=value} / {@code member: value} is found, and consecutive members form one
 * structure when only a comma or {@code &} (or, for YAML, a line break and indentation) separates
 * them and, for dotted members, their prefix is the same ({@code Parameters.member.1}). A structure
 * whose name member (see {@link NameValuePairs}) says secret has its value members hidden; the
 * quotes stay. In a script only quoted literals count, so {@code value=os.environ["X"]} stays code.
 */
final class PairScanner {
    private static final String QUOTED = "[rRbBuUfF]{0,2}(\"[^\"\\\\\\n]*+(?:\\\\.[^\"\\\\\\n]*+)*+\"|'[^'\\\\\\n]*+(?:\\\\.[^'\\\\\\n]*+)*+')";
    /** {@code \"…\"}: JSON written inside a string literal. */
    private static final String ESCAPED = "\\\\\"([^\"\\\\\\n]*+(?:\\\\\\\\[^\"\\\\\\n]*+)*+)\\\\\"";
    private static final String UNQUOTED = "([^\\s\"'&;,()}\\]<>=\\[\\\\][^\\s\"'&;,()}\\]<>\\\\]*)";
    private static final Pattern MEMBER = Pattern.compile(
            "(?<![A-Za-z0-9_$.-])\\\\?[\"']?([A-Za-z_][A-Za-z0-9_.-]{0,80}+)\\\\?[\"']?\\s*+(=|:(?=[\\s\"'\\\\]))\\s*+"
                    + "(?:" + QUOTED + "|" + ESCAPED + "|" + UNQUOTED + ")");
    /** What may separate two members of one structure. */
    private static final Pattern GAP = Pattern.compile("\\s*[,&]\\s*|[ \\t]*\\r?\\n[ \\t]*");

    private PairScanner() {}

    /** A cheap test on the lower-cased text: every value member's name contains "value". */
    static boolean mayHold(String lowerCaseText) {
        return lowerCaseText.contains("value") && (lowerCaseText.contains("name") || lowerCaseText.contains("key"));
    }

    static void find(String text, boolean script, RedactionRules rules, List<TextScanner.Hit> hits) {
        List<Member> structure = new ArrayList<>();
        Matcher m = MEMBER.matcher(text).useTransparentBounds(true);
        Matcher gap = GAP.matcher(text);
        int from = 0;
        Member previous = null;
        // The pattern is only tried where a member can start: at the key before each '=' or ':'.
        for (int sep = nextSeparator(text, 0); sep >= 0; sep = nextSeparator(text, Math.max(sep + 1, from))) {
            int start = memberStart(text, sep);
            if (start < from || !m.region(start, text.length()).lookingAt()) {
                continue;
            }
            Member member = member(m, text);
            // Inside a string literal there may be more pairs (JSON written as a Python string).
            from = member.quoted() ? member.valueStart() : Math.max(member.end(), m.end());
            if (previous != null && !sameStructure(gap, previous, member)) {
                decide(structure, script, rules, hits);
                structure.clear();
            }
            structure.add(member);
            previous = member;
        }
        decide(structure, script, rules, hits);
    }

    private static int nextSeparator(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '=' || c == ':') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Where a member ending at the separator {@code sep} would start, walking back over what
     * {@link #MEMBER} allows between key and separator (spaces, a quote, a backslash), the key, and
     * an opening quote; -1 when no key ends there.
     */
    private static int memberStart(String text, int sep) {
        int i = sep - 1;
        while (i >= 0 && Character.isWhitespace(text.charAt(i))) {
            i--;
        }
        if (i >= 0 && (text.charAt(i) == '"' || text.charAt(i) == '\'')) {
            i--;
        }
        if (i >= 0 && text.charAt(i) == '\\') {
            i--;
        }
        int keyEnd = i + 1;
        while (i >= 0 && isKeyChar(text.charAt(i))) {
            i--;
        }
        int keyStart = i + 1;
        if (keyStart == keyEnd || keyEnd - keyStart > 81) {
            return -1;
        }
        char first = text.charAt(keyStart);
        if (!(first == '_' || (first < 128 && Character.isLetter(first)))) {
            return -1;
        }
        int start = keyStart;
        if (start > 0 && (text.charAt(start - 1) == '"' || text.charAt(start - 1) == '\'')) {
            start--;
            if (start > 0 && text.charAt(start - 1) == '\\') {
                start--;
            }
        }
        return start;
    }

    private static boolean isKeyChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    }

    private static void decide(List<Member> structure, boolean script, RedactionRules rules, List<TextScanner.Hit> hits) {
        if (structure.size() < 2) {
            return;
        }
        boolean secret = false;
        for (Member member : structure) {
            if (member.role() == NameValuePairs.Role.NAME && (member.quoted() || !script)
                    && NameValuePairs.secretName(member.value(), rules)) {
                secret = true;
                break;
            }
        }
        if (!secret) {
            return;
        }
        for (Member member : structure) {
            if (member.role() == NameValuePairs.Role.VALUE && (member.quoted() || !script)
                    && member.valueEnd() > member.valueStart() && !Marker.isMarker(member.value())) {
                hits.add(new TextScanner.Hit(member.valueStart(), member.valueEnd(), rules.pairRule()));
            }
        }
    }

    private static boolean sameStructure(Matcher gap, Member a, Member b) {
        return b.start() >= a.afterValue()
                && prefix(a.key()).equals(prefix(b.key()))
                && gap.region(a.afterValue(), b.start()).matches();
    }

    private static String prefix(String key) {
        int dot = key.lastIndexOf('.');
        return dot < 0 ? "" : key.substring(0, dot);
    }

    private static Member member(Matcher m, String text) {
        String key = m.group(1);
        NameValuePairs.Role role = NameValuePairs.role(key);
        if (m.start(3) >= 0) {
            return new Member(key, role, m.start(), m.start(3) + 1, m.end(3) - 1, m.end(), true, text);
        }
        if (m.start(4) >= 0) {
            return new Member(key, role, m.start(), m.start(4), m.end(4), m.end(), true, text);
        }
        if (m.group(2).equals(":")) {
            int end = restOfLine(text, m.end(5)); // YAML: "value: two words"
            return new Member(key, role, m.start(), m.start(5), end, end, false, text);
        }
        // The value is the whole word, so a secret holding ( ) ; < > or \, is hidden whole, never cut
        // short where the pattern's plain value stops; scanning for the next member goes on from there.
        return new Member(key, role, m.start(), m.start(5), endOfWord(text, m.end(5)), m.end(5), false, text);
    }

    /** Where an unquoted value ends: at white space, a quote, or what separates members ({@code , & } ]}); {@code \x} is one character. */
    private static int endOfWord(String text, int from) {
        int end = from;
        while (end < text.length()) {
            char c = text.charAt(end);
            if (c == '\\' && end + 1 < text.length()) {
                end += 2;
            } else if (Character.isWhitespace(c) || "\"',&}]".indexOf(c) >= 0) {
                break;
            } else {
                end++;
            }
        }
        return end;
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

    /** One {@code key=value}: where it starts and ends, and where its value's text is (inside any quotes). */
    private record Member(String key, NameValuePairs.Role role, int start, int valueStart, int valueEnd, int end,
            boolean quoted, String text) {
        String value() {
            return text.substring(valueStart, valueEnd);
        }

        /** Where what separates it from the next member begins: after its quote, or after its whole word. */
        int afterValue() {
            return quoted ? end : Math.max(end, valueEnd);
        }
    }
}
