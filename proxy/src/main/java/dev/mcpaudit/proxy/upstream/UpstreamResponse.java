package dev.mcpaudit.proxy.upstream;

import java.io.InputStream;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Upstream's answer as it begins: status and headers, the body still to be read (JSON or an event
 * stream), and {@link #abort()} to drop the connection from another thread (cancel, deadline).
 *
 * @param headerLookup a header's value by case-insensitive name (the last, if sent twice), or null; looked up on demand
 *     because the proxy reads two or three headers of each answer
 */
public record UpstreamResponse(int statusCode, UnaryOperator<String> headerLookup, InputStream body, Runnable aborter) {

    public Optional<String> header(String name) {
        return Optional.ofNullable(headerLookup.apply(name));
    }

    public void abort() {
        aborter.run();
    }
}
