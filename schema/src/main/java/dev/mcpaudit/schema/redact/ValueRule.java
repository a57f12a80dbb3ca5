package dev.mcpaudit.schema.redact;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Marks text as secret by its content: a regular expression whose {@code group} is the secret
 * (0 = the whole match). {@code hints} are literals one of which must occur (case-insensitively)
 * before the regex is run at all, which keeps large results cheap. With {@code near}, a match only
 * counts when that pattern also occurs within {@code window} characters, for secrets that are only
 * recognisable in context (a 40-character AWS secret key next to its access key id).
 */
public record ValueRule(String name, Pattern pattern, int group, List<String> hints, Pattern near, int window)
        implements Rule {

    /** Calls {@code sink} with the [start, end) span of every secret this rule finds in {@code text}. */
    void find(String text, String lowerCaseText, SpanSink sink) {
        if (!hints.isEmpty() && !containsAny(lowerCaseText)) {
            return;
        }
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            int start = m.start(group);
            int end = m.end(group);
            if (start < 0 || start == end) {
                continue;
            }
            if (near != null && !nearby(text, start, end)) {
                continue;
            }
            sink.accept(start, end);
        }
    }

    /** A plain loop: this runs for every rule on every string of every result. */
    private boolean containsAny(String lowerCaseText) {
        for (int i = 0; i < hints.size(); i++) {
            if (lowerCaseText.contains(hints.get(i))) {
                return true;
            }
        }
        return false;
    }

    private boolean nearby(String text, int start, int end) {
        Matcher context = near.matcher(text);
        context.region(Math.max(0, start - window), Math.min(text.length(), end + window));
        return context.find();
    }

    static List<String> lowerCase(List<String> hints) {
        return hints.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    }

    @Override
    public String type() {
        return "value";
    }

    @FunctionalInterface
    interface SpanSink {
        void accept(int start, int end);
    }
}
