package dev.mcpaudit.proxy.upstream;

import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * Upstream's answer as it begins: status and headers, the body still to be read (JSON or an event
 * stream), {@link #close()} for the thread that reads it, and {@link #abort()} to drop the connection
 * from any other thread (cancel, deadline, shutdown).
 *
 * @param headerLookup a header's value by case-insensitive name (the last, if sent twice), or null; looked up on demand
 *     because the proxy reads two or three headers of each answer
 * @param disconnect drops the connection; blocks while another thread is inside a read of the body
 */
public record UpstreamResponse(int statusCode, UnaryOperator<String> headerLookup, InputStream body, Runnable disconnect) {
    /**
     * The JDK's HTTP client closes a chunked body under the lock its reader holds while blocked on the
     * socket, so a disconnect from another thread waits for upstream's next byte, which a silent
     * listening stream may never send. Aborts therefore never run on the caller's thread.
     */
    private static final ExecutorService ABORTS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "upstream-abort");
        t.setDaemon(true);
        return t;
    });

    public Optional<String> header(String name) {
        return Optional.ofNullable(headerLookup.apply(name));
    }

    /** Drops the connection once its reader lets go; returns at once, on any thread. */
    public void abort() {
        ABORTS.execute(disconnect);
    }

    /** For the thread that reads the body, once it is done with it. */
    public void close() {
        disconnect.run();
    }
}
