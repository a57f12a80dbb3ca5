package dev.mcpaudit.cli.verify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.schema.ChainHash;
import dev.mcpaudit.schema.ChainVerifier;
import dev.mcpaudit.schema.StoredEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A JSON Lines export ({@link ExportCommand}) read back as a {@link ChainVerifier.EventSource}: each
 * scan re-reads the file line by line, so memory does not grow with it. A line that is not an event
 * (not JSON, a field missing or of the wrong type) is skipped and remembered with its line number,
 * to be reported as a finding. Invalid UTF-8 is read as U+FFFD, so it surfaces as an edited event.
 */
final class ExportFile implements ChainVerifier.EventSource {
    /** The export's first line. Not covered by the hash chain: it says which range was meant. */
    record Header(int version, String logId, long firstSeq, long lastSeq, String since, String until, String exportedAt) {
        boolean empty() {
            return firstSeq == 0;
        }
    }

    /** A line that is not an event; {@code seq} is its own if readable, else the one expected there. */
    record BadLine(long line, long seq, String reason) {}

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path path;
    private final Header header;
    private List<BadLine> badLines = List.of();
    private String firstPrevHash;

    private ExportFile(Path path, Header header) {
        this.path = path;
        this.header = header;
    }

    /**
     * Reads the header.
     *
     * @throws IOException the file is missing or unreadable (exit 3)
     * @throws IllegalArgumentException the file is not an audit-cli export (exit 2)
     */
    static ExportFile open(Path path) throws IOException {
        String first;
        try (BufferedReader r = reader(path)) {
            first = r.readLine();
        } catch (NoSuchFileException e) {
            throw new IOException("no export at " + path.toAbsolutePath() + ": check the path.", e);
        } catch (AccessDeniedException e) {
            throw new IOException("cannot read " + path.toAbsolutePath() + ": permission denied.", e);
        } catch (IOException e) {
            throw new IOException("cannot read " + path.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return new ExportFile(path, parseHeader(path, first));
    }

    private static Header parseHeader(Path path, String line) {
        String notExport = path + " is not an audit-cli export: ";
        String hint = "; make one with `audit-cli export --out FILE`.";
        if (line == null) {
            throw new IllegalArgumentException(notExport + "the file is empty" + hint);
        }
        JsonNode h;
        try {
            h = MAPPER.readTree(line);
        } catch (IOException e) {
            throw new IllegalArgumentException(notExport + "line 1 is not JSON" + hint);
        }
        if (h == null || !h.isObject() || !ExportCommand.MARK.equals(h.path("export").asText(null))) {
            throw new IllegalArgumentException(notExport + "line 1 is not its header {\"export\":\""
                    + ExportCommand.MARK + "\",…}" + hint);
        }
        int version = h.path("version").asInt(-1);
        if (version < 1 || version > ExportCommand.VERSION) {
            throw new IllegalArgumentException(path + " is an export of version " + h.path("version")
                    + "; this audit-cli reads versions 1 to " + ExportCommand.VERSION + ".");
        }
        JsonNode first = h.path("first_seq");
        JsonNode last = h.path("last_seq");
        boolean empty = first.isNull() && last.isNull();
        if (!empty && !(first.canConvertToExactIntegral() && last.canConvertToExactIntegral()
                && first.asLong() >= 1 && last.asLong() >= first.asLong())) {
            throw new IllegalArgumentException(notExport + "its header's first_seq/last_seq (" + first + ", " + last
                    + ") are not a range of seq.");
        }
        return new Header(version, h.path("log_id").asText("unknown"), empty ? 0 : first.asLong(), empty ? 0 : last.asLong(),
                h.path("since").asText(null), h.path("until").asText(null), h.path("exported_at").asText(null));
    }

    Header header() {
        return header;
    }

    /** Lines that were not events, from the latest scan. */
    List<BadLine> badLines() {
        return badLines;
    }

    /** The prev_hash of the first event read: the link a partial export cannot check. */
    String firstPrevHash() {
        return firstPrevHash;
    }

    /** Whether this is a partial export whose first event links to one outside it: the link not checked. */
    boolean hasUncheckedLink() {
        return header.firstSeq() > 1 && firstPrevHash != null;
    }

    @Override
    public void scan(Consumer<StoredEvent> sink) {
        List<BadLine> bad = new ArrayList<>();
        long lastSeq = header.empty() ? 0 : header.firstSeq() - 1;
        boolean firstEvent = true;
        try (BufferedReader r = reader(path)) {
            r.readLine(); // the header
            long lineNo = 1;
            String line;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                Parsed p = parse(line, header.version());
                if (p.event() == null) {
                    bad.add(new BadLine(lineNo, p.seq() > 0 ? p.seq() : lastSeq + 1, p.error()));
                    continue;
                }
                if (firstEvent) {
                    firstPrevHash = p.event().prevHash();
                    firstEvent = false;
                }
                lastSeq = p.event().seq();
                sink.accept(p.event());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        badLines = List.copyOf(bad);
    }

    private record Parsed(StoredEvent event, long seq, String error) {}

    /**
     * One event line; strict about names and types so that nothing unchecked is taken for a field. A
     * version 1 export has no hash_rule (all its events are rule 1); version 2 needs it on every line.
     */
    private static Parsed parse(String line, int version) {
        long seq = 0;
        String eventId = null;
        String type = null;
        String time = null;
        String sessionId = null;
        String callId = null;
        boolean hasCallId = false;
        String payload = null;
        String prevHash = null;
        String hash = null;
        int hashRule = version == 1 ? ChainHash.RULE_PAYLOAD : -1;
        String payloadSalt = null;
        String payloadSha256 = null;
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new Parsed(null, 0, "not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "seq" -> {
                        if (t != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 1) {
                            return new Parsed(null, 0, "seq is not a positive integer");
                        }
                        seq = p.getLongValue();
                    }
                    case "call_id" -> {
                        if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NULL) {
                            return new Parsed(null, seq, "call_id is neither a string nor null");
                        }
                        hasCallId = true;
                        callId = t == JsonToken.VALUE_NULL ? null : p.getText();
                    }
                    case "hash_rule" -> {
                        if (version == 1) {
                            p.skipChildren(); // not a field of version 1: not hashed, ignored
                        } else if (t != JsonToken.VALUE_NUMBER_INT) {
                            return new Parsed(null, seq, "hash_rule is not an integer");
                        } else {
                            hashRule = p.getIntValue();
                        }
                    }
                    case "payload_salt", "payload_sha256" -> {
                        if (version == 1) {
                            p.skipChildren();
                        } else if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NULL) {
                            return new Parsed(null, seq, name + " is neither a string nor null");
                        } else if (name.equals("payload_salt")) {
                            payloadSalt = t == JsonToken.VALUE_NULL ? null : p.getText();
                        } else {
                            payloadSha256 = t == JsonToken.VALUE_NULL ? null : p.getText();
                        }
                    }
                    case "event_id", "type", "time", "session_id", "payload", "prev_hash", "hash" -> {
                        if (t != JsonToken.VALUE_STRING) {
                            return new Parsed(null, seq, name + " is not a string"
                                    + ("payload".equals(name) ? " (an export keeps the canonical payload text as a JSON string)" : ""));
                        }
                        String v = p.getText();
                        switch (name) {
                            case "event_id" -> eventId = v;
                            case "type" -> type = v;
                            case "time" -> time = v;
                            case "session_id" -> sessionId = v;
                            case "payload" -> payload = v;
                            case "prev_hash" -> prevHash = v;
                            default -> hash = v;
                        }
                    }
                    default -> p.skipChildren(); // unknown fields are not hashed: ignored
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return new Parsed(null, seq, "not one JSON object");
            }
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            return new Parsed(null, seq, "not valid JSON (" + msg + ")");
        }
        List<String> missing = new ArrayList<>();
        if (seq == 0) missing.add("seq");
        if (eventId == null) missing.add("event_id");
        if (type == null) missing.add("type");
        if (time == null) missing.add("time");
        if (sessionId == null) missing.add("session_id");
        if (!hasCallId) missing.add("call_id");
        if (payload == null) missing.add("payload");
        if (prevHash == null) missing.add("prev_hash");
        if (hash == null) missing.add("hash");
        if (hashRule == -1) missing.add("hash_rule");
        if (!missing.isEmpty()) {
            return new Parsed(null, seq, "missing " + String.join(", ", missing));
        }
        return new Parsed(new StoredEvent(seq, eventId, type, time, sessionId, callId, payload, prevHash, hash, hashRule,
                payloadSalt, payloadSha256), seq, null);
    }

    private static BufferedReader reader(Path path) throws IOException {
        // InputStreamReader replaces malformed UTF-8 rather than failing: tampering becomes a finding.
        return new BufferedReader(new InputStreamReader(Files.newInputStream(path), StandardCharsets.UTF_8), 1 << 16);
    }
}
