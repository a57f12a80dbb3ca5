package dev.mcpaudit.proxy.downstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.proxy.downstream.HostileInputCorpus.Entry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Generated hostile lines against the stdio side: every line gets exactly one outcome (a JSON-RPC
 * error, or the message handed to the handler), stdout only ever carries valid JSON-RPC 2.0, nothing
 * escapes the read loop, and whatever reaches the handler is exactly what a strict reading of the
 * line's bytes says was sent.
 *
 * <p>The strict reading, the oracle, shares nothing with the channel's byte path: the JDK's UTF-8
 * decoder with errors reported, then Jackson's parser over characters (not bytes), with no limits on
 * depth or number length, and a check that nothing but whitespace follows the value.
 */
class HostileInputCorpusTest {
    private static final long SEED = Long.getLong("hostile.seed", 20_260_112L);
    private static final int COUNT = Integer.getInteger("hostile.count", 1_200);
    private static final ObjectMapper ORACLE = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE).build())
            .build());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the channel did with some input, in order: each stdout line, each message handed over. */
    private record Outcome(List<String> stdout, List<JsonNode> handled, List<Character> events, Throwable crash) {}

    private static Outcome run(byte[] stdin) {
        List<Character> events = Collections.synchronizedList(new ArrayList<>());
        StringBuilder written = new StringBuilder();
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                written.append((char) (b & 0xFF)); // bytes kept as chars 0-255, decoded per line below
                if (b == '\n') {
                    events.add('E');
                }
            }
        };
        List<JsonNode> handled = new ArrayList<>();
        Throwable crash = null;
        try {
            new StdioChannel(new ByteArrayInputStream(stdin), out, StdioChannel.DEFAULT_MAX_LINE_BYTES).readLoop(m -> {
                handled.add(m);
                events.add('H');
            });
        } catch (Throwable t) { // anything, a StackOverflowError included, that would end the proxy's read loop
            crash = t;
        }
        List<String> lines = written.isEmpty() ? List.of() : List.of(written.toString().split("\n", -1));
        return new Outcome(lines.isEmpty() ? lines : lines.subList(0, lines.size() - 1), handled, events, crash);
    }

    @Test
    void everyHostileLineGetsOneOutcomeAndOnlyWhatWasSentReachesTheHandler() throws Exception {
        List<Entry> corpus = HostileInputCorpus.entries(SEED, COUNT);
        int errors = 0;
        int handled = 0;
        int crashes = 0;
        List<String> problems = new ArrayList<>();
        List<Character> expectedEvents = new ArrayList<>();

        for (int i = 0; i < corpus.size(); i++) {
            Entry entry = corpus.get(i);
            String label = "#" + i + " " + entry.kind() + " " + preview(entry.line());
            Outcome o = run(HostileInputCorpus.asStdin(List.of(entry.line())));
            if (o.crash() != null) {
                crashes++;
                problems.add(label + ": " + o.crash() + " escaped the read loop");
                continue;
            }
            if (o.stdout().size() + o.handled().size() != 1) {
                problems.add(label + ": " + o.stdout().size() + " answers and " + o.handled().size() + " messages handled");
                continue;
            }
            expectedEvents.addAll(o.events());
            Optional<JsonNode> sent = oracle(entry.line());
            if (o.handled().size() == 1) {
                handled++;
                checkHandled(label, o.handled().get(0), sent, problems);
            } else {
                errors++;
                checkError(label, o.stdout().get(0), sent, entry.line(), problems);
            }
        }

        // All lines in one stream, as the proxy gets them: the same outcomes in the same order, and the
        // channel still serves the line after them.
        List<byte[]> lines = new ArrayList<>(HostileInputCorpus.generate(SEED, COUNT));
        lines.add("{\"jsonrpc\":\"2.0\",\"id\":\"after-the-corpus\",\"method\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
        Outcome stream = run(HostileInputCorpus.asStdin(lines));
        expectedEvents.add('H');

        System.out.println("hostile-input corpus (seed " + SEED + "): messages=" + corpus.size() + " answered-with-error="
                + errors + " handled=" + handled + " crashes=" + (crashes + (stream.crash() == null ? 0 : 1)));
        assertThat(problems).isEmpty();
        assertThat(stream.crash()).isNull();
        assertThat(stream.events()).as("outcomes of the whole stream, in order").isEqualTo(expectedEvents);
        assertThat(stream.handled().get(stream.handled().size() - 1).get("id").asText()).isEqualTo("after-the-corpus");
        assertThat(errors).as("the corpus is mostly hostile").isGreaterThan(COUNT / 2);
        assertThat(handled).as("and has valid messages among it").isGreaterThan(COUNT / 20);
    }

    @Test
    void theCorpusIsTheSameForTheSameSeedAndCoversEveryKind() {
        List<byte[]> a = HostileInputCorpus.generate(7, 1_000);
        List<byte[]> b = HostileInputCorpus.generate(7, 1_000);

        assertThat(a).hasSize(1_000);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).isEqualTo(b.get(i)).doesNotContain((byte) '\n');
        }
        assertThat(HostileInputCorpus.entries(7, 1_000)).extracting(Entry::kind).contains(HostileInputCorpus.Kind.values());
        assertThat(HostileInputCorpus.generate(8, 10).get(0)).isNotEqualTo(a.get(0));
    }

    /** A handled message must be exactly what the line holds, and a JSON-RPC message the proxy can route. */
    private static void checkHandled(String label, JsonNode got, Optional<JsonNode> sent, List<String> problems) {
        if (sent.isEmpty()) {
            problems.add(label + ": handled, but the line is not one JSON value in UTF-8");
        } else if (!sent.get().equals(got)) {
            problems.add(label + ": the handler got " + got + " where the line says " + sent.get());
        } else if (!isJsonRpc(sent.get())) {
            problems.add(label + ": handled, but not a JSON-RPC 2.0 message with a valid id and method");
        }
    }

    private static void checkError(String label, String stdoutLine, Optional<JsonNode> sent, byte[] line,
            List<String> problems) throws IOException {
        String text;
        try {
            text = strictUtf8(latin1Bytes(stdoutLine));
        } catch (CharacterCodingException e) {
            problems.add(label + ": stdout line is not UTF-8");
            return;
        }
        JsonNode m = JSON.readTree(text);
        JsonNode id = m.get("id");
        boolean shaped = m.isObject() && m.size() == 3 && m.path("jsonrpc").isTextual() && m.get("jsonrpc").asText().equals("2.0")
                && id != null && (id.isTextual() || id.isIntegralNumber() || id.isNull())
                && m.path("error").path("code").isInt() && m.path("error").path("message").isTextual()
                && !m.at("/error/message").asText().isBlank();
        if (!shaped) {
            problems.add(label + ": stdout line is not a JSON-RPC 2.0 error: " + text);
            return;
        }
        int code = m.at("/error/code").asInt();
        boolean beyondLimits = m.at("/error/message").asText().contains("beyond a limit");
        if (code == -32700 && sent.isPresent()) {
            problems.add(label + ": parse error for a line that is one JSON value in UTF-8");
        } else if (code == -32600 && sent.isEmpty() && !beyondLimits) {
            problems.add(label + ": invalid-request error for a line that is not one JSON value in UTF-8");
        } else if (code != -32700 && code != -32600) {
            problems.add(label + ": unexpected error code " + code);
        } else if (sent.isPresent() && isJsonRpc(sent.get()) && !beyondLimits) {
            problems.add(label + ": a valid JSON-RPC message was refused: " + text);
        } else if (!id.isNull()) {
            // an id in an error must be the one sent, never a mangled one
            boolean same = sent.isPresent() ? id.equals(sent.get().get("id"))
                    : strictUtf8(line).contains("\"id\":" + JSON.writeValueAsString(id));
            if (!same) {
                problems.add(label + ": the error carries id " + id + ", which the line does not hold");
            }
        }
    }

    /** The JSON-RPC 2.0 rules, restated: what the proxy must hand over, and only that. */
    private static boolean isJsonRpc(JsonNode m) {
        if (!m.isObject() || !m.path("jsonrpc").isTextual() || !m.get("jsonrpc").asText().equals("2.0")) {
            return false;
        }
        JsonNode id = m.get("id");
        if (id != null && !(id.isTextual() || id.isIntegralNumber() || id.isNull())) {
            return false;
        }
        JsonNode method = m.get("method");
        JsonNode params = m.get("params");
        if (method != null) {
            return method.isTextual() && (params == null || params.isNull() || params.isObject() || params.isArray());
        }
        return id != null && (m.has("result") || m.has("error"));
    }

    /** The line as one JSON value, read strictly and independently of the channel; empty if it is not one. */
    private static Optional<JsonNode> oracle(byte[] line) {
        String text;
        try {
            text = strictUtf8(line);
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // RFC 8259 lets a parser ignore a byte order mark; the channel does
        }
        try (JsonParser p = ORACLE.createParser(text)) {
            JsonNode value = ORACLE.readTree(p);
            return value == null || p.nextToken() != null ? Optional.empty() : Optional.of(value);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String strictUtf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    }

    private static byte[] latin1Bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String preview(byte[] line) {
        byte[] head = java.util.Arrays.copyOf(line, Math.min(line.length, 48));
        return HexFormat.of().formatHex(head) + (line.length > 48 ? "… (" + line.length + " bytes)" : "");
    }
}
