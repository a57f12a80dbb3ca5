package dev.mcpaudit.cli.replay;

import java.io.PrintWriter;

/**
 * One line on stderr, redrawn in place while calls are replayed: {@code [#####-----] 3/10 seq 12 …}.
 * Only on an interactive terminal (System.console() is null when stdout or stdin is a pipe, so a
 * piped --format json never gets one).
 */
final class ProgressBar {
    private static final int WIDTH = 20;
    private static final int LINE = 79;

    private final PrintWriter err;
    private final int total;
    private final boolean enabled;
    private int drawn;

    private ProgressBar(PrintWriter err, int total, boolean enabled) {
        this.err = err;
        this.total = total;
        this.enabled = enabled && total > 0;
    }

    static ProgressBar onConsole(PrintWriter err, int total) {
        return new ProgressBar(err, total, System.console() != null);
    }

    static ProgressBar off() {
        return new ProgressBar(null, 0, false);
    }

    /** Shows {@code done} of the total, and what is being sent now. */
    void show(int done, String now) {
        if (!enabled) {
            return;
        }
        int filled = done * WIDTH / total;
        String line = "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + done + "/" + total + " " + now;
        if (line.length() > LINE) {
            line = line.substring(0, LINE);
        }
        err.print("\r" + line + " ".repeat(Math.max(0, drawn - line.length())));
        err.flush();
        drawn = line.length();
    }

    /** Removes the line, so the report starts on a clean line. */
    void clear() {
        if (!enabled || drawn == 0) {
            return;
        }
        err.print("\r" + " ".repeat(drawn) + "\r");
        err.flush();
        drawn = 0;
    }
}
