package dev.mcpaudit.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 8785 (JCS) test vectors: the hash chain and {@code result_sha256} are only checkable by a third
 * party if our canonical bytes are exactly the RFC's.
 */
class CanonicalJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void rfcExampleSortsKeysAndDropsWhitespace() {
        assertThat(CanonicalJson.canonicalize("[56, {\"d\":true,\"10\":null,\"1\":[]}]"))
                .isEqualTo("[56,{\"1\":[],\"10\":null,\"d\":true}]");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "1e21               | 1e+21",
        "1E-7               | 1e-7",
        "1e-7               | 1e-7",
        "-0                 | 0",
        "-0.0               | 0",
        "1.0                | 1",
        "333333333.33333329 | 333333333.3333333",
        "4.50               | 4.5",
        "2e-3               | 0.002",
        "0.000001           | 0.000001",
        "1e20               | 100000000000000000000",
        "1e23               | 1e+23",
        "5e-324             | 5e-324",
        "1.7976931348623157e308 | 1.7976931348623157e+308",
        "-1.5e-10           | -1.5e-10",
        "100                | 100",
    })
    void numbersAreWrittenTheWayEcmaScriptWritesDoubles(String in, String expected) {
        assertThat(CanonicalJson.canonicalize("[" + in + "]")).isEqualTo("[" + expected + "]");
        assertThat(CanonicalJson.canonicalize("{\"n\":" + in + "}")).isEqualTo("{\"n\":" + expected + "}");
    }

    @Test
    void rfcStringExampleUnescapesWhatNeedsNoEscapeAndLowercasesControlEscapes() {
        // RFC 8785 section 3.2.2.2 (the input and expected output are written in Java escapes here,
        // since javac would itself decode the RFC's backslash-u sequences inside a comment).
        String in = "[\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\"]";
        String expected = "[\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"]";
        assertThat(CanonicalJson.canonicalize(in)).isEqualTo(expected);
    }

    @Test
    void controlCharactersUseShortEscapesWhereJsonHasThemAndLowercaseHexOtherwise() {
        String in = "[\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001F\\u007f\\u00e9\\u2028\\ud83d\\ude00\"]";
        String expected = "[\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f\u007f\u00e9\u2028\ud83d\ude00\"]";
        assertThat(CanonicalJson.canonicalize(in)).isEqualTo(expected);
    }

    @Test
    void rfcKeyOrderingIsByUtf16CodeUnits() {
        // RFC 8785 section 3.2.3.
        String in = "{\n"
                + "  \"\\u20ac\": \"Euro Sign\",\n"
                + "  \"\\r\": \"Carriage Return\",\n"
                + "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n"
                + "  \"1\": \"One\",\n"
                + "  \"\\ud83d\\ude00\": \"Emoji: Grinning Face\",\n"
                + "  \"\\u0080\": \"Control\",\n"
                + "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"\n"
                + "}";
        String expected = "{"
                + "\"\\r\":\"Carriage Return\","
                + "\"1\":\"One\","
                + "\"\u0080\":\"Control\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\","
                + "\"\u20ac\":\"Euro Sign\","
                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\","
                + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\""
                + "}";
        assertThat(CanonicalJson.canonicalize(in)).isEqualTo(expected);
    }

    @Test
    void nestedObjectsAreSortedAtEveryLevelAndArraysKeepTheirOrder() {
        String in = "{ \"b\": [3, 1, {\"z\": 1, \"a\": {\"y\": null, \"x\": [true, false]}}],"
                + " \"a\": {\"c\": \"\", \"B\": 2.50, \"aa\": {}}, \"\": 0 }";
        assertThat(CanonicalJson.canonicalize(in)).isEqualTo(
                "{\"\":0,\"a\":{\"B\":2.5,\"aa\":{},\"c\":\"\"},"
                        + "\"b\":[3,1,{\"a\":{\"x\":[true,false],\"y\":null},\"z\":1}]}");
    }

    @Test
    void aJacksonTreeCanonicalisesLikeItsText() {
        ObjectNode node = JSON.createObjectNode().put("tool", "aws___call_aws").put("n", 1.0).put("€", "x");
        node.putObject("args").put("cli_command", "aws s3 ls").put("b", true);
        assertThat(CanonicalJson.canonicalize(node))
                .isEqualTo("{\"args\":{\"b\":true,\"cli_command\":\"aws s3 ls\"},\"n\":1,\"tool\":\"aws___call_aws\",\"\u20ac\":\"x\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "{", "[1,]", "{\"a\"}", "{\"a\":1}x", "{'a':1}", "[1 2]", "[NaN]", "[1e400]",
        "{\"a\":1,\"a\":2}", "[.5]", "[tru]"})
    void invalidJsonIsRejectedWithIllegalArgumentException(String notJson) {
        assertThatThrownBy(() -> CanonicalJson.canonicalize(notJson))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void sha256HexIsTheDigestOfTheCanonicalUtf8Bytes() throws Exception {
        ObjectNode result = JSON.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", "Buckets: app-logs, \u20ac-data");
        result.put("isError", false);
        String canonical = "{\"content\":[{\"text\":\"Buckets: app-logs, \u20ac-data\",\"type\":\"text\"}],\"isError\":false}";
        assertThat(CanonicalJson.canonicalize(result)).isEqualTo(canonical);

        String expected = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        assertThat(CanonicalJson.sha256Hex(result)).isEqualTo(expected).matches("[0-9a-f]{64}");
        // Key order and number spelling in the input do not change the digest.
        assertThat(CanonicalJson.sha256Hex(JSON.readTree(
                "{ \"isError\": false, \"content\": [ { \"type\": \"text\", \"text\": \"Buckets: app-logs, \\u20ac-data\" } ] }")))
                .isEqualTo(expected);
    }

    @Test
    void sha256HexOfTheEmptyObject() {
        // SHA-256("{}"), independently known.
        assertThat(CanonicalJson.sha256Hex(JSON.createObjectNode()))
                .isEqualTo("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    }

    // --- the writer's fast path must produce exactly the RFC 8785 bytes ---

    @Test
    void canonicalEventMatchesTheLibraryForTrickyStrings() {
        List<String> tricky = List.of(
                "", "plain", "with \"quotes\"", "back\\slash", "\\\"", "tab\there", "new\nline", "cr\rlf\n",
                "\b\f", "\u0000nul", "\u0001\u001f\u0007", "\u007fdel", "/slash/", "caf\u00e9", "\u20ac100",
                "\u2028\u2029", "\ufeffbom", "\ud83d\ude00 emoji", "\u65e5\u672c\u8a9e", "mixed \" \\ \u0000 \u00e9 \ud83d\ude80");
        for (String s : tricky) {
            for (String callId : new String[] {s, null}) {
                assertSameAsLibrary(UUID.randomUUID().toString(), "call.requested", "2026-11-26T20:11:03.123Z", s, callId,
                        JSON.createObjectNode().put("text", s).put(s, 1));
                assertSameAsLibrary(s, s, s, s, callId, JSON.createObjectNode());
            }
        }
    }

    @Test
    void canonicalEventMatchesTheLibraryForRandomEvents() {
        Random random = new Random(8785);
        for (int round = 0; round < 500; round++) {
            String callId = random.nextInt(4) == 0 ? null : randomString(random);
            assertSameAsLibrary(randomString(random), randomString(random), randomString(random), randomString(random),
                    callId, randomObject(random, 3));
        }
    }

    private static void assertSameAsLibrary(
            String eventId, String type, String time, String sessionId, String callId, ObjectNode payload) {
        String canonicalPayload = CanonicalJson.canonicalize(payload);
        String fast = ChainHash.canonicalEvent(eventId, type, time, sessionId, callId, canonicalPayload);

        ObjectNode event = JSON.createObjectNode();
        event.put("type", type).put("time", time).put("session_id", sessionId).put("event_id", eventId);
        if (callId == null) {
            event.putNull("call_id");
        } else {
            event.put("call_id", callId);
        }
        event.set("payload", payload);
        assertThat(fast)
                .as("canonical event for session_id=%s call_id=%s", escape(sessionId), escape(callId))
                .isEqualTo(CanonicalJson.canonicalize(event));
    }

    private static final String ALPHABET = "aZ09 _-.:/\"\\\u00e9\u00f6\u0080\u20ac\u2028\ufb33\u65e5";

    private static String randomString(Random random) {
        StringBuilder sb = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(5)) {
                case 0 -> sb.append((char) random.nextInt(0x20)); // every control character
                case 1 -> sb.appendCodePoint(0x1F300 + random.nextInt(0x300)); // emoji: surrogate pairs
                case 2 -> sb.append((char) (0x20 + random.nextInt(0x60))); // printable ASCII incl. " and \
                default -> sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
        }
        return sb.toString();
    }

    private static ObjectNode randomObject(Random random, int depth) {
        ObjectNode node = JSON.createObjectNode();
        int fields = random.nextInt(5);
        for (int i = 0; i < fields; i++) {
            node.set(randomString(random), randomValue(random, depth - 1));
        }
        return node;
    }

    private static JsonNode randomValue(Random random, int depth) {
        int kind = random.nextInt(depth > 0 ? 8 : 6);
        return switch (kind) {
            case 0 -> JSON.getNodeFactory().textNode(randomString(random));
            case 1 -> JSON.getNodeFactory().numberNode(random.nextInt());
            case 2 -> JSON.getNodeFactory().numberNode(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
            case 3 -> JSON.getNodeFactory().booleanNode(random.nextBoolean());
            case 4 -> JSON.getNodeFactory().nullNode();
            case 5 -> JSON.getNodeFactory().numberNode((long) random.nextInt(1 << 20) << 20);
            case 6 -> randomObject(random, depth);
            default -> {
                ArrayNode array = JSON.createArrayNode();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    array.add(randomValue(random, depth - 1));
                }
                yield array;
            }
        };
    }

    private static String escape(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        s.chars().forEach(c -> sb.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return sb.toString();
    }
}
