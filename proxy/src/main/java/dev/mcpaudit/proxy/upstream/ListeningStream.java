package dev.mcpaudit.proxy.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's GET stream, on which upstream sends what nobody asked for (list_changed, log messages,
 * server→client requests). Kept open, reconnecting with backoff, until the session ends; a 405 means
 * upstream offers none.
 */
final class ListeningStream {
    private static final Logger LOG = LoggerFactory.getLogger(ListeningStream.class);

    private final UpstreamHttp http;
    private final String profile;
    private final PendingAnswers deliverTo;
    private volatile UpstreamResponse open;

    ListeningStream(UpstreamHttp http, String profile, PendingAnswers deliverTo) {
        this.http = http;
        this.profile = profile;
        this.deliverTo = deliverTo;
    }

    /** Runs on a background thread until {@code ended} says the session is over. */
    void run(String sessionId, String protocolVersion, BooleanSupplier ended) {
        int idleRounds = 0;
        while (!ended.getAsBoolean()) {
            try {
                UpstreamResponse r = http.listen(profile, sessionId, protocolVersion);
                String type = r.header("content-type").orElse("").toLowerCase(Locale.ROOT);
                if (r.statusCode() == 405) {
                    closeQuietly(r.body());
                    LOG.debug("upstream offers no listening stream for session {}", sessionId);
                    return;
                }
                if (r.statusCode() == 200 && type.startsWith("text/event-stream")) {
                    open = r;
                    idleRounds = readUntilEnded(r.body(), ended) > 0 ? 0 : idleRounds + 1;
                } else {
                    closeQuietly(r.body());
                    idleRounds++;
                    LOG.debug("listening stream for session {} answered HTTP {}", sessionId, r.statusCode());
                }
            } catch (IOException | UpstreamException e) {
                idleRounds++;
                LOG.debug("listening stream for session {} failed: {}", sessionId, e.getMessage());
            }
            try {
                Thread.sleep(Math.min(30_000L, 1000L << Math.min(idleRounds, 5)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Drops the stream now, from any thread (upstream usually ends it itself when the session is deleted). */
    void abort() {
        UpstreamResponse r = open;
        if (r != null) {
            r.abort();
        }
    }

    private int readUntilEnded(InputStream body, BooleanSupplier ended) throws IOException {
        int count = 0;
        try (SseReader events = new SseReader(body)) {
            SseReader.Event event;
            while (!ended.getAsBoolean() && (event = events.next()) != null) {
                deliverTo.deliverEvent(event.data());
                count++;
            }
        }
        return count;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // Closing aborts the exchange; an error here changes nothing.
        }
    }
}
