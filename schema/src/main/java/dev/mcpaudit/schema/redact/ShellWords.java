package dev.mcpaudit.schema.redact;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into words the way a POSIX shell would (whitespace, single and double
 * quotes, backslash escapes), keeping each word's span in the original text so that one value can
 * be replaced while the rest of the command stays exactly as the agent wrote it. Redaction and
 * audit-cli's read/write classifier read command lines through it alike.
 */
public final class ShellWords {

    /** One word: its text after quote removal and the [start, end) span of its raw form. */
    public record Word(String text, int start, int end) {}

    private ShellWords() {}

    public static List<Word> split(String line) {
        List<Word> words = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int start = -1;
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                if (start >= 0) {
                    words.add(new Word(text.toString(), start, i));
                    text.setLength(0);
                    start = -1;
                }
                i++;
                continue;
            }
            if (start < 0) {
                start = i;
            }
            if (c == '\'') {
                int close = line.indexOf('\'', i + 1);
                int end = close < 0 ? n : close; // an unterminated quote runs to the end, as far as redaction cares
                text.append(line, i + 1, end);
                i = close < 0 ? n : close + 1;
            } else if (c == '"') {
                i++;
                while (i < n && line.charAt(i) != '"') {
                    char d = line.charAt(i);
                    if (d == '\\' && i + 1 < n && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
                        text.append(line.charAt(i + 1));
                        i += 2;
                    } else {
                        text.append(d);
                        i++;
                    }
                }
                i = Math.min(n, i + 1);
            } else if (c == '\\' && i + 1 < n) {
                text.append(line.charAt(i + 1));
                i += 2;
            } else {
                text.append(c);
                i++;
            }
        }
        if (start >= 0) {
            words.add(new Word(text.toString(), start, n));
        }
        return words;
    }

    /** Quotes a word for the shell only when it needs it, so markers and plain values stay unquoted. */
    static String quote(String word) {
        if (!word.isEmpty() && word.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || "-_./:=,@%+[]".indexOf(ch) >= 0)) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
