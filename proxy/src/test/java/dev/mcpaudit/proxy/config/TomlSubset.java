package dev.mcpaudit.proxy.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the little TOML the README's agent configs use: {@code [table]} headers, {@code key = value}
 * with basic strings, arrays of strings (over several lines too) and inline tables of strings, and
 * comments. Anything else is an error, so a snippet that strays from this subset fails its test
 * rather than being half read.
 */
final class TomlSubset {
    private final String text;
    private int at;

    private TomlSubset(String text) {
        this.text = text;
    }

    /** Each table by its dotted name ("" for the top), with its keys in order. */
    static Map<String, Map<String, Object>> parse(String text) {
        return new TomlSubset(text).tables();
    }

    private Map<String, Map<String, Object>> tables() {
        Map<String, Map<String, Object>> tables = new LinkedHashMap<>();
        Map<String, Object> current = new LinkedHashMap<>();
        tables.put("", current);
        while (skipBlankAndComments()) {
            if (peek() == '[') {
                at++;
                String name = until(']').strip();
                at++;
                current = new LinkedHashMap<>();
                if (tables.put(name, current) != null) {
                    throw error("table [" + name + "] defined twice");
                }
            } else {
                String key = until('=').strip();
                at++;
                current.put(key, value());
            }
            skipSpaces();
            if (at < text.length() && peek() != '\n' && peek() != '#') {
                throw error("unexpected text after a value");
            }
        }
        return tables;
    }

    private Object value() {
        skipSpaces();
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (c == '[') {
            at++;
            List<Object> items = new ArrayList<>();
            while (true) {
                skipBlankAndComments();
                if (peek() == ']') {
                    at++;
                    return items;
                }
                items.add(value());
                skipBlankAndComments();
                if (peek() == ',') {
                    at++;
                }
            }
        }
        if (c == '{') {
            at++;
            Map<String, Object> table = new LinkedHashMap<>();
            while (true) {
                skipSpaces();
                if (peek() == '}') {
                    at++;
                    return table;
                }
                String key = until('=').strip();
                at++;
                table.put(key, value());
                skipSpaces();
                if (peek() == ',') {
                    at++;
                }
            }
        }
        throw error("only strings, arrays and inline tables are read");
    }

    private String string() {
        at++;
        StringBuilder out = new StringBuilder();
        while (peek() != '"') {
            char c = text.charAt(at++);
            if (c == '\n') {
                throw error("a basic string ends on its line");
            }
            if (c == '\\') {
                char escaped = text.charAt(at++);
                switch (escaped) {
                    case '"', '\\' -> out.append(escaped);
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    default -> throw error("escape \\" + escaped + " is not read here");
                }
            } else {
                out.append(c);
            }
        }
        at++;
        return out.toString();
    }

    private boolean skipBlankAndComments() {
        while (at < text.length()) {
            char c = peek();
            if (c == '#') {
                while (at < text.length() && peek() != '\n') {
                    at++;
                }
            } else if (Character.isWhitespace(c)) {
                at++;
            } else {
                return true;
            }
        }
        return false;
    }

    private void skipSpaces() {
        while (at < text.length() && (peek() == ' ' || peek() == '\t')) {
            at++;
        }
    }

    private String until(char end) {
        int start = at;
        while (peek() != end) {
            if (peek() == '\n') {
                throw error("expected '" + end + "'");
            }
            at++;
        }
        return text.substring(start, at);
    }

    private char peek() {
        if (at >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(at);
    }

    private IllegalArgumentException error(String why) {
        return new IllegalArgumentException("TOML at offset " + at + ": " + why);
    }
}
