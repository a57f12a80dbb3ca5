package dev.mcpaudit.proxy.upstream;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads a {@code text/event-stream} one event at a time, as the WHATWG HTML standard (§9.2, "Server-sent
 * events") parses it: lines end in LF, CR or CRLF; {@code data} lines are joined with LF; {@code id}
 * persists until the next one; comments, {@code retry} and unknown fields are ignored; an event is
 * dispatched by a blank line, and one cut off by the end of the stream is discarded, never delivered
 * half-read. Streamable HTTP sends one JSON-RPC message per event.
 */
public final class SseReader implements Closeable {

    /**
     * One dispatched event.
     *
     * @param id the last event id seen so far on this stream ("" if none), which a client would resume from
     * @param type the {@code event} field, "message" when absent
     * @param data the joined {@code data} lines
     */
    public record Event(String id, String type, String data) {}

    private final BufferedReader lines;
    private final StringBuilder data = new StringBuilder();
    private String type = "";
    private String lastEventId = "";
    private boolean firstLine = true;
    private boolean pending;
    private boolean endedMidEvent;

    public SseReader(InputStream body) {
        this.lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    /** The next event that carries data, or null once the stream has ended. */
    public Event next() throws IOException {
        String line;
        while ((line = lines.readLine()) != null) {
            if (firstLine) {
                firstLine = false;
                if (line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
            }
            if (line.isEmpty()) {
                Event event = dispatch();
                if (event != null) {
                    return event;
                }
                continue;
            }
            pending = true;
            if (line.charAt(0) == ':') {
                continue; // a comment, often a keep-alive
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1 < line.length() && line.charAt(colon + 1) == ' '
                    ? colon + 2 : colon + 1);
            switch (field) {
                case "data" -> data.append(value).append('\n');
                case "event" -> type = value;
                case "id" -> {
                    if (value.indexOf('\0') < 0) {
                        lastEventId = value;
                    }
                }
                default -> { } // "retry" and unknown fields: nothing a one-shot reader needs
            }
        }
        endedMidEvent = pending && data.length() > 0;
        return null;
    }

    /** After {@link #next()} returned null: whether the stream stopped inside an event that had data. */
    public boolean endedMidEvent() {
        return endedMidEvent;
    }

    private Event dispatch() {
        pending = false;
        String eventType = type.isEmpty() ? "message" : type;
        type = "";
        if (data.length() == 0) {
            return null;
        }
        data.setLength(data.length() - 1); // the LF after the last data line
        Event event = new Event(lastEventId, eventType, data.toString());
        data.setLength(0);
        return event;
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
