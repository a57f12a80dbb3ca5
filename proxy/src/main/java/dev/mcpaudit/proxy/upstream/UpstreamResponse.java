package dev.mcpaudit.proxy.upstream;

import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Upstream's answer as it begins: status and headers, the body still to be read (JSON or an event
 * stream), and {@link #abort()} to drop the connection from another thread (cancel, deadline).
 *
 * @param headers names in lower case
 */
public record UpstreamResponse(int statusCode, Map<String, List<String>> headers, InputStream body, Runnable aborter) {

    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    public void abort() {
        aborter.run();
    }
}
