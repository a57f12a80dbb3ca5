package dev.mcpaudit.cli.replay;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code --timeout} values: {@code 30s}, {@code 500ms}, {@code 2m}, {@code 1h}, a bare number of seconds, or ISO-8601 ({@code PT30S}). */
final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h)?");

    private Durations() {}

    static Duration parse(String option, String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        Duration d;
        Matcher m = SHORT.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            d = switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        } else {
            try {
                d = Duration.parse(value.strip().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(option + " '" + value + "' is not a duration; write e.g. 30s, 500ms, 2m or PT1M30S.");
            }
        }
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(option + " '" + value + "' must be longer than zero; write e.g. 30s.");
        }
        return d;
    }

    /** {@code 30s}, {@code 1m30s}, {@code 500ms}: as a person would write it. */
    static String show(Duration d) {
        if (d.toMillisPart() != 0 && d.getSeconds() < 60) {
            return d.getSeconds() == 0 ? d.toMillis() + "ms" : d.toMillis() / 1000.0 + "s";
        }
        StringBuilder s = new StringBuilder();
        if (d.toHours() > 0) {
            s.append(d.toHours()).append('h');
        }
        if (d.toMinutesPart() > 0) {
            s.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0 || s.isEmpty()) {
            s.append(d.toSecondsPart()).append('s');
        }
        return s.toString();
    }
}
