package dev.mcpaudit.schema.redact;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * The AWS CLI's shorthand syntax for structure, map and list parameters, parsed with the span of
 * every value so that one value can be replaced and the rest kept as written:
 * {@code Variables={DB_HOST=db1,LOG_LEVEL=info}}, {@code USERNAME=bob,PASSWORD=x},
 * {@code Name=email,Value=a@example.com}, {@code Values=a,b,c}, {@code Items=[{K=v},{K=w}]}.
 *
 * <p>It follows awscli's {@code shorthand.py} closely enough to find every value: {@code key=value}
 * pairs separated by commas; a value is {@code {…}} (nested pairs), {@code […]} (a list), a quoted
 * string, or plain text up to the next comma or closing bracket, with {@code \,} for a comma inside
 * it; {@code a=x,y} makes a list of x and y unless what follows the comma is another {@code key=}.
 * A redaction marker is one value, so a redacted command parses to the same shape again.
 */
final class Shorthand {

    /** A parsed value. */
    sealed interface Node permits Pairs, Items, Scalar {}

    /** {@code key=value,…}: a structure or a map. */
    record Pairs(Map<String, Node> entries) implements Node {}

    /** {@code [a,b]} or {@code a,b}: a list. */
    record Items(List<Node> items) implements Node {}

    /** One value: {@code [start, end)} of the parsed text (quotes included), and the key it is under, if any. */
    record Scalar(int start, int end, String key) implements Node {}

    private final String text;
    private int at;

    private Shorthand(String text) {
        this.text = text;
    }

    /** The pairs in {@code text}, or null when it is not shorthand (no {@code key=} first, or a syntax error). */
    static Pairs parse(String text) {
        Shorthand p = new Shorthand(text);
        try {
            p.space();
            if (!p.atKey()) {
                return null;
            }
            Pairs pairs = p.pairs((char) 0);
            p.space();
            return p.at == text.length() ? pairs : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Pairs up to {@code close} ('}' inside braces, 0 at the top level). */
    private Pairs pairs(char close) {
        Map<String, Node> entries = new LinkedHashMap<>();
        while (true) {
            space();
            String key = key();
            expect('=');
            entries.put(key, values(key, close));
            space();
            if (at < text.length() && text.charAt(at) == ',') {
                at++;
                continue;
            }
            return new Pairs(entries);
        }
    }

    private String key() {
        int start = at;
        while (at < text.length() && "=,{}[]".indexOf(text.charAt(at)) < 0) {
            at++;
        }
        String key = text.substring(start, at).strip();
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key expected at " + start);
        }
        return key;
    }

    /** What follows {@code key=}: a brace, a list, or one value or several separated by commas. */
    private Node values(String key, char close) {
        space();
        if (at == text.length() || text.charAt(at) == ',' || text.charAt(at) == close) {
            return new Scalar(at, at, key); // key= with nothing: an empty string
        }
        Node first = value(key);
        if (!(first instanceof Scalar)) {
            return first;
        }
        List<Node> items = new ArrayList<>();
        items.add(first);
        while (true) {
            int save = at;
            space();
            if (at >= text.length() || text.charAt(at) != ',') {
                at = save;
                break;
            }
            at++;
            space();
            if (atKey() || at >= text.length() || text.charAt(at) == close) {
                at = save; // the next pair, not a list item
                break;
            }
            items.add(value(key));
        }
        return items.size() == 1 ? first : new Items(items);
    }

    private Node value(String key) {
        space();
        if (at >= text.length()) {
            throw new IllegalArgumentException("value expected at end");
        }
        char c = text.charAt(at);
        if (c == '[') {
            Matcher marker = Marker.findIn(text);
            if (marker.find(at) && marker.start() == at) {
                at = marker.end();
                return new Scalar(marker.start(), marker.end(), key);
            }
            return list(key);
        }
        if (c == '{') {
            at++;
            space();
            if (at < text.length() && text.charAt(at) == '}') {
                at++;
                return new Pairs(Map.of());
            }
            Pairs pairs = pairs('}');
            expect('}');
            return pairs;
        }
        int start = at;
        if (c == '\'' || c == '"') {
            at++;
            while (at < text.length() && text.charAt(at) != c) {
                at += text.charAt(at) == '\\' ? 2 : 1;
            }
            if (at >= text.length()) {
                throw new IllegalArgumentException("unterminated quote at " + start);
            }
            at++;
            return new Scalar(start, at, key);
        }
        while (at < text.length() && ",}]".indexOf(text.charAt(at)) < 0) {
            at += text.charAt(at) == '\\' && at + 1 < text.length() ? 2 : 1;
        }
        int end = at;
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return new Scalar(start, end, key);
    }

    private Items list(String key) {
        expect('[');
        List<Node> items = new ArrayList<>();
        space();
        if (at < text.length() && text.charAt(at) == ']') {
            at++;
            return new Items(items);
        }
        while (true) {
            items.add(value(key));
            space();
            if (at < text.length() && text.charAt(at) == ',') {
                at++;
                continue;
            }
            expect(']');
            return new Items(items);
        }
    }

    /** True at {@code key=}: a key made of key characters, then '='. */
    private boolean atKey() {
        int i = at;
        while (i < text.length() && "=,{}[]'\"".indexOf(text.charAt(i)) < 0) {
            i++;
        }
        return i > at && i < text.length() && text.charAt(i) == '=' && !text.substring(at, i).isBlank();
    }

    private void expect(char c) {
        space();
        if (at >= text.length() || text.charAt(at) != c) {
            throw new IllegalArgumentException("'" + c + "' expected at " + at);
        }
        at++;
    }

    private void space() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }
}
