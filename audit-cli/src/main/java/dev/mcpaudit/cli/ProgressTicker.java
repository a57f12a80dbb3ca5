package dev.mcpaudit.cli;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Redraws a {@link ProgressBar} from a counter that the work advances (from any thread), a few times a
 * second, so the work itself never waits on the terminal. Closing draws the last count and clears the
 * line before the command prints its result.
 */
public final class ProgressTicker implements AutoCloseable {
    private static final long REDRAW_MILLIS = 250;

    private final ProgressBar bar;
    private final LongSupplier done;
    private final String label;
    private final ScheduledExecutorService timer;

    ProgressTicker(ProgressBar bar, LongSupplier done, String label, boolean enabled) {
        this.bar = bar;
        this.done = done;
        this.label = label;
        if (!enabled) {
            this.timer = null;
            return;
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        bar.show(done.getAsLong(), label);
        timer.scheduleAtFixedRate(() -> bar.show(done.getAsLong(), label), REDRAW_MILLIS, REDRAW_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    static ProgressTicker off() {
        return new ProgressTicker(ProgressBar.off(), () -> 0, "", false);
    }

    @Override
    public void close() {
        if (timer == null) {
            return;
        }
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        bar.show(done.getAsLong(), label);
        bar.clear();
    }
}
