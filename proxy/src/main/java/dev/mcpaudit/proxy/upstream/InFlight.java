package dev.mcpaudit.proxy.upstream;

import java.util.function.Consumer;

/**
 * A handle on one request while it runs, so that another thread (the agent's notifications/cancelled)
 * can cancel it: upstream is told, and the caller stops waiting for the answer.
 */
public final class InFlight {
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

    public boolean cancelled() {
        return cancelled;
    }
}
