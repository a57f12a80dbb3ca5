package dev.mcpaudit.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code --since}/{@code --until} values: ISO-8601 (instant, date-time, date; UTC unless given) or relative ({@code 24h}). */
public final class TimeArgs {
    private static final Pattern RELATIVE = Pattern.compile("(\\d+)([smhdw])");

    private TimeArgs() {}

    /** A {@code --since}/{@code --until} pair; either end may be open (null). */
    public record Period(Instant since, Instant until) {
        public String storedSince() {
            return since == null ? null : stored(since);
        }

        public String storedUntil() {
            return until == null ? null : stored(until);
        }
    }

    /** Both options parsed and checked against each other; a bad value is a usage error naming the option. */
    public static Period period(String since, String until, Instant now) {
        Instant from = option("--since", since, now);
        Instant to = option("--until", until, now);
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("--since (" + stored(from) + ") must be before --until (" + stored(to)
                    + "): the period is empty.");
        }
        return new Period(from, to);
    }

    private static Instant option(String name, String value, Instant now) {
        if (value == null) {
            return null;
        }
        try {
            return parse(value, now);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    public static Instant parse(String value, Instant now) {
        String v = value.strip();
        Matcher m = RELATIVE.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
            return now.minus(d);
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException ignored) {
            // try the other forms
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException ignored) {
            // try the other forms
        }
        try {
            return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // try the other forms
        }
        try {
            return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + value + "' is not a time: use ISO-8601 such as 2026-11-26,"
                    + " 2026-11-26T14:00:00Z or 2026-11-26T15:00+01:00, or a relative time such as 30m, 24h, 7d, 2w.");
        }
    }

    /** The stored form of event times, so that string comparison in SQL orders correctly. */
    public static String stored(Instant t) {
        return dev.mcpaudit.schema.EventTime.format(t);
    }
}
