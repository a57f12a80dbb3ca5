package dev.mcpaudit.proxy.downstream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side: newline-delimited JSON-RPC over stdin/stdout. Unlike the SDK's stdio transport,
 * which closes the session for good on one malformed line, a bad line here gets its JSON-RPC error
 * and reading goes on. stdout carries nothing but these messages.
 */
public final class StdioChannel {
    private static final Logger LOG = LoggerFactory.getLogger(StdioChannel.class);
    /** Larger lines are answered with an error and skipped, never buffered whole. */
    public static final int DEFAULT_MAX_LINE_BYTES = 32 * 1024 * 1024;
    private static final int OUT_BUFFER_BYTES = 64 * 1024;
    /** Eight bytes of a line at a time, for the ASCII fast path of the UTF-8 check. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    /** How much of an over-long line is kept, to look for the request's id. */
    static final int ID_PREFIX_BYTES = 64 * 1024;

    private final InputStream in;
    private final OutputStream out;
    private final int maxLineBytes;

    public StdioChannel(InputStream in, OutputStream out, int maxLineBytes) {
        this.in = in;
        this.out = new BufferedOutputStream(out, OUT_BUFFER_BYTES);
        this.maxLineBytes = maxLineBytes;
    }

    /** Reads until EOF, handing each well-formed JSON-RPC message to {@code handler}. */
    public void readLoop(Consumer<JsonNode> handler) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        LineBuffer line = new LineBuffer();
        int n;
        while ((n = in.read(chunk)) != -1) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (chunk[i] != '\n') {
                    continue;
                }
                int length = i - start;
                if (line.size() == 0 && !line.tooLong && length <= maxLineBytes) {
                    handleLine(chunk, start, length, handler); // the whole line is in this chunk: parsed in place
                } else {
                    append(line, chunk, start, length);
                    endLine(line, handler);
                }
                start = i + 1;
            }
            append(line, chunk, start, n - start);
        }
        if (line.size() > 0 || line.tooLong) {
            endLine(line, handler); // the last line, without a newline
        }
    }

    /** Adds bytes to the current line, or, once it is over the limit, only keeps enough to find its id. */
    private void append(LineBuffer line, byte[] bytes, int offset, int length) {
        if (line.tooLong) {
            return;
        }
        if (line.size() + length <= maxLineBytes) {
            line.write(bytes, offset, length);
            return;
        }
        // Never buffer an over-long line whole: only its start, to find the request's id, so that the
        // agent gets an answer it can match rather than waiting out its timeout.
        if (line.size() < ID_PREFIX_BYTES) {
            line.write(bytes, offset, Math.min(length, ID_PREFIX_BYTES - line.size()));
        }
        line.tooLongId = idNearTheStart(line.bytes(), 0, Math.min(line.size(), ID_PREFIX_BYTES));
        line.tooLong = true;
        line.reset();
    }

    private void endLine(LineBuffer line, Consumer<JsonNode> handler) {
        if (line.tooLong) {
            LOG.warn("stdin: a line over {} bytes was discarded and answered with an error", maxLineBytes);
            send(JsonRpc.error(line.tooLongId, JsonRpc.INVALID_REQUEST, "Message too large: a line on stdin exceeded "
                    + maxLineBytes + " bytes and was discarded; send smaller arguments, or split the work over several"
                    + " calls."));
        } else {
            handleLine(line.bytes(), 0, line.size(), handler);
        }
        line.reset();
        line.tooLong = false;
        line.tooLongId = null;
    }

    private void handleLine(byte[] bytes, int offset, int length, Consumer<JsonNode> handler) {
        if (isBlank(bytes, offset, length)) {
            return;
        }
        // Jackson decodes some ill-formed UTF-8 (overlong forms, code points above U+10FFFF) into other
        // characters, e.g. C0 AF into '/': such a line would reach upstream and the audit log altered.
        int invalid = invalidUtf8At(bytes, offset, length);
        if (invalid >= 0) {
            parseError("Parse error: the line is not valid UTF-8 (an invalid byte sequence starts at byte " + invalid
                    + " of the line); send JSON-RPC messages as UTF-8 text.");
            return;
        }
        int nul = nulInFirstFourBytes(bytes, offset, length);
        if (nul >= 0) {
            // Jackson would take the line for UTF-16 or UTF-32 text (and fail on some byte orders with an
            // exception that is not a parse error); in UTF-8 JSON a NUL byte is never valid.
            parseError("Parse error: the line is not valid JSON (a NUL byte at byte " + nul
                    + " of the line); send JSON-RPC messages as UTF-8 text.");
            return;
        }
        JsonNode message;
        try (JsonParser parser = JsonRpc.MAPPER.createParser(bytes, offset, length)) {
            message = JsonRpc.MAPPER.readTree(parser);
            // readTree stops after the first value: whatever follows, except whitespace, makes the line
            // something other than one JSON text. Neither message is handled: which one was meant?
            if (parser.nextToken() != null) {
                parseError("Parse error: the line holds more than one JSON value; send each JSON-RPC message on"
                        + " a line of its own.");
                return;
            }
        } catch (StreamConstraintsException e) {
            // Perhaps valid JSON, but beyond the parser's limits (nesting depth 1000, numbers of 1000
            // digits, strings of 20 M characters): answered like an over-long line, with its id if found.
            LOG.warn("stdin: a line beyond the JSON parser's limits was answered with an error");
            send(JsonRpc.error(idNearTheStart(bytes, offset, Math.min(length, ID_PREFIX_BYTES)), JsonRpc.INVALID_REQUEST,
                    "Invalid Request: the message is beyond a limit of mcp-audit-proxy's JSON parser ("
                            + e.getOriginalMessage() + "); send it smaller or less deeply nested."));
            return;
        } catch (JsonProcessingException e) {
            parseError("Parse error: the line is not valid JSON (" + e.getOriginalMessage() + ").");
            return;
        } catch (IOException e) {
            parseError("Parse error: the line is not valid JSON (" + e.getMessage() + ").");
            return;
        }
        if (message == null) { // a byte order mark (which Jackson skips) and whitespace
            parseError("Parse error: the line holds no JSON value; send one JSON-RPC message per line.");
            return;
        }
        String notJsonRpc = notJsonRpc(message);
        if (notJsonRpc != null) {
            LOG.warn("stdin: a JSON value that is not a JSON-RPC message was answered with an invalid-request error");
            JsonNode id = message.get("id"); // null unless an object
            send(JsonRpc.error(id != null && JsonRpc.isValidId(id) ? id : null, JsonRpc.INVALID_REQUEST, notJsonRpc));
            return;
        }
        try {
            handler.accept(message);
        } catch (RuntimeException e) {
            LOG.error("handling a message from the agent failed", e);
            if (JsonRpc.isRequest(message)) {
                send(JsonRpc.error(message.get("id"), JsonRpc.INTERNAL_ERROR, "Internal error in mcp-audit-proxy: "
                        + e.getMessage()));
            }
        }
    }

    private void parseError(String sentence) {
        LOG.warn("stdin: a line that is not one JSON value in UTF-8 was answered with a parse error");
        send(JsonRpc.error(null, JsonRpc.PARSE_ERROR, sentence));
    }

    /**
     * Why {@code m} is not a JSON-RPC 2.0 request, notification or response, as the error's sentence;
     * null if it is one. Beyond the spec's shape, only what the proxy relies on is checked: the method
     * is a string, params (when present and not null) an object or array, the id a string, an integer
     * or null, so that an answer carries back exactly the id that was sent.
     */
    private static String notJsonRpc(JsonNode m) {
        if (m.isArray()) {
            return "Invalid Request: JSON-RPC batches are not supported; send one message per line.";
        }
        if (!m.isObject()) {
            return "Invalid Request: the line is " + describe(m) + ", not a JSON-RPC 2.0 request, notification or"
                    + " response; send one JSON object per line.";
        }
        JsonNode version = m.get("jsonrpc");
        if (version == null || !version.isTextual() || !version.textValue().equals("2.0")) {
            return "Invalid Request: not a JSON-RPC 2.0 message; it needs the member \"jsonrpc\": \"2.0\".";
        }
        JsonNode id = m.get("id");
        if (id != null && !JsonRpc.isValidId(id)) {
            return "Invalid Request: the id is " + describe(id) + "; a JSON-RPC id must be a string, an integer or null.";
        }
        JsonNode method = m.get("method");
        if (method == null) {
            return id != null && (m.has("result") || m.has("error")) ? null
                    : "Invalid Request: not a JSON-RPC 2.0 request, notification or response (it has no method, and no"
                            + " id with a result or error).";
        }
        if (!method.isTextual()) {
            return "Invalid Request: the method is " + describe(method) + "; it must be a string.";
        }
        JsonNode params = m.get("params");
        if (params != null && !params.isContainerNode() && !params.isNull()) {
            return "Invalid Request: the params are " + describe(params) + "; they must be an object or an array.";
        }
        return null;
    }

    /**
     * The top-level {@code "id"} of the message that starts with these bytes, or null when it is not
     * among them, not a valid id, or not wholly inside them. The bytes are the start of a line that is
     * not parsed whole (too long, or beyond the parser's limits), so they may end anywhere; they are
     * read token by token and no value but the id is built.
     */
    static JsonNode idNearTheStart(byte[] bytes, int offset, int length) {
        if (nulInFirstFourBytes(bytes, offset, length) >= 0) {
            return null;
        }
        try (JsonParser p = JsonRpc.MAPPER.createParser(bytes, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean isId = "id".equals(p.currentName());
                JsonToken value = p.nextToken();
                if (!isId) {
                    p.skipChildren();
                    continue;
                }
                if (value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NUMBER_INT) {
                    return null;
                }
                JsonNode id = JsonRpc.MAPPER.readTree(p); // fails on a string cut short
                int end = (int) p.currentLocation().getByteOffset(); // after a string; at what ends a number
                if (value == JsonToken.VALUE_NUMBER_INT && end >= length) {
                    return null; // a number cut short by the end of the bytes would pass for a smaller one
                }
                return invalidUtf8At(bytes, offset, end) < 0 ? id : null;
            }
        } catch (IOException | RuntimeException e) {
            // cut short, not JSON, or beyond the parser's limits before the id: no id
        }
        return null;
    }

    /** What kind of JSON value {@code v} is, for an error's sentence; never its (possibly mangled) value. */
    private static String describe(JsonNode v) {
        if (v.isObject()) {
            return "an object";
        } else if (v.isArray()) {
            return "an array";
        } else if (v.isTextual()) {
            return "a string";
        } else if (v.isBoolean()) {
            return "a boolean";
        } else if (v.isNull()) {
            return "null";
        } else if (v.isIntegralNumber()) {
            return "an integer";
        }
        return "a number with a fraction or an exponent";
    }

    /** Writes one message as one line. Thread-safe: messages never interleave. */
    public void send(JsonNode message) {
        byte[] json;
        try {
            json = JsonRpc.MAPPER.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (out) {
            try {
                // Buffered, then flushed: message and newline leave in one write (up to the buffer's
                // size), since a partial line would wake the agent's reader for nothing.
                out.write(json);
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                // The agent went away; the read loop will see EOF and shut down.
                LOG.debug("stdout closed: {}", e.getMessage());
            }
        }
    }

    /**
     * Where the first ill-formed UTF-8 sequence starts, counted from {@code offset}, or -1 if all
     * {@code length} bytes are well-formed UTF-8 (the Unicode Standard's table 3-7: no overlong forms,
     * no surrogates, nothing above U+10FFFF, no stray or missing continuation bytes). ASCII, the
     * common case, is checked eight bytes at a time; nothing is allocated.
     */
    static int invalidUtf8At(byte[] bytes, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            while (i <= end - 8 && ((long) LONGS.get(bytes, i) & HIGH_BITS) == 0) {
                i += 8;
            }
            while (i < end && bytes[i] >= 0) {
                i++;
            }
            if (i == end) {
                return -1;
            }
            int b0 = bytes[i] & 0xFF;
            int size;
            int min1 = 0x80;
            int max1 = 0xBF; // the range of the byte after the lead byte
            if (b0 < 0xC2) {
                return i - offset; // a continuation byte without a lead byte, or C0/C1 (always overlong)
            } else if (b0 < 0xE0) {
                size = 2;
            } else if (b0 < 0xF0) {
                size = 3;
                if (b0 == 0xE0) {
                    min1 = 0xA0; // below: overlong
                } else if (b0 == 0xED) {
                    max1 = 0x9F; // above: UTF-16 surrogates
                }
            } else if (b0 < 0xF5) {
                size = 4;
                if (b0 == 0xF0) {
                    min1 = 0x90; // below: overlong
                } else if (b0 == 0xF4) {
                    max1 = 0x8F; // above: beyond U+10FFFF
                }
            } else {
                return i - offset; // F5..FF never occur in UTF-8
            }
            if (i + size > end) {
                return i - offset; // cut short by the end of the line
            }
            int b1 = bytes[i + 1] & 0xFF;
            if (b1 < min1 || b1 > max1) {
                return i - offset;
            }
            for (int k = 2; k < size; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return i - offset;
                }
            }
            i += size;
        }
        return -1;
    }

    /** Where a NUL byte is among the line's first four bytes, or -1. */
    private static int nulInFirstFourBytes(byte[] bytes, int offset, int length) {
        for (int i = 0; i < Math.min(4, length); i++) {
            if (bytes[offset + i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isBlank(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** A line being assembled across reads, parsed from its own array without a copy. */
    private static final class LineBuffer extends ByteArrayOutputStream {
        /** Whether the line is over the limit: then it holds nothing, and the rest of the line is skipped. */
        boolean tooLong;
        /** The over-long line's id, if it could be read from its start. */
        JsonNode tooLongId;

        LineBuffer() {
            super(4096);
        }

        byte[] bytes() {
            return buf;
        }
    }
}
