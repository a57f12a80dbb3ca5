package dev.mcpaudit.proxy.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A seeded corpus of hostile stdin lines for the proxy: not JSON, not UTF-8 (overlong encodings,
 * surrogates, stray bytes), NUL and BOM prefixes, wrong JSON-RPC shapes, huge and odd ids, aws_profile
 * values of every type and spelling, deep nesting, batches, two messages on a line, lines over the
 * 32 MiB limit and over Jackson's own limits, notifications with odd params, re-initialisation with odd
 * client info, and byte-level mutations of well-formed calls. Every line that could reach upstream as
 * a tool call carries a marker {@code hx<index>e} in its {@code cli_command}, so what upstream received
 * can be traced back to the line.
 *
 * <p>Each message says what a correct proxy does with it ({@link Expect}), worked out from the bytes the
 * way the proxy reads them: one JSON value per line, UTF-8 only.
 *
 * <p>A stand-in until the downstream package's own generator lands; it is deterministic for a seed.
 */
final class HostileCorpus {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> ALLOWED = Set.of("dev", "prod");
    static final String DEFAULT_PROFILE = "dev";
    static final Set<String> PROFILE_TOOLS = Set.of("aws___call_aws", "aws___run_script", "aws___get_presigned_url",
            "aws___get_tasks", "aws___suggest_aws_commands");
    /** The proxy's stdin line limit (StdioChannel.DEFAULT_MAX_LINE_BYTES); the product has no flag to lower it. */
    static final int MAX_LINE_BYTES = 32 * 1024 * 1024;

    /**
     * What a correct proxy does with a line.
     *
     * @param answerId JSON text of the id the agent must get an answer for, or null when none is owed
     *     (notifications, responses, lines without a usable id)
     * @param route for a tools/call: the profile it must be signed with, or {@code refused}; null otherwise
     * @param mustNotReachUpstream no request carrying this line's marker may reach upstream (not UTF-8,
     *     over-long, a batch, the second value on a line, a refused aws_profile)
     * @param validUtf8 whether the line is well-formed UTF-8
     */
    record Expect(String answerId, String route, boolean mustNotReachUpstream, boolean validUtf8) {}

    /** One line (without its newline) and what it is. */
    record Message(int index, String kind, byte[] line, Expect expect) {
        String marker() {
            return "hx" + index + "e";
        }

        String preview() {
            String s = new String(line, 0, Math.min(line.length, 160), StandardCharsets.UTF_8)
                    .replace("\u0000", "\\0").replace("\r", "\\r");
            return s + (line.length > 160 ? "… (" + line.length + " bytes)" : "");
        }
    }

    private final Random rnd;
    private final List<Message> out = new ArrayList<>();
    private final boolean withHugeLines;

    private HostileCorpus(long seed, boolean withHugeLines) {
        this.rnd = new Random(seed);
        this.withHugeLines = withHugeLines;
    }

    /** At least {@code count} lines: a fixed catalogue of the classes first, then seeded random ones. */
    static List<Message> generate(long seed, int count) {
        return generate(seed, count, true);
    }

    static List<Message> generate(long seed, int count, boolean withHugeLines) {
        HostileCorpus c = new HostileCorpus(seed, withHugeLines);
        c.catalogue();
        while (c.out.size() < count) {
            c.randomOne();
        }
        return List.copyOf(c.out);
    }

    // ---------------------------------------------------------------- the catalogue

    private void catalogue() {
        // Not JSON at all.
        for (String s : new String[] {"this is not json", "{", "}", "[", "]", "{\"jsonrpc\":", "nul", "tru", "'single'",
                "{jsonrpc: '2.0'}", "{\"a\":1,}", "[1,2,]", "\"unterminated", "0x10", "NaN", "Infinity", "-",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"", "<html></html>", "\t\t", "\r", "\\u0000"}) {
            add("not-json", s);
        }
        // Not UTF-8, inside an otherwise valid tools/call whose marker would show if it were let through.
        byte[][] invalid = {
            {(byte) 0x80}, {(byte) 0xBF}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0xC1, (byte) 0xBF},
            {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0xAF},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xED, (byte) 0xBF, (byte) 0xBF},
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            {(byte) 0xFE}, {(byte) 0xFF}, {(byte) 0xC3}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF0, (byte) 0x9F, (byte) 0x98},
            {(byte) 0xC3, (byte) 0x28}, {(byte) 0xE2, (byte) 0x28, (byte) 0xA1}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
        };
        for (byte[] bad : invalid) {
            int i = out.size();
            addBytes("invalid-utf8", concat(ascii(head(i) + "\"aws s3 ls " + marker(i) + " "), bad, ascii("\"}}}")));
            i = out.size();
            addBytes("invalid-utf8-in-profile", concat(ascii(head(i) + "\"aws s3 ls " + marker(i) + "\",\"aws_profile\":\"pr"),
                    bad, ascii("od\"}}}")));
        }
        // aws_profile spelled with overlong UTF-8 forms of its letters ("pr" C1 AF "d" is "prod" to a lenient decoder).
        for (byte[] spelled : new byte[][] {
            {'p', 'r', (byte) 0xC1, (byte) 0xAF, 'd'}, {(byte) 0xC1, (byte) 0xA4, 'e', 'v'},
            {'p', 'r', 'o', (byte) 0xE0, (byte) 0x81, (byte) 0xA4}, {'d', 'e', 'v', (byte) 0xC0, (byte) 0x80}}) {
            int i = out.size();
            addBytes("overlong-profile", concat(ascii(head(i) + "\"aws s3 ls " + marker(i) + "\",\"aws_profile\":\""), spelled,
                    ascii("\"}}}")));
        }
        // NUL bytes and byte-order marks in front of a valid message (Jackson guesses UTF-16/32 from the first bytes).
        for (byte[] prefix : new byte[][] {{0}, {0, 0}, {0, 0, 0}, {0, 0, 0, 0}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                {(byte) 0xFE, (byte) 0xFF}, {(byte) 0xFF, (byte) 0xFE}, {0, 0, (byte) 0xFE, (byte) 0xFF},
                {(byte) 0xFF, (byte) 0xFE, 0, 0}}) {
            int i = out.size();
            addBytes("nul-or-bom-prefix", concat(prefix, ascii(toolsCall(i, "aws s3 ls " + marker(i), null))));
        }
        for (String s : new String[] {"{\u0000}", "{\"jsonrpc\":\"2.0\",\u0000\"id\":1}", "\u0000", "\u0000\u0000\u0000\u0000"}) {
            add("nul-or-bom-prefix", s);
        }
        // UTF-16 and UTF-32 encodings of a valid call.
        for (java.nio.charset.Charset cs : new java.nio.charset.Charset[] {StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE,
                java.nio.charset.Charset.forName("UTF-32BE"), java.nio.charset.Charset.forName("UTF-32LE")}) {
            int i = out.size();
            addBytes("utf16-or-utf32", toolsCall(i, "aws s3 ls " + marker(i), null).getBytes(cs));
        }
        // Wrong JSON-RPC shapes.
        for (String s : new String[] {"null", "42", "\"a string\"", "true", "[]", "{}", "{\"jsonrpc\":\"2.0\"}",
                "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}", "{\"jsonrpc\":2.0,\"id\":1,\"method\":\"ping\"}",
                "{\"id\":1,\"method\":\"ping\"}", "{\"jsonrpc\":\"2.0\",\"id\":1}", "{\"jsonrpc\":\"2.0\",\"method\":7,\"id\":1}",
                "{\"jsonrpc\":\"2.0\",\"method\":null,\"id\":1}", "{\"jsonrpc\":\"2.0\",\"method\":{\"a\":1},\"id\":1}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{\"code\":1,\"message\":\"x\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":{\"nested\":1},\"method\":\"ping\"}", "{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}", "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}", "{\"jsonrpc\":\"2.0\",\"id\":1e400,\"method\":\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":-1e400,\"method\":\"ping\"}", "{\"jsonrpc\":\"2.0\",\"id\":1e-400,\"method\":\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":\"a string\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":[1,2]}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":7}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":null}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/read\",\"params\":7}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"prompts/get\",\"params\":{\"name\":[\"x\"]}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"completion/complete\",\"params\":{\"ref\":7}}",
                "{\"jsonrpc\":\"2.0\",\"id\":\"mcp-audit-proxy-1\",\"result\":{}}",
                "{\"jsonrpc\":\"2.0\",\"id\":\"mcp-audit-proxy-999\",\"error\":{\"code\":1,\"message\":\"x\"}}"}) {
            add("wrong-shape", uniqueIds(s));
        }
        // Odd ids, each unique in the corpus.
        int i0 = out.size();
        for (String id : new String[] {"0", "-1", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
                "18446744073709551616", "1" + "0".repeat(30) + i0, "1" + "0".repeat(998), "1" + "0".repeat(1200),
                "\"\"", "\" \"", "\"\\u0000\"", "\"" + "x".repeat(100_000) + "\"", "\"\\ud800\"", "\"🦆-" + i0 + "\"",
                "\"\\u202e-rtl-" + i0 + "\"", "\"probe\"", "\"-1\"", "\"1\""}) {
            int i = out.size();
            add("odd-id", "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"aws___call_aws\","
                    + "\"arguments\":{\"cli_command\":\"aws s3 ls " + marker(i) + "\"}}}");
        }
        // aws_profile values of every type and spelling.
        List<String> profiles = new ArrayList<>(List.of("\"prod\"", "\"dev\"", "\" prod\"", "\"prod \"", "\"PROD\"", "\"Prod\"",
                "\"prod\\u0000\"", "\"prod\\n\"", "\"prod\\t\"", "\"\\u0070rod\"", "\"pro\"", "\"prodd\"", "\"\"", "\" \"",
                "\"dev\\u200b\"", "\"\\uff50\\uff52\\uff4f\\uff44\"", "\"pro\\u0064\"", "\"prod\\u0301\"", "\"admin\"",
                "\"default\"", "\"null\"", "\"../prod\"", "\"prod;admin\"", "\"dev,prod\"", "\"dev prod\"", "\"*\"", "\"pr*\"",
                "\"[prod]\"", "\"\\ud800\"", "\"prod\\ud800\"", "[\"prod\"]", "[]", "{\"x\":1}", "{\"prod\":true}",
                "{\"name\":\"prod\"}", "1", "0", "-1", "1.0", "1e400", "-1e400", "true", "false", "null",
                "\"" + "p".repeat(100_000) + "\"", "\"prod" + "\\u0000".repeat(100) + "\"", "[[[[\"prod\"]]]]"));
        for (String p : profiles) {
            int i = out.size();
            add("aws-profile", toolsCallRaw(i, "aws___call_aws", "\"aws s3 ls " + marker(i) + "\"", p));
        }
        // Duplicate keys: the last value wins in the proxy's parser, so this must be routed by the last one.
        for (String dup : new String[] {"\"aws_profile\":\"dev\",\"aws_profile\":\"admin\"",
                "\"aws_profile\":\"admin\",\"aws_profile\":\"prod\"", "\"aws_profile\":\"prod\",\"aws_profile\":null"}) {
            int i = out.size();
            add("aws-profile-duplicate-key", head(i).replace("\"cli_command\":", dup + ",\"cli_command\":")
                    + "\"aws s3 ls " + marker(i) + "\"}}}");
        }
        // aws_profile on other tools, and on odd tool names.
        for (String tool : new String[] {"aws___run_script", "search_documentation", "aws___list_regions",
                "AWS___CALL_AWS", "aws___call_aws ", " aws___call_aws", "aws___call_aws/x", "aws___call_aw?", "aws___*",
                "aws___call_aws\\u0000", "", "../../aws___call_aws"}) {
            for (String p : new String[] {"\"admin\"", "\"prod\""}) {
                int i = out.size();
                add("tool-name", toolsCallRaw(i, tool, "\"aws s3 ls " + marker(i) + "\"", p));
            }
        }
        // Arguments that are not an object, or an aws_profile outside them.
        for (String args : new String[] {"\"a string\"", "[1,2]", "null", "7"}) {
            int i = out.size();
            add("arguments-shape", "{\"jsonrpc\":\"2.0\",\"id\":" + id(i) + ",\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"aws___call_aws\",\"arguments\":" + args + ",\"aws_profile\":\"admin\"}}");
        }
        // Numbers no double holds (RFC 8785 canonical JSON writes numbers as doubles): in the arguments of
        // an allowed call, of a refused call, and as the id of a refused call.
        for (String n : new String[] {"1e400", "-1e400", "1" + "0".repeat(400), "18446744073709551617"}) {
            int i = out.size();
            add("huge-number", head(i) + "\"aws s3 ls " + marker(i) + "\",\"n\":" + n + "}}}");
        }
        int hn = out.size();
        add("huge-number-refused", head(hn) + "\"aws s3 ls " + marker(hn) + "\",\"n\":1e400,\"aws_profile\":\"admin\"}}}");
        hn = out.size();
        add("huge-number-refused", "{\"jsonrpc\":\"2.0\",\"id\":1" + "0".repeat(400) + ",\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"aws___call_aws\",\"arguments\":{\"cli_command\":\"aws s3 ls " + marker(hn) + "\",\"aws_profile\":\"admin\"}}}");
        // Deep nesting, in the arguments and as the profile.
        for (int depth : new int[] {50, 500, 990, 1001, 5000, 100_000}) {
            int i = out.size();
            add("deep-nesting", head(i) + "\"aws s3 ls " + marker(i) + "\",\"deep\":" + "[".repeat(depth) + "]".repeat(depth) + "}}}");
        }
        for (int depth : new int[] {10, 2000}) {
            int i = out.size();
            add("deep-nesting", toolsCallRaw(i, "aws___call_aws", "\"aws s3 ls " + marker(i) + "\"",
                    "{\"a\":".repeat(depth) + "\"prod\"" + "}".repeat(depth)));
        }
        // Batches and two messages on one line.
        int b = out.size();
        add("batch", "[" + toolsCall(b, "aws s3 ls " + marker(b), "prod") + "]");
        b = out.size();
        add("batch", "[" + ping("\"batch-" + b + "\"") + "," + toolsCall(b, "aws s3 ls " + marker(b), null) + "]");
        add("batch", "[1,2,3]");
        for (String sep : new String[] {"", " ", "\t", "\r"}) {
            int i = out.size();
            add("two-on-a-line", ping("\"first-" + i + "\"") + sep + toolsCall(i, "aws s3 ls " + marker(i), "prod"));
        }
        int t = out.size();
        add("two-on-a-line", toolsCall(t, "aws s3 ls " + marker(t), null) + " garbage after it");
        t = out.size();
        add("two-on-a-line", toolsCall(t, "aws s3 ls " + marker(t), null) + " 42");
        // Notifications with odd params.
        for (String n : new String[] {"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\"}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":null}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":\"x\"}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":{\"a\":[1]}}}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":424242424242,\"reason\":7}}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":null}}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":1e400}}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\",\"params\":[1,2,3]}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":{},\"progress\":\"x\"}}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\",\"params\":7}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"\"}", "{\"jsonrpc\":\"2.0\",\"method\":\" \"}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"\\u0000\"}", "{\"jsonrpc\":\"2.0\",\"method\":\"" + "n".repeat(70_000) + "\"}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.discover\"}", "{\"jsonrpc\":\"2.0\",\"method\":\"foo/bar\",\"params\":[null]}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"emergency\",\"data\":{}}}"}) {
            add("notification", n);
        }
        // Calls sent as notifications (no id): nothing may be answered, and nothing may run unrecorded.
        for (String profile : new String[] {null, "admin", "prod"}) {
            int i = out.size();
            add("call-as-notification", "{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"aws___call_aws\","
                    + "\"arguments\":{\"cli_command\":\"aws s3 rb s3://bucket " + marker(i) + "\""
                    + (profile == null ? "" : ",\"aws_profile\":\"" + profile + "\"") + "}}}");
        }
        add("call-as-notification", "{\"jsonrpc\":\"2.0\",\"method\":\"resources/read\",\"params\":{\"uri\":\"fake://docs/readme\"}}");
        add("call-as-notification", "{\"jsonrpc\":\"2.0\",\"method\":\"prompts/get\",\"params\":{\"name\":\"fake_prompt\"}}");
        // Re-initialisation mid-session with odd client info (it ends up in User-Agent) and odd versions.
        for (String info : new String[] {"{\"name\":\"evil\\r\\nX-Injected: 1\",\"version\":\"1\"}",
                "{\"name\":\"nul\\u0000name\",\"version\":\"\\u0000\"}", "{\"name\":\"\\u00fcnic\\u00f6de \\ud83e\\udd86\",\"version\":\"\\u2028\"}",
                "{\"name\":7,\"version\":[1]}", "{\"name\":\"" + "a".repeat(50_000) + "\",\"version\":\"1\"}",
                "{\"name\":\"\\ud800\",\"version\":\"1\"}", "\"not an object\"", "null"}) {
            int i = out.size();
            add("re-initialize", "{\"jsonrpc\":\"2.0\",\"id\":" + id(i) + ",\"method\":\"initialize\",\"params\":"
                    + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":" + info + "}}");
            i = out.size();
            add("re-initialize-then-call", toolsCall(i, "aws s3 ls " + marker(i), "prod"));
        }
        for (String pv : new String[] {"\"1999-01-01\"", "7", "null", "\"\"", "\"" + "9".repeat(5000) + "\""}) {
            int i = out.size();
            add("re-initialize", "{\"jsonrpc\":\"2.0\",\"id\":" + id(i) + ",\"method\":\"initialize\",\"params\":"
                    + "{\"protocolVersion\":" + pv + ",\"capabilities\":7}}");
        }
        int ri = out.size();
        add("re-initialize", "{\"jsonrpc\":\"2.0\",\"id\":" + id(ri) + ",\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"Reliability Agent\",\"version\":\"1.0\"}}}");
        // Strings Java holds but Unicode does not: lone surrogates, escaped, in what is recorded and hashed.
        for (String s : new String[] {"\\ud800", "\\udfff", "\\udc00\\ud800", "x\\ud83e", "\\u0000", "\\u001f", "\\u2028\\u2029",
                "\\ufeff", "\\uffff", "\\ufffe"}) {
            int i = out.size();
            add("odd-unicode", toolsCallRaw(i, "aws___call_aws", "\"aws s3 ls " + marker(i) + " " + s + "\"", null));
            i = out.size();
            add("odd-unicode", "{\"jsonrpc\":\"2.0\",\"id\":" + id(i) + ",\"method\":\"resources/read\",\"params\":{\"uri\":\"fake://"
                    + s + "\"}}");
        }
        // Over the limits: Jackson's string length and name length, and the proxy's 32 MiB line.
        int k = out.size();
        add("jackson-limits", "{\"jsonrpc\":\"2.0\",\"id\":" + id(k) + ",\"method\":\"ping\",\"params\":{\"" + "k".repeat(60_000)
                + "\":1}}");
        if (withHugeLines) {
            k = out.size();
            add("jackson-limits", head(k) + "\"aws s3 ls " + marker(k) + " " + "s".repeat(20_000_001) + "\"}}}");
            k = out.size();
            add("over-long-line", head(k) + "\"aws s3 ls " + marker(k) + " " + "L".repeat(MAX_LINE_BYTES + 10) + "\"}}}");
        }
        // A message split by a newline in the middle: two lines, each broken.
        int s = out.size();
        String call = toolsCall(s, "aws s3 ls " + marker(s), "prod");
        add("split-line", call.substring(0, call.length() / 2));
        add("split-line", call.substring(call.length() / 2));
    }

    // ---------------------------------------------------------------- random lines

    private void randomOne() {
        int pick = rnd.nextInt(100);
        int i = out.size();
        if (pick < 35) {
            // A well-formed message with a few byte-level mutations (no newline inserted).
            byte[] base = baseMessage(i);
            addBytes("mutated", mutate(base));
        } else if (pick < 50) {
            add("aws-profile-random", toolsCallRaw(i, "aws___call_aws", "\"aws s3 ls " + marker(i) + "\"", randomProfileValue()));
        } else if (pick < 60) {
            byte[] garbage = new byte[1 + rnd.nextInt(300)];
            rnd.nextBytes(garbage);
            for (int j = 0; j < garbage.length; j++) {
                if (garbage[j] == '\n') {
                    garbage[j] = ' ';
                }
            }
            addBytes("random-bytes", garbage);
        } else if (pick < 70) {
            byte[] bad = new byte[1 + rnd.nextInt(4)];
            rnd.nextBytes(bad);
            bad[0] = (byte) (0x80 | rnd.nextInt(0x80));
            for (int j = 0; j < bad.length; j++) {
                if (bad[j] == '\n') {
                    bad[j] = (byte) 0xC0;
                }
            }
            addBytes("invalid-utf8-random", concat(ascii(head(i) + "\"aws s3 ls " + marker(i) + " "), bad, ascii("\"}}}")));
        } else if (pick < 78) {
            add("odd-id-random", "{\"jsonrpc\":\"2.0\",\"id\":" + randomId(i) + ",\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"aws___call_aws\",\"arguments\":{\"cli_command\":\"aws s3 ls " + marker(i) + "\"}}}");
        } else if (pick < 85) {
            String[] methods = {"ping", "tools/list", "resources/list", "prompts/list", "logging/setLevel", "no/such/method",
                "resources/templates/list", "completion/complete", "prompts/get", "resources/read", "tools/call"};
            String params = new String[] {"", ",\"params\":{}", ",\"params\":null", ",\"params\":[]", ",\"params\":\"x\"",
                ",\"params\":{\"_meta\":{\"progressToken\":{}}}", ",\"params\":{\"level\":\"nope\"}", ",\"params\":{\"cursor\":7}"}[rnd.nextInt(8)];
            add("method-and-params", "{\"jsonrpc\":\"2.0\",\"id\":" + id(i) + ",\"method\":\"" + methods[rnd.nextInt(methods.length)]
                    + "\"" + params + "}");
        } else if (pick < 92) {
            int depth = 1 + rnd.nextInt(1400);
            add("deep-nesting-random", head(i) + "\"aws s3 ls " + marker(i) + "\",\"deep\":"
                    + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}}}");
        } else {
            String[] ns = {"notifications/cancelled", "notifications/progress", "notifications/initialized", "x/y", ""};
            String[] ps = {"", ",\"params\":{\"requestId\":" + (7_000_000 + rnd.nextInt(1000)) + "}", ",\"params\":[]",
                ",\"params\":{\"requestId\":\"nope-" + i + "\"}", ",\"params\":{\"progressToken\":1,\"progress\":1e400}"};
            add("notification-random", "{\"jsonrpc\":\"2.0\",\"method\":\"" + ns[rnd.nextInt(ns.length)] + "\""
                    + ps[rnd.nextInt(ps.length)] + "}");
        }
    }

    private byte[] baseMessage(int i) {
        String[] profiles = {null, "dev", "prod", "admin"};
        return switch (rnd.nextInt(5)) {
            case 0, 1, 2 -> ascii(toolsCall(i, "aws s3 ls " + marker(i) + " --bucket b" + rnd.nextInt(100),
                    profiles[rnd.nextInt(profiles.length)]));
            case 3 -> ascii("{\"jsonrpc\":\"2.0\",\"id\":" + id(i) + ",\"method\":\"resources/read\",\"params\":{\"uri\":\"fake://docs/readme\"}}");
            default -> ascii(ping(id(i)));
        };
    }

    private byte[] mutate(byte[] base) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(base);
        byte[] cur = b.toByteArray();
        int n = 1 + rnd.nextInt(3);
        for (int m = 0; m < n; m++) {
            int at = rnd.nextInt(Math.max(1, cur.length));
            switch (rnd.nextInt(6)) {
                case 0 -> cur[at] = (byte) rnd.nextInt(256); // replace a byte
                case 1 -> cur = splice(cur, at, Math.min(cur.length, at + 1 + rnd.nextInt(8)), new byte[0]); // delete
                case 2 -> cur = splice(cur, at, at, new byte[] {(byte) "{}[]\",:\\0".charAt(rnd.nextInt(9))}); // syntax
                case 3 -> cur = splice(cur, at, at, new byte[] {0}); // a NUL
                case 4 -> cur = splice(cur, at, at, new byte[] {(byte) (0x80 + rnd.nextInt(0x80))}); // a stray high byte
                default -> cur = java.util.Arrays.copyOf(cur, Math.max(1, at)); // truncate
            }
            for (int j = 0; j < cur.length; j++) {
                if (cur[j] == '\n') {
                    cur[j] = ' ';
                }
            }
        }
        return cur;
    }

    private String randomProfileValue() {
        String[] names = {"dev", "prod", "admin", "default", "Dev", "PROD", "prod ", " dev", "prod\\u0000", "dev\\t", "pr\\u006fd",
            "", "null", "staging", "d", "prodprod", "\\u0064ev", "prod\\ud800", "\\u2060prod"};
        return switch (rnd.nextInt(8)) {
            case 0 -> "[\"" + names[rnd.nextInt(names.length)] + "\"]";
            case 1 -> "{\"" + names[rnd.nextInt(names.length)] + "\":1}";
            case 2 -> String.valueOf(rnd.nextInt(3) - 1);
            case 3 -> new String[] {"true", "false", "null", "1e400", "-0", "0.0"}[rnd.nextInt(6)];
            case 4 -> "\"" + "x".repeat(1 + rnd.nextInt(5000)) + "\"";
            default -> "\"" + names[rnd.nextInt(names.length)] + "\"";
        };
    }

    private String randomId(int i) {
        return switch (rnd.nextInt(6)) {
            case 0 -> "-" + (1 + i);
            case 1 -> "\"" + "i".repeat(1 + rnd.nextInt(2000)) + "-" + i + "\"";
            case 2 -> "1" + "0".repeat(19 + rnd.nextInt(40)) + i;
            case 3 -> "\"\\u00e9\\u4e2d\\ud83d\\ude00-" + i + "\"";
            case 4 -> "" + (i + 0.5);
            default -> "\"id with spaces " + i + "\"";
        };
    }

    // ---------------------------------------------------------------- building blocks

    private static String marker(int i) {
        return "hx" + i + "e";
    }

    private static String id(int i) {
        return Integer.toString(1_000_000 + i);
    }

    /** A tools/call of aws___call_aws up to the value of cli_command (to be closed with {@code "}}}}). */
    private static String head(int i) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id(i) + ",\"method\":\"tools/call\",\"params\":{\"name\":\"aws___call_aws\","
                + "\"arguments\":{\"cli_command\":";
    }

    private static String toolsCall(int i, String cli, String profile) {
        return toolsCallRaw(i, "aws___call_aws", JSON.getNodeFactory().textNode(cli).toString(),
                profile == null ? null : JSON.getNodeFactory().textNode(profile).toString());
    }

    /** A tools/call with raw JSON for the command and the aws_profile value (null: left out). */
    private static String toolsCallRaw(int i, String tool, String cliJson, String profileJson) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id(i) + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\","
                + "\"arguments\":{\"cli_command\":" + cliJson + (profileJson == null ? "" : ",\"aws_profile\":" + profileJson) + "}}}";
    }

    private static String ping(String idJson) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"method\":\"ping\"}";
    }

    /** Gives the catalogue's fixed {@code "id":1} a value unique to the line. */
    private String uniqueIds(String s) {
        return s.replace("\"id\":1,", "\"id\":" + id(out.size()) + ",").replace("\"id\":1}", "\"id\":" + id(out.size()) + "}");
    }

    private void add(String kind, String line) {
        addBytes(kind, line.getBytes(StandardCharsets.UTF_8));
    }

    private void addBytes(String kind, byte[] line) {
        int index = out.size();
        out.add(new Message(index, kind, line, expect(index, line)));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    private static byte[] splice(byte[] a, int from, int to, byte[] insert) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(a, 0, from);
        b.writeBytes(insert);
        b.write(a, to, a.length - to);
        return b.toByteArray();
    }

    // ---------------------------------------------------------------- what a correct proxy does

    static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Whether any string or object key in the tree holds an unpaired UTF-16 surrogate. */
    static boolean hasLoneSurrogate(JsonNode n) {
        if (n.isTextual()) {
            return loneSurrogate(n.asText());
        }
        for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            java.util.Map.Entry<String, JsonNode> e = it.next();
            if (loneSurrogate(e.getKey()) || hasLoneSurrogate(e.getValue())) {
                return true;
            }
        }
        if (n.isArray()) {
            for (JsonNode c : n) {
                if (hasLoneSurrogate(c)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean loneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** The line as text, without a leading byte-order mark. */
    private static String text(byte[] line) {
        String t = new String(line, StandardCharsets.UTF_8);
        return t.startsWith("\uFEFF") ? t.substring(1) : t;
    }

    /**
     * Reads the line as the README says the proxy does: UTF-8 only, one JSON value per line, at most
     * 32 MiB; a request with a string or integer id is owed an answer with that id; a tools/call of a
     * profile tool is routed by aws_profile (absent or null: the default; exactly an allowed name: that
     * profile; anything else: refused).
     */
    private static Expect expect(int index, byte[] line) {
        boolean utf8 = isUtf8(line);
        if (!utf8 || line.length > MAX_LINE_BYTES) {
            return new Expect(null, null, true, utf8);
        }
        // A UTF-8 byte-order mark may be ignored (RFC 8259) or refused: either way no answer is owed for it.
        boolean bom = line.length >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF;
        JsonNode m;
        // From the decoded text: the bytes are UTF-8, whatever a parser would guess from a NUL or a mark.
        try (com.fasterxml.jackson.core.JsonParser p = JSON.createParser(text(line))) {
            m = JSON.readTree(p);
            if (m == null || p.nextToken() != null) {
                return new Expect(null, null, true, true); // empty, or more than one value on the line
            }
        } catch (Exception e) {
            return new Expect(null, null, true, true);
        }
        if (!m.isObject() || !"2.0".equals(m.path("jsonrpc").asText(null)) || !m.path("method").isTextual() || !m.has("id")) {
            return new Expect(null, null, true, true);
        }
        JsonNode id = m.get("id");
        // A lone surrogate (an escaped \\ud800) is valid JSON but not I-JSON (RFC 7493): a parse error is as
        // fair an answer as a result, so no answer with the id is owed.
        String answerId = !bom && !hasLoneSurrogate(m) && (id.isTextual() || id.isIntegralNumber()) ? id.toString() : null;
        String route = null;
        boolean notUpstream = false;
        JsonNode params = m.get("params");
        if (m.get("method").asText().equals("tools/call") && params != null && params.isObject()
                && params.path("name").isTextual() && params.path("arguments").isObject()) {
            JsonNode args = params.get("arguments");
            if (PROFILE_TOOLS.contains(params.get("name").asText()) && args.has("aws_profile")) {
                JsonNode p = args.get("aws_profile");
                route = p.isNull() ? DEFAULT_PROFILE : p.isTextual() && ALLOWED.contains(p.asText()) ? p.asText() : "refused";
            } else {
                route = DEFAULT_PROFILE;
            }
            notUpstream = route.equals("refused");
        }
        return new Expect(answerId, route, notUpstream, true);
    }
}
