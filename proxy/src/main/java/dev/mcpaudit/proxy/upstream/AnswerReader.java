package dev.mcpaudit.proxy.upstream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.proxy.upstream.UpstreamException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads upstream's HTTP answer to one request, plain JSON or an event stream, and delivers what it
 * carries to {@link PendingAnswers}; the request's own answer completes its future on the way. Both
 * forms are bounded by the request's deadline.
 */
final class AnswerReader {
    /** Parses an answer straight from the connection, without a copy, and leaves the stream open to be read to its end. */
    private static final ObjectReader BODY_READER = JsonRpc.MAPPER.reader().without(StreamReadFeature.AUTO_CLOSE_SOURCE);
    /** Closes answer streams at their deadline; one small thread for every session. */
    private static final ScheduledThreadPoolExecutor DEADLINES = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "upstream-deadlines");
        t.setDaemon(true);
        return t;
    });

    static {
        DEADLINES.setRemoveOnCancelPolicy(true); // cancelled timers must not pile up for their full delay
    }

    private AnswerReader() {}

    /**
     * @param hadSession whether the request carried a session id (a 404 then means the session expired)
     * @param deadline {@link System#nanoTime()} by which the answer must be in
     * @throws UpstreamException for an HTTP error status or a JSON answer that is not the awaited one;
     *     an event stream reports its failures through {@code answer}
     */
    static void read(UpstreamResponse response, PendingAnswers.Pending pending, PendingAnswers deliverTo,
            boolean hadSession, String method, long deadline) throws UpstreamException {
        int status = response.statusCode();
        if (status < 200 || status >= 300) {
            throw UpstreamFailures.fromStatus(response, hadSession, method);
        }
        String type = response.header("content-type").orElse("").toLowerCase(Locale.ROOT);
        if (type.startsWith("text/event-stream")) {
            readEvents(response, pending.answer(), deliverTo, method, deadline);
        } else {
            readJson(response, pending.answer(), deliverTo, method, type, deadline);
        }
    }

    private static void readJson(UpstreamResponse response, CompletableFuture<JsonNode> answer,
            PendingAnswers deliverTo, String method, String type, long deadline) throws UpstreamException {
        try (InputStream body = new DeadlineInputStream(response.body(), deadline)) {
            if (!type.startsWith("application/json")) {
                throw new UpstreamException(Kind.PROTOCOL, "upstream answered " + method + " with HTTP "
                        + response.statusCode() + " and media type '" + type + "', not JSON or an event stream");
            }
            JsonNode message;
            try {
                message = BODY_READER.readTree(body);
            } catch (JsonProcessingException e) {
                throw new UpstreamException(Kind.PROTOCOL, "upstream's answer to " + method
                        + " is not valid JSON: " + e.getOriginalMessage(), e);
            }
            // Read to the end (a chunked body's last chunk may come after the JSON): closed any earlier,
            // the JDK drops the connection instead of keeping it alive for the next call.
            while (body.read() != -1) {
                continue;
            }
            deliverTo.deliver(message); // empty content is a MissingNode, which answers nothing
        } catch (IOException e) {
            throw UpstreamFailures.fromIo(e, method);
        }
        if (!answer.isDone()) {
            // A JSON body is the answer or nothing: waiting on would only end at the deadline.
            throw new UpstreamException(Kind.PROTOCOL, "upstream answered " + method
                    + " with JSON that is not the response to it");
        }
    }

    private static void readEvents(UpstreamResponse response, CompletableFuture<JsonNode> answer,
            PendingAnswers deliverTo, String method, long deadline) {
        // Events such as progress keep the read timeout from firing, so the deadline needs its own timer.
        ScheduledFuture<?> watchdog = DEADLINES.schedule(() -> {
            answer.completeExceptionally(new TimeoutException());
        }, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        answer.whenComplete((r, e) -> {
            watchdog.cancel(false);
            if (e != null) {
                response.abort(); // the caller gave up: a reader blocked on a silent stream is let go
            }
        });
        try (SseReader events = new SseReader(new DeadlineInputStream(response.body(), deadline))) {
            // Stops once the answer is in or the caller gave up: upstream may keep the stream open.
            SseReader.Event event;
            while (!answer.isDone() && (event = events.next()) != null) {
                deliverTo.deliverEvent(event.data());
            }
            answer.completeExceptionally(new UpstreamException(Kind.CONNECTION_LOST, "upstream ended the event stream"
                    + " of " + method + (events.endedMidEvent() ? " in the middle of an event" : "")
                    + " without answering it"));
        } catch (IOException e) {
            answer.completeExceptionally(new UpstreamException(Kind.CONNECTION_LOST, "the connection to upstream broke while it"
                    + " was answering " + method + ": " + e.getMessage(), e));
        } finally {
            response.close();
        }
    }
}
