package dev.mcpaudit.schema.compare;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/**
 * Shapes of values that change on every call (times, generated ids). A value of such a shape is
 * masked only when the other side has the same shape at the same place: a time replaced by a plain
 * word is a real change.
 */
public enum VolatileShape {
    /** ISO-8601 date and time, e.g. {@code 2026-12-05T09:15:00.000Z} or {@code 2026-12-05 09:15:00+0000}. */
    TIMESTAMP,
    /** An RFC 4122 UUID in its 8-4-4-4-12 hex form. */
    UUID,
    /** Seconds since 1970 as a 10-digit integer between 2000 and 2100. */
    EPOCH_SECONDS,
    /** Milliseconds since 1970 as a 13-digit integer between 2000 and 2100. */
    EPOCH_MILLIS;

    // A date alone (2026-12-05) is usually meaningful (a billing period), so a time of day is required.
    private static final Pattern ISO_TIMESTAMP = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}([.,]\\d{1,9})?)?(Z|[+-]\\d{2}(:?\\d{2})?)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", Pattern.CASE_INSENSITIVE);

    private static final long SECONDS_2000 = 946_684_800L;
    private static final long SECONDS_2100 = 4_102_444_800L;

    /** The volatile shape of a JSON value, or null when it has none. */
    public static VolatileShape of(JsonNode value) {
        if (value == null) {
            return null;
        }
        if (value.isTextual()) {
            String text = value.textValue();
            if (text.length() > 40) {
                return null; // cheap exit for long texts; both shapes are shorter
            }
            if (ISO_TIMESTAMP.matcher(text).matches()) {
                return TIMESTAMP;
            }
            return UUID_TEXT.matcher(text).matches() ? UUID : null;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            long n = value.longValue();
            if (n >= SECONDS_2000 && n < SECONDS_2100) {
                return EPOCH_SECONDS; // every second in that range has exactly 10 digits
            }
            if (n >= SECONDS_2000 * 1000 && n < SECONDS_2100 * 1000) {
                return EPOCH_MILLIS; // and every millisecond 13
            }
        }
        return null;
    }
}
