package dev.mcpaudit.cli;

import java.util.Map;
import picocli.CommandLine.Help.Ansi;

/**
 * What audit-cli may show beyond its output: a progress bar only on an interactive terminal (never in
 * a pipe, a file or CI logs), and colour only when the user has not asked for none.
 *
 * @param interactive whether a person watches: {@code System.console() != null}, i.e. stdin and stdout
 *     are a terminal (stderr then is too, unless redirected on its own)
 * @param env the environment, for NO_COLOR (https://no-color.org) and CLICOLOR_FORCE
 * @param largeWork how many events make work long enough for a progress bar
 */
public record Terminal(boolean interactive, Map<String, String> env, long largeWork) {
    /** About a second of verify or export on the machine BENCHMARKS.md measured. */
    static final long LARGE_WORK_EVENTS = 200_000;

    /** The terminal this process runs on. */
    public static Terminal current() {
        return new Terminal(System.console() != null, System.getenv(), LARGE_WORK_EVENTS);
    }

    /** Colour for picocli's help: never with NO_COLOR set, always with CLICOLOR_FORCE, else on a terminal. */
    public Ansi ansi() {
        if (!env.getOrDefault("NO_COLOR", "").isEmpty()) {
            return Ansi.OFF;
        }
        String force = env.getOrDefault("CLICOLOR_FORCE", "");
        if (!force.isEmpty() && !force.equals("0")) {
            return Ansi.ON;
        }
        return interactive ? Ansi.ON : Ansi.OFF;
    }

    /** Whether work over {@code events} events gets a progress bar. */
    boolean showsProgressFor(long events) {
        return interactive && events >= largeWork;
    }
}
