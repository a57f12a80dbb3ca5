package dev.mcpaudit.proxy.upstream;

import java.util.function.Consumer;

/**
 * A handle on one request while it runs, so that another thread (the agent's notifications/cancelled)
 * can cancel it: upstream is told, and the caller stops waiting for the answer.
 */
public final class InFlight {
    private static final java.util.concurrent.atomic.AtomicLong ARRIVALS = new java.util.concurrent.atomic.AtomicLong();

    /** Made when the request is read from stdin, on the one reader thread: so this numbers requests in arrival order. */
    private final long arrival = ARRIVALS.incrementAndGet();
    private volatile Consumer<String> cancelUpstream;
    private volatile boolean cancelled;

    /** Called by the session once the request has its upstream id; a cancellation that came first is passed on now. */
    void started(Consumer<String> cancelUpstream) {
        this.cancelUpstream = cancelUpstream;
        if (cancelled) {
            cancelUpstream.accept("cancelled by the client");
        }
    }

    /** Forwards the agent's cancellation upstream and stops waiting for the answer. */
    public void cancel(String reason) {
        cancelled = true;
        Consumer<String> c = cancelUpstream;
        if (c != null) {
            c.accept(reason);
        }
    }

    /** The request's place in the order the agent's requests arrived (1, 2, …). */
    public long arrival() {
        return arrival;
    }

    public boolean cancelled() {
        return cancelled;
    }
}
