package dev.mcpaudit.schema;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Event ids: UUID version 7 (RFC 9562), time-ordered, so consecutive appends land next to each other
 * in the {@code event_id} index instead of dirtying a random page each (measurably fewer pages per
 * commit; see BENCHMARKS.md). Session and call ids use the same form, for the same reason.
 */
public final class EventIds {
    private EventIds() {}

    public static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long millis = System.currentTimeMillis();
        long high = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
