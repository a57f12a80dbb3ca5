package dev.mcpaudit.cli;

import java.io.PrintWriter;

/**
 * One line on stderr, redrawn in place: {@code [#####-----] 3/10 seq 12 …}. Drawn only when the
 * caller says a person watches (see {@link Terminal}); otherwise every method does nothing.
 */
public final class ProgressBar {
    private static final int WIDTH = 20;
    private static final int LINE = 79;

    private final PrintWriter err;
    private final long total;
    private final boolean enabled;
    private int drawn;

    ProgressBar(PrintWriter err, long total, boolean enabled) {
        this.err = err;
        this.total = total;
        this.enabled = enabled && total > 0;
    }

    public static ProgressBar off() {
        return new ProgressBar(null, 0, false);
    }

    /** Shows {@code done} of the total, and what is being worked on now. */
    public synchronized void show(long done, String now) {
        if (!enabled) {
            return;
        }
        long shown = Math.min(Math.max(done, 0), total);
        int filled = (int) (shown * WIDTH / total);
        String line = "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + String.format("%,d/%,d", shown, total)
                + " " + now;
        if (line.length() > LINE) {
            line = line.substring(0, LINE);
        }
        err.print("\r" + line + " ".repeat(Math.max(0, drawn - line.length())));
        err.flush();
        drawn = line.length();
    }

    /** Removes the line, so what follows starts on a clean line. */
    public synchronized void clear() {
        if (!enabled || drawn == 0) {
            return;
        }
        err.print("\r" + " ".repeat(drawn) + "\r");
        err.flush();
        drawn = 0;
    }
}
