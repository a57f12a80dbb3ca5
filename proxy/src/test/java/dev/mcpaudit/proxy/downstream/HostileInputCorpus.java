package dev.mcpaudit.proxy.downstream;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A deterministic corpus of hostile lines for the proxy's stdin: the same seed and count give the
 * same bytes on any JVM ({@link Random} is specified to). Each entry is one line without its
 * {@code '\n'}: it never contains one and is never blank, so each entry calls for exactly one outcome,
 * a JSON-RPC error on stdout or the message handled. {@link #asStdin} joins entries into what an agent
 * would write; a line may still end in {@code '\r'} or hold a lone one (kind {@link Kind#LINE_ENDINGS}).
 *
 * <p>Used by {@link HostileInputCorpusTest} against {@link StdioChannel}; meant to be reused against the
 * packaged jar (the largest lines are about 100 KB, far below the proxy's 32 MiB line limit).
 */
public final class HostileInputCorpus {
    /** The classes of input; entry {@code i} is of kind {@code values()[i % values().length]}. */
    public enum Kind {
        /** Random bytes, mostly printable ASCII or not at all. */
        RANDOM_BYTES,
        /** A valid message cut anywhere, also inside a multi-byte character. */
        TRUNCATED_JSON,
        /** Arrays or objects nested up to 100,000 deep, closed or not, alone or inside a request's params. */
        DEEP_NESTING,
        /** Ids and params of 1e400, 1e-400, -0.0, integers beyond 64 bits, numbers of 1000 and 1001 digits. */
        HUGE_NUMBERS,
        /** A valid message with an ill-formed UTF-8 sequence in a string, between tokens or at the end. */
        INVALID_UTF8,
        /** CR at either end or between two messages, and characters that are line ends elsewhere but not here. */
        LINE_ENDINGS,
        /** NUL bytes anywhere, and messages in UTF-16 or UTF-32. */
        NUL_BYTES,
        /** Valid JSON that is not a JSON-RPC message: scalars, objects without jsonrpc, method or id. */
        NOT_JSON_RPC,
        /** JSON-RPC batches (arrays of messages), which MCP does not use. */
        BATCH,
        /** A method, params, id or jsonrpc member of the wrong JSON type. */
        WRONG_TYPES,
        /** Two JSON values on one line, or one followed by stray characters. */
        TWO_VALUES,
        /** Valid requests, notifications and responses, with non-ASCII text, escapes and big integer ids. */
        VALID
    }

    /** One line of the corpus, with the class it was made from. */
    public record Entry(Kind kind, byte[] line) {}

    private static final int[][] ILL_FORMED_UTF8 = {
        {0xC0, 0xAF}, {0xC1, 0xBF}, {0xE0, 0x80, 0xAF}, {0xE0, 0x9F, 0xBF}, {0xF0, 0x80, 0x80, 0xAF},
        {0xF0, 0x8F, 0xBF, 0xBF}, {0xED, 0xA0, 0x80}, {0xED, 0xBF, 0xBF}, {0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80},
        {0xF4, 0x90, 0x80, 0x80}, {0xF5, 0x80, 0x80, 0x80}, {0xF8, 0x88, 0x80, 0x80, 0x80}, {0xFC, 0x84, 0x80, 0x80, 0x80, 0x80},
        {0xFE}, {0xFF}, {0x80}, {0xBF}, {0xC3, 0x28}, {0xE2, 0x82}, {0xF0, 0x9F, 0x98}, {0xE2, 0x28, 0xA1},
    };
    private static final String[] METHODS = {
        "tools/call", "tools/list", "ping", "resources/read", "prompts/get", "initialize", "completion/complete",
        "notifications/progress", "tools\\/call", "\\u0074ools/call", "caf\u00e9/\u20ac", "emoji/\ud83d\ude00", "x",
        "rpc.discover", "\\ud800", "tools/call\\u0000",
    };
    private static final String[] TEXTS = {
        "aws s3 ls", "aws s3 cp s3://bucket/key ./out", "caf\u00e9 \u20ac \ud83d\ude00", "\\\"quoted\\\"", "line\\nbreak",
        "tab\\there", "\u2028\u2029", "\\u00e9", "", "na\u00efve \u4e2d\u6587", "\\ud83d\\ude00", "\\/etc\\/passwd",
    };

    private HostileInputCorpus() {}

    /** {@code count} lines made from {@code seed}, each the bytes of one line without its newline. */
    public static List<byte[]> generate(long seed, int count) {
        List<byte[]> lines = new ArrayList<>(count);
        for (Entry e : entries(seed, count)) {
            lines.add(e.line());
        }
        return lines;
    }

    /** As {@link #generate}, with each line's kind. */
    public static List<Entry> entries(long seed, int count) {
        Random r = new Random(seed);
        Kind[] kinds = Kind.values();
        List<Entry> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Kind kind = kinds[i % kinds.length];
            out.add(new Entry(kind, oneLine(make(kind, r))));
        }
        return out;
    }

    /** The lines as an agent would write them to stdin: each followed by {@code '\n'}. */
    public static byte[] asStdin(List<byte[]> lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] line : lines) {
            out.writeBytes(line);
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static byte[] make(Kind kind, Random r) {
        return switch (kind) {
            case RANDOM_BYTES -> randomBytes(r);
            case TRUNCATED_JSON -> {
                byte[] whole = utf8(validMessage(r));
                yield java.util.Arrays.copyOf(whole, 1 + r.nextInt(whole.length - 1));
            }
            case DEEP_NESTING -> deepNesting(r);
            case HUGE_NUMBERS -> utf8(hugeNumbers(r));
            case INVALID_UTF8 -> invalidUtf8(r);
            case LINE_ENDINGS -> lineEndings(r);
            case NUL_BYTES -> nulBytes(r);
            case NOT_JSON_RPC -> utf8(notJsonRpc(r));
            case BATCH -> utf8(batch(r));
            case WRONG_TYPES -> utf8(wrongTypes(r));
            case TWO_VALUES -> utf8(twoValues(r));
            case VALID -> r.nextInt(10) == 0 ? concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(validMessage(r)))
                    : utf8(validMessage(r));
        };
    }

    // ------------------------------------------------------------------ valid messages, as JSON text

    private static String id(Random r) {
        return switch (r.nextInt(9)) {
            case 0 -> String.valueOf(r.nextInt(1000));
            case 1 -> String.valueOf(-r.nextInt(1000));
            case 2 -> String.valueOf(r.nextLong());
            case 3 -> "123456789012345678901234567890" + r.nextInt(1000);
            case 4 -> "-" + "9".repeat(20 + r.nextInt(40));
            case 5 -> "null";
            case 6 -> "\"req-" + r.nextInt(1000) + "\"";
            case 7 -> "\"" + TEXTS[r.nextInt(TEXTS.length)] + "\"";
            default -> "\"" + java.util.UUID.nameUUIDFromBytes(longBytes(r.nextLong())) + "\"";
        };
    }

    private static String value(Random r, int depth) {
        int pick = r.nextInt(depth > 3 ? 6 : 9);
        return switch (pick) {
            case 0 -> "\"" + TEXTS[r.nextInt(TEXTS.length)] + "\"";
            case 1 -> String.valueOf(r.nextInt());
            case 2 -> String.valueOf(r.nextDouble() * 1000);
            case 3 -> r.nextBoolean() ? "true" : "false";
            case 4 -> "null";
            case 5 -> "\"" + "x".repeat(r.nextInt(200)) + "\"";
            case 6, 7 -> {
                StringBuilder o = new StringBuilder("{");
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    o.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(value(r, depth + 1));
                }
                yield o.append('}').toString();
            }
            default -> {
                StringBuilder a = new StringBuilder("[");
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    a.append(i == 0 ? "" : ",").append(value(r, depth + 1));
                }
                yield a.append(']').toString();
            }
        };
    }

    private static String params(Random r) {
        return "{\"name\":\"aws___call_aws\",\"arguments\":{\"cli_command\":\"" + TEXTS[r.nextInt(TEXTS.length)]
                + "\",\"extra\":" + value(r, 0) + "}}";
    }

    /** A request, notification or response, members in varying order. */
    private static String validMessage(Random r) {
        String method = "\"method\":\"" + METHODS[r.nextInt(METHODS.length)] + "\"";
        String params = "\"params\":" + params(r);
        String id = "\"id\":" + id(r);
        String version = "\"jsonrpc\":\"2.0\"";
        List<String> members = switch (r.nextInt(5)) {
            case 0 -> new ArrayList<>(List.of(version, method, params));
            case 1 -> new ArrayList<>(List.of(version, id, "\"result\":" + value(r, 0)));
            case 2 -> new ArrayList<>(List.of(version, id, "\"error\":{\"code\":-1,\"message\":\"no\"}"));
            case 3 -> new ArrayList<>(List.of(version, id, method));
            default -> new ArrayList<>(List.of(version, id, method, params));
        };
        java.util.Collections.shuffle(members, r);
        String sep = r.nextInt(4) == 0 ? ", " : ",";
        return (r.nextInt(4) == 0 ? " {" : "{") + String.join(sep, members) + (r.nextInt(4) == 0 ? "} " : "}");
    }

    private static String requestWith(String idJson, String methodJson, String paramsJson) {
        StringBuilder b = new StringBuilder("{\"jsonrpc\":\"2.0\"");
        if (idJson != null) {
            b.append(",\"id\":").append(idJson);
        }
        if (methodJson != null) {
            b.append(",\"method\":").append(methodJson);
        }
        if (paramsJson != null) {
            b.append(",\"params\":").append(paramsJson);
        }
        return b.append('}').toString();
    }

    // ------------------------------------------------------------------ the hostile kinds

    private static byte[] randomBytes(Random r) {
        byte[] b = new byte[1 + r.nextInt(300)];
        boolean printable = r.nextBoolean();
        for (int i = 0; i < b.length; i++) {
            b[i] = printable ? (byte) (0x20 + r.nextInt(0x5F)) : (byte) r.nextInt(256);
        }
        if (r.nextInt(4) == 0) {
            b[0] = '{'; // a start that looks like JSON
        }
        return b;
    }

    private static byte[] deepNesting(Random r) {
        int[] depths = {10, 500, 997, 998, 999, 1000, 1001, 2000, 10_000, 100_000};
        int depth = depths[r.nextInt(depths.length)];
        String open = r.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        return utf8(switch (r.nextInt(4)) {
            case 0 -> open.repeat(depth);
            case 1 -> open.repeat(depth) + "1" + close.repeat(depth);
            // the request's object and its params are two levels already
            case 2 -> requestWith(id(r), "\"tools/call\"", "{\"a\":" + open.repeat(depth) + "1" + close.repeat(depth) + "}");
            default -> "{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":" + open.repeat(depth) + ",\"id\":7}";
        });
    }

    private static String hugeNumbers(Random r) {
        String[] numbers = {"1e400", "-1e400", "1e-400", "1E+2", "0.0", "-0.0", "1.5", "1.0", "-0", "9223372036854775807",
            "9223372036854775808", "18446744073709551616", "123456789012345678901234567890", "1" + "0".repeat(999),
            "1" + "0".repeat(1000), "3.141592653589793238462643383279", "1" + "0".repeat(400) + ".5"};
        String n = numbers[r.nextInt(numbers.length)];
        return r.nextBoolean() ? requestWith(n, "\"ping\"", null)
                : requestWith(id(r), "\"tools/call\"", "{\"name\":\"x\",\"arguments\":{\"n\":" + n + "}}");
    }

    private static byte[] invalidUtf8(Random r) {
        byte[] message = utf8(validMessage(r));
        int[] bad = ILL_FORMED_UTF8[r.nextInt(ILL_FORMED_UTF8.length)];
        byte[] badBytes = new byte[bad.length];
        for (int i = 0; i < bad.length; i++) {
            badBytes[i] = (byte) bad[i];
        }
        if (r.nextInt(5) == 0) {
            return concat(message, badBytes); // at the end, also after the value
        }
        // between two ASCII bytes, so that no character of the message is split
        int at;
        do {
            at = 1 + r.nextInt(message.length - 1);
        } while (message[at - 1] < 0 || message[at] < 0);
        return concat(concat(java.util.Arrays.copyOf(message, at), badBytes),
                java.util.Arrays.copyOfRange(message, at, message.length));
    }

    private static byte[] lineEndings(Random r) {
        String m = validMessage(r);
        return utf8(switch (r.nextInt(9)) {
            case 0 -> m + "\r";
            case 1 -> m + "\r\r";
            case 2 -> "\r" + m;
            case 3 -> m + "\r" + validMessage(r);
            case 4 -> m + " \t\r";
            case 5 -> m + "\f";
            case 6 -> m + "\u0085";
            case 7 -> m + "\u000B";
            default -> m.replace("aws s3", "aws\u2028s3\u2029");
        });
    }

    private static byte[] nulBytes(Random r) {
        String m = validMessage(r);
        return switch (r.nextInt(8)) {
            case 0 -> concat(new byte[] {0}, utf8(m));
            case 1 -> concat(utf8(m), new byte[] {0});
            case 2 -> utf8(m.replaceFirst(",", ",\u0000"));
            case 3 -> utf8(m.replaceFirst("2\\.0", "2.0\u0000"));
            case 4 -> m.getBytes(StandardCharsets.UTF_16BE);
            case 5 -> m.getBytes(StandardCharsets.UTF_16LE);
            case 6 -> m.getBytes(java.nio.charset.Charset.forName("UTF-32"));
            default -> new byte[] {0, 0, '{', 0, '}', 0, 0, 0};
        };
    }

    private static String notJsonRpc(Random r) {
        return switch (r.nextInt(12)) {
            case 0 -> String.valueOf(r.nextInt());
            case 1 -> "\"" + TEXTS[r.nextInt(TEXTS.length)] + "\"";
            case 2 -> r.nextBoolean() ? "true" : "false";
            case 3 -> "null";
            case 4 -> "{}";
            case 5 -> "{\"jsonrpc\":\"2.0\"}";
            case 6 -> "{\"jsonrpc\":\"1.0\",\"id\":" + id(r) + ",\"method\":\"ping\"}";
            case 7 -> "{\"id\":" + id(r) + ",\"method\":\"tools/call\",\"params\":" + params(r) + "}";
            case 8 -> "{\"jsonrpc\":\"2.0\",\"id\":" + id(r) + "}";
            case 9 -> "{\"jsonrpc\":\"2.0\",\"result\":" + value(r, 0) + "}";
            case 10 -> "{\"JSONRPC\":\"2.0\",\"ID\":1,\"METHOD\":\"ping\"}";
            default -> value(r, 0);
        };
    }

    private static String batch(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> "[]";
            case 1 -> "[" + validMessage(r) + "]";
            case 2 -> "[" + validMessage(r) + "," + validMessage(r) + "]";
            default -> "[1,2,3]";
        };
    }

    private static String wrongTypes(Random r) {
        String[] notStrings = {"5", "-1.5", "true", "null", "{}", "[]", "[\"tools/call\"]", "{\"name\":\"ping\"}"};
        String[] notIds = {"true", "false", "{}", "[]", "[1]", "{\"id\":1}", "1.5", "1e400"};
        String[] notParams = {"\"aws s3 ls\"", "42", "true", "-0.5"};
        return switch (r.nextInt(4)) {
            case 0 -> requestWith(id(r), notStrings[r.nextInt(notStrings.length)], params(r));
            case 1 -> requestWith(notIds[r.nextInt(notIds.length)], "\"tools/call\"", params(r));
            case 2 -> requestWith(id(r), "\"tools/call\"", notParams[r.nextInt(notParams.length)]);
            default -> requestWith(id(r), "\"ping\"", null).replace("\"2.0\"", r.nextBoolean() ? "2.0" : "2");
        };
    }

    private static String twoValues(Random r) {
        String a = validMessage(r);
        return switch (r.nextInt(7)) {
            case 0 -> a + validMessage(r);
            case 1 -> a + " " + validMessage(r);
            case 2 -> a + "\t1";
            case 3 -> "1 2";
            case 4 -> a + "x";
            case 5 -> a + "]";
            default -> a + "}";
        };
    }

    // ------------------------------------------------------------------ bytes

    /** No newline inside (it would make two lines), and never blank (a blank line calls for no answer). */
    private static byte[] oneLine(byte[] line) {
        boolean blank = true;
        for (int i = 0; i < line.length; i++) {
            if (line[i] == '\n') {
                line[i] = ' ';
            }
            blank &= line[i] == ' ' || line[i] == '\t' || line[i] == '\r';
        }
        return blank ? concat(new byte[] {'x'}, line) : line;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static byte[] longBytes(long v) {
        return java.nio.ByteBuffer.allocate(8).putLong(v).array();
    }
}
