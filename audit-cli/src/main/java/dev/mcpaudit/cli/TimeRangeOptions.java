package dev.mcpaudit.cli;

import java.time.Instant;
import picocli.CommandLine.Option;

/**
 * {@code --since TIME --until TIME}, worded once for every command that takes a time range
 * ({@code calls}, {@code sessions}, {@code report}, {@code export}); each command's help says what
 * the range selects.
 */
public final class TimeRangeOptions {
    @Option(names = "--since", paramLabel = "TIME",
            description = "From this time on (inclusive): ISO-8601 (2026-11-26, 2026-11-26T14:00Z; UTC unless an offset is"
                    + " given) or relative to now (30m, 24h, 7d, 2w).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Before this time (exclusive); same forms as --since.")
    String until;

    /** Both parsed against {@code now} and checked against each other; a bad value is an IllegalArgumentException naming its option. */
    public TimeArgs.Period period(Instant now) {
        return TimeArgs.period(since, until, now);
    }

    /** Whether either end was given. */
    public boolean given() {
        return since != null || until != null;
    }
}
