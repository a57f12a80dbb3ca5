package dev.mcpaudit.proxy.downstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class StdioChannelTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Run(List<JsonNode> handled, List<JsonNode> written) {}

    private static Run feed(String input, int maxLine) throws Exception {
        return feed(input.getBytes(StandardCharsets.UTF_8), maxLine);
    }

    private static Run feed(byte[] input, int maxLine) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StdioChannel channel = new StdioChannel(new ByteArrayInputStream(input), out, maxLine);
        List<JsonNode> handled = new ArrayList<>();
        channel.readLoop(handled::add);
        List<JsonNode> written = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                written.add(JSON.readTree(line));
            }
        }
        return new Run(handled, written);
    }

    @Test
    void garbageGetsAParseErrorAndReadingGoesOn() throws Exception {
        Run r = feed("not json at all\n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n", 1024);

        assertThat(r.written()).hasSize(1);
        assertThat(r.written().get(0).at("/error/code").asInt()).isEqualTo(-32700);
        assertThat(r.written().get(0).get("id").isNull()).isTrue();
        assertThat(r.handled()).hasSize(1);
        assertThat(r.handled().get(0).get("method").asText()).isEqualTo("ping");
    }

    @Test
    void overLongLineGetsAnErrorAndTheNextLineIsServed() throws Exception {
        Run r = feed("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + "x".repeat(5000) + "\"}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n", 1024);

        assertThat(r.written()).hasSize(1);
        assertThat(r.written().get(0).at("/error/code").asInt()).isEqualTo(-32600);
        assertThat(r.written().get(0).at("/error/message").asText()).contains("exceeded 1024 bytes");
        assertThat(r.handled()).extracting(m -> m.get("id").asInt()).containsExactly(2);
    }

    /** {@code count} bytes of {@code fill}, made as they are read: a 40 MiB line without a 40 MiB array. */
    private static InputStream repeated(byte fill, long count) {
        return new InputStream() {
            long left = count;

            @Override
            public int read() {
                return left-- > 0 ? fill : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, fill);
                left -= n;
                return n;
            }
        };
    }

    private static InputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Run feed(InputStream in, int maxLine) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<JsonNode> handled = new ArrayList<>();
        new StdioChannel(in, out, maxLine).readLoop(handled::add);
        List<JsonNode> written = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            written.add(JSON.readTree(line));
        }
        return new Run(handled, written);
    }

    private static final long FORTY_MIB = 40L * 1024 * 1024;
    private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n";

    @Test
    void anOverLongRequestWhoseIdComesFirstIsAnsweredWithItsId() throws Exception {
        InputStream in = new java.io.SequenceInputStream(java.util.Collections.enumeration(List.of(
                text("{\"jsonrpc\":\"2.0\",\"id\":\"call-41\",\"method\":\"tools/call\",\"params\":{\"name\":\"aws___call_aws\","
                        + "\"arguments\":{\"cli_command\":\""),
                repeated((byte) 'a', FORTY_MIB),
                text("\"}}}\n{\"jsonrpc\":\"2.0\",\"id\":123456789012345678901234567890,\"method\":\"tools/call\",\"params\":{\"a\":\""),
                repeated((byte) 'b', FORTY_MIB),
                text("\"}}\n" + PING))));

        Run r = feed(in, 1024 * 1024);

        assertThat(r.written()).hasSize(2).allSatisfy(m -> {
            assertThat(m.at("/error/code").asInt()).isEqualTo(-32600);
            assertThat(m.at("/error/message").asText()).contains("exceeded 1048576 bytes");
        });
        assertThat(r.written().get(0).get("id").asText()).isEqualTo("call-41");
        assertThat(r.written().get(1).get("id").bigIntegerValue()).isEqualTo(new java.math.BigInteger("123456789012345678901234567890"));
        assertThat(r.handled()).extracting(m -> m.get("id").asInt()).containsExactly(2);
    }

    @Test
    void anOverLongRequestWhoseIdComesAfterItsParamsIsAnsweredWithANullId() throws Exception {
        // Only the line's first 64 KiB are looked at: finding a later id would mean parsing the whole line.
        InputStream in = new java.io.SequenceInputStream(java.util.Collections.enumeration(List.of(
                text("{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"aws___call_aws\",\"arguments\":"
                        + "{\"cli_command\":\""),
                repeated((byte) 'a', FORTY_MIB),
                text("\"}},\"id\":41}\n" + PING))));

        Run r = feed(in, 1024 * 1024);

        assertThat(r.written()).singleElement().satisfies(m -> {
            assertThat(m.at("/error/code").asInt()).isEqualTo(-32600);
            assertThat(m.get("id").isNull()).isTrue();
        });
        assertThat(r.handled()).extracting(m -> m.get("id").asInt()).containsExactly(2);
    }

    @Test
    void anIdCutByTheEndOfTheBytesLookedAtIsNotTakenForASmallerOne() throws Exception {
        String head = "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",";
        String spaces = " ".repeat(StdioChannel.ID_PREFIX_BYTES - head.length() - "\"id\":123".length());
        InputStream in = new java.io.SequenceInputStream(java.util.Collections.enumeration(List.of(
                text(head + spaces + "\"id\":123456789}\n"), // 123 is inside the first 64 KiB, 456789 is not
                text("{\"jsonrpc\":\"2.0\",\"method\":\"ping\"," + " ".repeat(60_000) + "\"id\":\"abc\"," + "x".repeat(9000) + "\n"),
                text("{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"ping\"," + "x".repeat(2000) + "\n"),
                new ByteArrayInputStream(bytes("{\"jsonrpc\":\"2.0\",\"id\":\"a", new int[] {0xC0, 0xAF}, "b\"," + "x".repeat(2000) + "\n")),
                text("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"," + "x".repeat(2000)))));

        Run r = feed(in, 1024);

        assertThat(r.written()).extracting(m -> m.get("id").toString()).containsExactly("null", "\"abc\"", "null", "null", "3");
        assertThat(r.written()).as("the last line, without a newline, is answered too")
                .extracting(m -> m.at("/error/code").asInt()).containsOnly(-32600);
    }

    @Test
    void aMessageBeyondTheParsersLimitsIsAnInvalidRequestWithItsIdAndReadingGoesOn() throws Exception {
        String deep = "{\"jsonrpc\":\"2.0\",\"id\":41,\"method\":\"tools/call\",\"params\":{\"name\":\"x\",\"arguments\":{\"a\":"
                + "[".repeat(1200) + "]".repeat(1200) + "}}}\n";
        String longNumber = "{\"jsonrpc\":\"2.0\",\"id\":\"n\",\"method\":\"tools/call\",\"params\":{\"a\":" + "9".repeat(1001) + "}}\n";
        String bare = "[".repeat(100_000) + "\n";

        Run r = feed(deep + longNumber + bare + PING, 1024 * 1024);

        assertThat(r.written()).extracting(m -> m.get("id").toString()).containsExactly("41", "\"n\"", "null");
        assertThat(r.written()).allSatisfy(m -> {
            assertThat(m.at("/error/code").asInt()).isEqualTo(-32600);
            assertThat(m.at("/error/message").asText()).startsWith("Invalid Request: the message is beyond a limit");
        });
        assertThat(r.written().get(0).at("/error/message").asText()).contains("nesting depth");
        assertThat(r.handled()).extracting(m -> m.get("id").asInt()).containsExactly(2);
    }

    @Test
    void jsonThatIsNotJsonRpcIsAnInvalidRequestKeepingItsId() throws Exception {
        Run r = feed("{\"id\":7,\"method\":\"x\"}\n[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]\n42\n", 1024);

        assertThat(r.written()).extracting(m -> m.at("/error/code").asInt()).containsExactly(-32600, -32600, -32600);
        assertThat(r.written().get(0).get("id").asInt()).isEqualTo(7);
        assertThat(r.written().get(1).at("/error/message").asText()).contains("batches");
        assertThat(r.handled()).isEmpty();
    }

    @Test
    void blankLinesAreIgnoredAndALastLineWithoutNewlineIsRead() throws Exception {
        Run r = feed("\n\n{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", 1024);

        assertThat(r.written()).isEmpty();
        assertThat(r.handled()).hasSize(1);
    }

    @Test
    void linesSplitAcrossReadsAndCrlfEndingsAreServedWhole() throws Exception {
        String input = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + "n".repeat(300)
                + "\"}}\r\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\r\n";
        // At most 7 bytes per read, as a pipe may deliver them.
        InputStream trickle = new FilterInputStream(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8))) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 7));
            }
        };
        StdioChannel channel = new StdioChannel(trickle, new ByteArrayOutputStream(), 1024);
        List<JsonNode> handled = new ArrayList<>();

        channel.readLoop(handled::add);

        assertThat(handled).extracting(m -> m.get("id").asInt()).containsExactly(1, 2);
        assertThat(handled.get(0).at("/params/name").asText()).hasSize(300);
    }

    @Test
    void bytesThatAreNotUtf8AreAParseErrorNotSilentlyReplaced() throws Exception {
        byte[] start = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":{\"a\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] end = "\"}}\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.write(start);
        input.write(new byte[] {(byte) 0xC3, (byte) 0x28}); // a lead byte followed by no continuation byte
        input.write(end);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<JsonNode> handled = new ArrayList<>();

        new StdioChannel(new ByteArrayInputStream(input.toByteArray()), out, 1024).readLoop(handled::add);

        JsonNode error = JSON.readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(error.at("/error/code").asInt()).isEqualTo(-32700);
        assertThat(handled).extracting(m -> m.get("id").asInt()).containsExactly(2);
    }

    /** {@code before}, then the raw bytes, then {@code after}, as one byte array. */
    private static byte[] bytes(String before, int[] raw, String after) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        for (int x : raw) {
            b.write(x);
        }
        b.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    static Stream<Named<int[]>> invalidUtf8() {
        return Stream.of(
                Named.of("overlong 2-byte '/' (C0 AF)", new int[] {0xC0, 0xAF}),
                Named.of("overlong 2-byte DEL (C1 BF)", new int[] {0xC1, 0xBF}),
                Named.of("overlong 3-byte '/' (E0 80 AF)", new int[] {0xE0, 0x80, 0xAF}),
                Named.of("overlong 3-byte U+07FF (E0 9F BF)", new int[] {0xE0, 0x9F, 0xBF}),
                Named.of("overlong 4-byte '/' (F0 80 80 AF)", new int[] {0xF0, 0x80, 0x80, 0xAF}),
                Named.of("overlong 4-byte U+FFFF (F0 8F BF BF)", new int[] {0xF0, 0x8F, 0xBF, 0xBF}),
                Named.of("high surrogate U+D800 (ED A0 80)", new int[] {0xED, 0xA0, 0x80}),
                Named.of("low surrogate U+DFFF (ED BF BF)", new int[] {0xED, 0xBF, 0xBF}),
                Named.of("U+110000 (F4 90 80 80)", new int[] {0xF4, 0x90, 0x80, 0x80}),
                Named.of("lead byte F5 (F5 80 80 80)", new int[] {0xF5, 0x80, 0x80, 0x80}),
                Named.of("5-byte form (F8 88 80 80 80)", new int[] {0xF8, 0x88, 0x80, 0x80, 0x80}),
                Named.of("byte FF", new int[] {0xFF}),
                Named.of("lone continuation byte 80", new int[] {0x80}),
                Named.of("lone continuation byte BF", new int[] {0xBF}),
                Named.of("lead byte without continuation (C3 28)", new int[] {0xC3, 0x28}),
                Named.of("3-byte sequence missing its last byte (E2 82 'c')", new int[] {0xE2, 0x82}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUtf8")
    void invalidUtf8InAStringIsAParseErrorAndReadingGoesOn(int[] sequence) throws Exception {
        Run r = feed(bytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/", sequence,
                "call\",\"params\":{\"name\":\"x\"}}\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n"), 1024);

        assertThat(r.written()).hasSize(1);
        assertThat(r.written().get(0).at("/error/code").asInt()).isEqualTo(-32700);
        assertThat(r.written().get(0).at("/error/message").asText()).contains("not valid UTF-8").contains("byte 40 ");
        assertThat(r.written().get(0).get("id").isNull()).isTrue();
        assertThat(r.handled()).extracting(m -> m.get("id").asInt()).containsExactly(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUtf8")
    void invalidUtf8AfterTheJsonValueIsAParseErrorToo(int[] sequence) throws Exception {
        Run r = feed(bytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} ", sequence, "\n"), 1024);

        assertThat(r.written()).extracting(m -> m.at("/error/code").asInt()).containsExactly(-32700);
        assertThat(r.handled()).isEmpty();
    }

    @Test
    void aSequenceCutShortByTheEndOfTheLineIsAParseError() throws Exception {
        Run r = feed(bytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", new int[] {0xF0, 0x9F, 0x98}, "\n"), 1024);

        assertThat(r.written()).extracting(m -> m.at("/error/message").asText())
                .singleElement(InstanceOfAssertFactories.STRING).contains("not valid UTF-8");
        assertThat(r.handled()).isEmpty();
    }

    @Test
    void multiByteTextPassesUnchanged() throws Exception {
        // 2-, 3- and 4-byte characters, including the edges of each range and those next to the surrogates
        String text = "caf\u00e9 \u20ac \ud83d\ude00 \u0080\u07ff\u0800\ud7ff\ue000\uffff\ud800\udc00\udbff\udfff";
        Run r = feed("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"x\",\"arguments\":{\"t\":\""
                + text + "\"}}}\n", 1024);

        assertThat(r.written()).isEmpty();
        assertThat(r.handled()).singleElement().satisfies(m -> assertThat(m.at("/params/arguments/t").asText()).isEqualTo(text));
    }

    @Test
    void theUtf8CheckAcceptsExactlyWhatTheJdksStrictDecoderAccepts() {
        CharsetDecoder jdk = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        byte[] ascii = "{\"a\":\"bcd".getBytes(StandardCharsets.UTF_8); // 9 bytes: samples also start where the 8-byte fast path ends
        int[] tails = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF};
        List<byte[]> samples = new ArrayList<>();
        for (int b0 = 0; b0 < 256; b0++) {
            samples.add(new byte[] {(byte) b0});
            for (int b1 = 0; b1 < 256; b1++) {
                samples.add(new byte[] {(byte) b0, (byte) b1});
                if (b0 >= 0xE0) {
                    for (int b2 : tails) {
                        samples.add(new byte[] {(byte) b0, (byte) b1, (byte) b2});
                        for (int b3 : tails) {
                            samples.add(new byte[] {(byte) b0, (byte) b1, (byte) b2, (byte) b3});
                        }
                    }
                }
            }
        }
        List<String> disagreements = new ArrayList<>();
        for (byte[] sample : samples) {
            byte[] line = new byte[ascii.length + sample.length];
            System.arraycopy(ascii, 0, line, 0, ascii.length);
            System.arraycopy(sample, 0, line, ascii.length, sample.length);
            boolean jdkValid;
            try {
                jdk.reset().decode(ByteBuffer.wrap(line));
                jdkValid = true;
            } catch (CharacterCodingException e) {
                jdkValid = false;
            }
            if ((StdioChannel.invalidUtf8At(line, 0, line.length) < 0) != jdkValid) {
                disagreements.add(java.util.HexFormat.ofDelimiter(" ").formatHex(sample));
            }
        }
        assertThat(samples).hasSizeGreaterThan(300_000);
        assertThat(disagreements).isEmpty();
    }

    @Test
    void twoJsonValuesOnOneLineAreAParseErrorAndNeitherIsHandled() throws Exception {
        String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
        String call = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}";
        Run r = feed(ping + call + "\n" + ping + " " + call + "\n" + ping + "\t" + call + "\r\n" + ping + "\r" + call + "\n"
                + ping + " 2\n" + "1 2\n" + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"} \t \r\n", 1024);

        assertThat(r.written()).hasSize(6).allSatisfy(m -> {
            assertThat(m.at("/error/code").asInt()).isEqualTo(-32700);
            assertThat(m.get("id").isNull()).isTrue();
        });
        assertThat(r.written().get(0).at("/error/message").asText()).contains("more than one JSON value");
        assertThat(r.handled()).as("trailing whitespace is fine").extracting(m -> m.get("id").asInt()).containsExactly(3);
    }

    @Test
    void aLineInUtf16IsAParseErrorNotDecodedAsUtf16() throws Exception {
        String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.writeBytes(ping.getBytes(StandardCharsets.UTF_16BE));
        input.write('\n');
        input.writeBytes(ping.getBytes(StandardCharsets.UTF_16LE));
        input.writeBytes(new byte[] {0, '\n'});
        input.writeBytes(new byte[] {0, 0, '{', 0, '}', 0, 0, 0, '\n'}); // Jackson's UTF-32 detection gave up with an IOException here
        input.writeBytes((ping + "\n").getBytes(StandardCharsets.UTF_8));

        Run r = feed(input.toByteArray(), 1024);

        assertThat(r.written()).hasSize(3).allSatisfy(m -> {
            assertThat(m.at("/error/code").asInt()).isEqualTo(-32700);
            assertThat(m.at("/error/message").asText()).contains("NUL byte");
        });
        assertThat(r.handled()).hasSize(1);
    }

    @Test
    void aLineHoldingOnlyAByteOrderMarkIsAParseError() throws Exception {
        Run r = feed(bytes("", new int[] {0xEF, 0xBB, 0xBF}, "\n"), 1024);
        Run spaced = feed(bytes("", new int[] {0xEF, 0xBB, 0xBF}, " \n"), 1024);

        assertThat(r.written()).extracting(m -> m.at("/error/code").asInt()).containsExactly(-32700);
        assertThat(spaced.written()).extracting(m -> m.at("/error/message").asText())
                .singleElement(InstanceOfAssertFactories.STRING).contains("no JSON value");
    }

    @ParameterizedTest(name = "id {0}")
    @ValueSource(strings = {"1e400", "-1e400", "1.5", "1.0", "1e3", "true", "{}", "[]", "[1]", "{\"a\":1}"})
    void anIdThatIsNotAStringIntegerOrNullIsAnInvalidRequestAnsweredWithANullId(String id) throws Exception {
        Run r = feed("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{}}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n", 1024);

        assertThat(r.written()).hasSize(2).allSatisfy(m -> {
            assertThat(m.at("/error/code").asInt()).isEqualTo(-32600);
            assertThat(m.get("id").isNull()).isTrue();
            assertThat(m.at("/error/message").asText()).startsWith("Invalid Request: the id is ")
                    .contains("must be a string, an integer or null").doesNotContain("Infinity");
        });
        assertThat(r.handled()).extracting(m -> m.get("id").asInt()).containsExactly(2);
    }

    @Test
    void integerIdsOfAnySizeComeBackExactlyAsSent() throws Exception {
        List<String> ids = List.of("123456789012345678901234567890", "-98765432109876543210987654321", "9223372036854775808",
                "0", "-1", "\"req-\u00e9-1\"", "null");
        StringBuilder input = new StringBuilder();
        for (String id : ids) {
            input.append("{\"jsonrpc\":\"2.0\",\"id\":").append(id).append(",\"method\":\"ping\"}\n");
            input.append("{\"jsonrpc\":\"2.0\",\"id\":").append(id).append(",\"method\":7}\n"); // refused, with its id
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StdioChannel channel = new StdioChannel(new ByteArrayInputStream(input.toString().getBytes(StandardCharsets.UTF_8)),
                out, 1024);

        channel.readLoop(m -> channel.send(dev.mcpaudit.proxy.jsonrpc.JsonRpc.result(m.get("id"), JSON.createObjectNode())));

        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2 * ids.size());
        for (int i = 0; i < ids.size(); i++) {
            String sentId = JSON.writeValueAsString(JSON.readTree(ids.get(i)));
            assertThat(lines.get(2 * i)).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":" + sentId + ",\"result\":{}}");
            assertThat(lines.get(2 * i + 1)).startsWith("{\"jsonrpc\":\"2.0\",\"id\":" + sentId + ",\"error\":{\"code\":-32600,");
        }
        assertThat(lines.get(0)).contains("\"id\":123456789012345678901234567890,");
    }

    @Test
    void aMethodOrParamsOfTheWrongTypeIsAnInvalidRequestKeepingItsId() throws Exception {
        Run r = feed("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":null}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":[\"tools/call\"]}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":{\"name\":\"ping\"}}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":\"aws s3 ls\"}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":42}\n"
                + "{\"jsonrpc\":2.0,\"id\":7,\"method\":\"ping\"}\n"
                + "{\"jsonrpc\":\"1.0\",\"id\":8,\"method\":\"ping\"}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":9}\n"
                + "{\"jsonrpc\":\"2.0\",\"method\":true}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/list\",\"params\":null}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"tools/list\",\"params\":[]}\n", 1024);

        assertThat(r.written()).extracting(m -> m.at("/error/code").asInt()).containsOnly(-32600);
        assertThat(r.written()).extracting(m -> m.get("id").isNull() ? "null" : m.get("id").asText())
                .containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "null");
        assertThat(r.written()).extracting(m -> m.at("/error/message").asText()).satisfies(messages -> {
            assertThat(messages.get(0)).isEqualTo("Invalid Request: the method is an integer; it must be a string.");
            assertThat(messages.get(4)).isEqualTo("Invalid Request: the params are a string; they must be an object or an array.");
            assertThat(messages.get(6)).contains("\"jsonrpc\": \"2.0\"");
        });
        assertThat(r.handled()).extracting(m -> m.get("id").asInt()).containsExactly(10, 11);
    }

    @Test
    void eachMessageReachesStdoutInOneWriteWithItsNewline() throws Exception {
        List<String> writes = new ArrayList<>();
        OutputStream recording = new OutputStream() {
            @Override
            public void write(int b) {
                writes.add(String.valueOf((char) b));
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.add(new String(b, off, len, StandardCharsets.UTF_8));
            }
        };
        StdioChannel channel = new StdioChannel(new ByteArrayInputStream(new byte[0]), recording, 1024);
        JsonNode message = JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"text\":\"" + "r".repeat(2000) + "\"}}");

        channel.send(message);
        channel.send(message);

        assertThat(writes).hasSize(2).allSatisfy(w -> {
            assertThat(w).endsWith("\n");
            assertThat(JSON.readTree(w)).isEqualTo(message);
        });
    }
}
