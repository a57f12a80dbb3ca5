package dev.mcpaudit.proxy.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.fixtures.FakeAwsMcpServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded corpus of at least 1,000 hostile stdin lines ({@link HostileCorpus}) through the packaged jar,
 * in front of the fake AWS MCP Server that verifies every signature. After every ten lines a ping probes
 * that the proxy still serves; a proxy that died or hangs is counted, its line found and named (the ten are
 * sent again one by one to a new proxy), and a new one started.
 * Targets: no crash, no hang, no stdout line that is not one JSON-RPC message, no request signed outside
 * the allowlist (the fake knows which key signed what), no refused aws_profile reaching upstream, no
 * line that is not UTF-8 or not one JSON value executed, an answer for every request owed one.
 *
 * <p>Size: {@code -Dreliability.hostileCount} (1,000 by default, 5,000 under -Preliability); seed:
 * {@code -Dreliability.seed}.
 */
class HostileInputIT {
    private static final Duration PROBE = Duration.ofSeconds(20);
    private static final int WINDOW = 10;
    /** The methods the proxy records as calls when they are requests. */
    private static final java.util.Set<String> RECORDED_METHODS = java.util.Set.of("tools/call", "resources/read",
            "prompts/get", "completion/complete");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern MARKER = Pattern.compile("hx(\\d+)e");

    @TempDir
    Path dir;

    Rig rig;
    final List<ProxyUnderTest> proxies = new ArrayList<>();

    @BeforeEach
    void start() {
        rig = new Rig(dir);
    }

    @AfterEach
    void stop() {
        proxies.forEach(ProxyUnderTest::close);
        rig.close();
    }

    @Test
    void aThousandHostileLinesCrashNothingAndSignNothingOutsideTheAllowlist() throws Exception {
        int count = Figures.size("hostileCount", 1000);
        List<HostileCorpus.Message> corpus = new ArrayList<>();
        Map<String, Integer> setAside = new TreeMap<>();
        for (int extra = count / 10; corpus.size() < count; extra *= 2) {
            corpus.clear();
            setAside.clear();
            for (HostileCorpus.Message m : HostileCorpus.generate(Figures.seed(), count + extra)) {
                String bug = KnownBug.of(m);
                if (bug == null) {
                    corpus.add(m);
                } else {
                    setAside.merge(bug, 1, Integer::sum);
                }
            }
        }
        Figures figures = drive("hostile-input", corpus, 1000);
        figures.info("lines set aside for known bugs (run by the knownBug_* tests)", setAside.toString()).write();
        assertThat(figures.missed()).as("missed targets; see the findings above").isEmpty();
    }

    /**
     * KNOWN PRODUCT BUG: a line whose first bytes hold a NUL (or a UTF-16/32 byte-order mark) makes Jackson
     * guess UTF-32 or UTF-16; decoding then throws java.io.CharConversionException, an IOException that is
     * not a JsonProcessingException, so StdioChannel.handleLine rethrows it as UncheckedIOException, which
     * ends the read loop: the proxy exits 1 ("mcp-audit-proxy: java.io.CharConversionException: Invalid UTF-32
     * character …") and the agent's session is over. Repro: send {@code \0\0\0{"jsonrpc":"2.0","id":1,
     * "method":"ping"}} then any request. Expected: a parse error, and the proxy keeps serving.
     */
    @Test
    void knownBug_aLineStartingWithNulOrAUtf32MarkEndsTheSession() throws Exception {
        runKnownBug("hostile-input-known-bug-nul-prefix", KnownBug.NUL_OR_BOM_PREFIX);
    }

    /**
     * KNOWN PRODUCT BUG: UTF-8 that is not well-formed but that Jackson's decoder takes anyway (overlong forms
     * such as C0 80, C1 AF, E0 80 AF; sequences above U+10FFFF such as F4 90 80 80, F5 …) is decoded and
     * executed instead of being a parse error (README: "A line on stdin that is not JSON (or not UTF-8) gets a
     * JSON-RPC parse error"). The arguments reach upstream and the log altered (C0 80 becomes U+0000, E0 80
     * AF becomes '/'), and an aws_profile spelled with an overlong letter is routed: the bytes
     * {@code "pr" C1 AF "d"} are signed as prod, {@code C1 A4 "ev"} as dev. Every value still lands on an
     * allowed profile, so nothing is signed outside the allowlist, but "any spelling is refused" does not hold.
     */
    @Test
    void knownBug_overlongAndOutOfRangeUtf8IsDecodedAndExecutedInsteadOfRefused() throws Exception {
        runKnownBug("hostile-input-known-bug-lenient-utf8", KnownBug.LENIENT_UTF8);
    }

    /**
     * KNOWN PRODUCT BUG: a line holding one complete request followed by more than whitespace ({@code {…} garbage},
     * {@code {…} 42}, {@code {…}{…}}) is not a parse error: the first value is executed and the rest dropped
     * without a word (ObjectMapper.readTree stops after the first value).
     */
    @Test
    void knownBug_aRequestFollowedByMoreOnTheSameLineIsExecuted() throws Exception {
        runKnownBug("hostile-input-known-bug-trailing-content", KnownBug.TRAILING_CONTENT);
    }

    /**
     * KNOWN PRODUCT BUG: a tools/call whose tool name contains U+0000 makes ProfileRouter.isProfileTool call
     * Path.of(name), which throws InvalidPathException: the agent gets "Internal error in mcp-audit-proxy:
     * java.nio.file.InvalidPathException: Nul character not allowed … Please report it", and the attempted
     * call (here with aws_profile "admin") is in the log neither as rejected nor otherwise.
     */
    @Test
    void knownBug_aNulInAToolNameIsAnInternalErrorAndTheAttemptIsNotAudited() throws Exception {
        runKnownBug("hostile-input-known-bug-nul-tool-name", KnownBug.NUL_IN_TOOL_NAME);
    }

    /**
     * KNOWN PRODUCT BUG: a tools/call (or resources/read, prompts/get) sent without an id is a notification, and
     * ProxyServer passes notifications through to upstream on the default profile's session unchanged: the
     * call goes upstream signed with the default profile, with aws_profile still in its arguments (even a
     * refused one such as "admin"), and nothing of it is in the audit log. Whether upstream runs it is up to
     * upstream (JSON-RPC lets a server act on a notification; it only must not answer). Expected: such a
     * message is not forwarded (or is routed and recorded like the call it is).
     */
    @Test
    void knownBug_aCallSentWithoutAnIdIsForwardedUpstreamUnrecordedAndUnrouted() throws Exception {
        runKnownBug("hostile-input-known-bug-call-as-notification", KnownBug.CALL_AS_NOTIFICATION);
    }

    /**
     * KNOWN PRODUCT BUG: numbers that no double holds (1e400, or an integer literal of 400 digits) anywhere
     * in a call (arguments, or the request id) cannot be written as RFC 8785 canonical JSON ("not a JSON
     * number: Infinity"). The recorder reports that as the audit log being unavailable:
     * (1) such a call is refused as "the audit log is unavailable (not a JSON number: Infinity)" in
     * --audit-failure closed, and sent upstream UNRECORDED in --audit-failure open (an audit bypass any agent
     * can trigger); (2) worse, when the call is one that is refused (aws_profile not allowed) its
     * call.rejected event is deferred, cannot be written later either, and stays at the head of the backlog
     * that every later append writes first: every call after it, for the rest of the session, is refused
     * as "the audit log is unavailable" (closed) or forwarded unrecorded (open), until the proxy restarts.
     */
    @Test
    void knownBug_aNumberNoDoubleHoldsStopsRecordingForTheRestOfTheSession() throws Exception {
        assumeTrue(Figures.knownBugs(), "known product bug, run with -Preliability or -Dreliability.knownBugs=true");
        Figures figures = new Figures("hostile-input-known-bug-huge-number");
        for (String mode : new String[] {"closed", "open"}) {
            Path db = dir.resolve("huge-" + mode).resolve("audit.db");
            ProxyUnderTest p = rig.start(db, "--audit-failure", mode);
            proxies.add(p);
            p.initialize(1, WAIT);
            // An allowed call with 1e400 in its arguments.
            JsonNode allowed = p.request(2, "tools/call", "{\"name\":\"aws___call_aws\",\"arguments\":"
                    + "{\"cli_command\":\"aws s3 ls hn2e\",\"n\":1e400}}", WAIT);
            JsonNode before = p.request(3, "tools/call", "{\"name\":\"aws___call_aws\",\"arguments\":"
                    + "{\"cli_command\":\"aws s3 ls hn3e\"}}", WAIT);
            // A refused call with 1e400 in its arguments, then ordinary calls.
            p.request(4, "tools/call", "{\"name\":\"aws___call_aws\",\"arguments\":"
                    + "{\"cli_command\":\"aws s3 ls hn4e\",\"n\":1e400,\"aws_profile\":\"admin\"}}", WAIT);
            List<JsonNode> later = new ArrayList<>();
            for (int id = 5; id < 10; id++) {
                later.add(p.request(id, "tools/call", "{\"name\":\"aws___call_aws\",\"arguments\":"
                        + "{\"cli_command\":\"aws s3 ls hn" + id + "e\"}}", WAIT));
            }
            p.closeStdin();
            p.waitFor(WAIT);
            LogView log = LogView.of(db);
            long laterRefusedOrUnrecorded = 0;
            for (int id = 5; id < 10; id++) {
                boolean refused = Rig.isToolError(later.get(id - 5));
                laterRefusedOrUnrecorded += refused || log.requested(id) == null ? 1 : 0;
            }
            long reachedUnrecorded = 0;
            for (FakeAwsMcpServer.Received r : rig.upstream.toolCalls()) {
                Matcher mk = Pattern.compile("hn(\\d+)e").matcher(String.valueOf(r.cliCommand()));
                if (mk.find() && log.requested(Long.parseLong(mk.group(1))) == null) {
                    reachedUnrecorded++;
                }
            }
            String c = mode + ": ";
            figures.info(c + "what the agent saw for an allowed call with 1e400", Rig.text(allowed))
                    .equal(c + "allowed call with 1e400 recorded", log.requested(2) != null ? 1 : 0, 1)
                    .equal(c + "ordinary call before the refused one answered ok", Rig.isToolError(before) ? 0 : 1, 1)
                    .equal(c + "of 5 ordinary calls after a refused call with 1e400, refused or unrecorded",
                            laterRefusedOrUnrecorded, 0)
                    .equal(c + "calls that reached upstream without call.requested", reachedUnrecorded, 0)
                    .info(c + "what the agent saw for the first ordinary call after it", Rig.text(later.get(0)))
                    .equal(c + "session.ended recorded", log.count("session.ended"), 1);
            rig.upstream.reset();
        }
        figures.write();
        assertThat(figures.missed()).as("missed targets").isEmpty();
    }

    private void runKnownBug(String scenario, String bug) throws Exception {
        assumeTrue(Figures.knownBugs(), "known product bug, run with -Preliability or -Dreliability.knownBugs=true");
        List<HostileCorpus.Message> lines = HostileCorpus.generate(Figures.seed(), Figures.size("hostileCount", 1000)).stream()
                .filter(m -> bug.equals(KnownBug.of(m))).toList();
        assertThat(lines).as("the corpus has lines of this kind").isNotEmpty();
        Figures figures = drive(scenario, lines).write();
        assertThat(figures.missed()).as("missed targets; see the findings above").isEmpty();
    }

    /** Which known product bug a line runs into, from its bytes; null for none. */
    static final class KnownBug {
        static final String NUL_OR_BOM_PREFIX = "nul-or-utf16/32-mark in the first bytes";
        static final String LENIENT_UTF8 = "overlong or out-of-range UTF-8";
        static final String TRAILING_CONTENT = "a request followed by more on its line";
        static final String NUL_IN_TOOL_NAME = "NUL in a tool name";
        static final String HUGE_NUMBER = "a number no double holds";
        static final String CALL_AS_NOTIFICATION = "a call sent as a notification";

        static String of(HostileCorpus.Message m) {
            byte[] b = m.line();
            if (nulOrMarkPrefix(b)) {
                return NUL_OR_BOM_PREFIX;
            }
            if (lenientUtf8(b)) {
                return LENIENT_UTF8;
            }
            JsonNode first;
            boolean trailing;
            try (com.fasterxml.jackson.core.JsonParser p = HostileCorpus.JSON.createParser(b)) {
                first = HostileCorpus.JSON.readTree(p);
                try {
                    trailing = p.nextToken() != null;
                } catch (IOException e) {
                    trailing = true;
                }
            } catch (Exception e) {
                return null;
            }
            if (first == null || !first.isObject()) {
                return null;
            }
            if (trailing && first.hasNonNull("method")) {
                return TRAILING_CONTENT;
            }
            if (!first.has("id") && RECORDED_METHODS.contains(first.path("method").asText(""))) {
                return CALL_AS_NOTIFICATION;
            }
            if (first.path("params").path("name").asText("").indexOf('\u0000') >= 0) {
                return NUL_IN_TOOL_NAME;
            }
            if (hasHugeNumber(first)) {
                return HUGE_NUMBER;
            }
            return null;
        }

        /** Jackson guesses UTF-16/32 from a NUL among the first four bytes, or from a FE FF / FF FE mark. */
        static boolean nulOrMarkPrefix(byte[] b) {
            for (int i = 0; i < Math.min(4, b.length); i++) {
                if (b[i] == 0) {
                    return true;
                }
            }
            return b.length >= 2 && ((b[0] == (byte) 0xFE && b[1] == (byte) 0xFF) || (b[0] == (byte) 0xFF && b[1] == (byte) 0xFE));
        }

        /** A non-shortest (overlong) form, or a sequence above U+10FFFF, with its continuation bytes: what Jackson decodes anyway. */
        static boolean lenientUtf8(byte[] b) {
            for (int i = 0; i + 1 < b.length; i++) {
                int x = b[i] & 0xFF;
                int y = b[i + 1] & 0xFF;
                boolean cont = (y & 0xC0) == 0x80;
                if (!cont) {
                    continue;
                }
                if (x == 0xC0 || x == 0xC1 || (x == 0xE0 && y < 0xA0) || (x == 0xF0 && y < 0x90) || (x == 0xF4 && y >= 0x90)
                        || (x >= 0xF5 && x <= 0xF7)) {
                    return true;
                }
            }
            return false;
        }

        static boolean hasHugeNumber(JsonNode n) {
            if (n.isNumber()) {
                return Double.isInfinite(n.doubleValue()) || Double.isNaN(n.doubleValue());
            }
            for (JsonNode child : n) {
                if (hasHugeNumber(child)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** What happened to the corpus, and where. */
    private Figures drive(String scenario, List<HostileCorpus.Message> corpus) throws Exception {
        return drive(scenario, corpus, 0);
    }

    /** @param minimumLines the corpus size the scenario promises (0: a subset, no promise) */
    private Figures drive(String scenario, List<HostileCorpus.Message> corpus, int minimumLines) throws Exception {
        Path db = dir.resolve(scenario).resolve("audit.db");
        ProxyUnderTest proxy = startProxy(db);
        Map<Integer, ProxyUnderTest> sentTo = new TreeMap<>();
        List<String> crashes = new ArrayList<>();
        List<String> hangs = new ArrayList<>();
        Map<String, Integer> kinds = new TreeMap<>();
        long t0 = System.nanoTime();
        corpus.forEach(m -> kinds.merge(m.kind(), 1, Integer::sum));
        // Lines go in windows of ten, each followed by a ping; when the ping gets no answer, the proxy is
        // replaced and the window sent again one line at a time, a ping after each, to name the line.
        for (int from = 0; from < corpus.size(); from += WINDOW) {
            List<HostileCorpus.Message> window = corpus.subList(from, Math.min(corpus.size(), from + WINDOW));
            if (sendAndProbe(proxy, window, sentTo)) {
                continue;
            }
            proxy.close();
            proxy = startProxy(db);
            for (HostileCorpus.Message m : window) {
                if (!sendAndProbe(proxy, List.of(m), sentTo)) {
                    boolean died = proxy.exitedWithin(Duration.ofSeconds(2));
                    String what = "line " + m.index() + " (" + m.kind() + "): " + m.preview() + " -> "
                            + (died ? "the proxy exited " + proxy.exitValue() : "no answer to the next ping within "
                            + PROBE.toSeconds() + " s") + "; stderr: " + ProxyUnderTest.tail(proxy.stderr(), 600).replace('\n', ' ');
                    (died ? crashes : hangs).add(what);
                    proxy.close();
                    proxy = startProxy(db);
                }
            }
        }
        proxy.closeStdin();
        int exit = proxy.waitFor(WAIT);
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;

        // What the agent got.
        long badStdout = 0;
        List<String> badStdoutSamples = new ArrayList<>();
        for (ProxyUnderTest p : proxies) {
            badStdout += p.badStdoutLines().size();
            p.badStdoutLines().stream().limit(3).forEach(badStdoutSamples::add);
        }
        List<String> unanswered = new ArrayList<>();
        List<String> internalErrors = new ArrayList<>();
        List<String> logUnavailable = new ArrayList<>();
        List<String> notUtf8Answered = new ArrayList<>();
        for (HostileCorpus.Message m : corpus) {
            ProxyUnderTest p = sentTo.get(m.index());
            if (!m.expect().validUtf8() && p.answers().containsKey(Integer.toString(1_000_000 + m.index()))) {
                notUtf8Answered.add("line " + m.index() + " (" + m.kind() + "): " + m.preview() + " -> "
                        + Rig.text(p.answers().get(Integer.toString(1_000_000 + m.index()))));
            }
            String idText = m.expect().answerId();
            if (idText != null) {
                JsonNode a = p.answers().get(idText);
                if (a == null) {
                    unanswered.add("line " + m.index() + " (" + m.kind() + "): " + m.preview());
                } else if (a.at("/error/message").asText().startsWith("Internal error in mcp-audit-proxy")) {
                    internalErrors.add("line " + m.index() + " (" + m.kind() + "): " + m.preview() + " -> "
                            + a.at("/error/message").asText());
                } else if (Rig.text(a).contains("the audit log is unavailable")) {
                    logUnavailable.add("line " + m.index() + " (" + m.kind() + "): " + m.preview() + " -> " + Rig.text(a));
                }
            }
        }

        // What upstream got, and who signed it.
        Map<Integer, HostileCorpus.Message> byIndex = new TreeMap<>();
        corpus.forEach(m -> byIndex.put(m.index(), m));
        long outsideAllowlist = 0;
        long unsigned = 0;
        long invalidSignature = 0;
        List<String> routing = new ArrayList<>();
        List<String> notUtf8Executed = new ArrayList<>();
        List<String> notOneValueExecuted = new ArrayList<>();
        List<String> refusedReached = new ArrayList<>();
        List<String> callsAsNotifications = new ArrayList<>();
        for (FakeAwsMcpServer.Received r : rig.upstream.received()) {
            if (r.accessKeyId() == null) {
                unsigned++;
            } else if (!Rig.allowedKeys().contains(r.accessKeyId())) {
                outsideAllowlist++;
                routing.add("signed with " + r.accessKeyId() + ": " + r.httpMethod() + " " + r.jsonRpcMethod() + " "
                        + preview(r.body()));
            }
            if (!r.signatureValid()) {
                invalidSignature++;
            }
            if (r.isNotification() && RECORDED_METHODS.contains(r.jsonRpcMethod())) {
                callsAsNotifications.add(r.jsonRpcMethod() + " without an id, signed with " + r.accessKeyId() + ": "
                        + preview(r.body()));
                continue;
            }
            if (!"tools/call".equals(r.jsonRpcMethod())) {
                continue;
            }
            Matcher mk = MARKER.matcher(r.body());
            if (!mk.find()) {
                continue;
            }
            HostileCorpus.Message m = byIndex.get(Integer.parseInt(mk.group(1)));
            if (m == null) {
                continue; // a line of another run (the fake is shared by the tests of this class)
            }
            int index = m.index();
            HostileCorpus.Expect e = m.expect();
            String where = "line " + index + " (" + m.kind() + "): " + m.preview();
            if (!e.validUtf8()) {
                notUtf8Executed.add(where);
            } else if ("refused".equals(e.route())) {
                refusedReached.add(where + " -> signed with " + r.accessKeyId());
            } else if (e.mustNotReachUpstream()) {
                notOneValueExecuted.add(where);
            } else if (e.route() != null) {
                String want = e.route().equals("prod") ? Rig.PROD.accessKeyId() : Rig.DEV.accessKeyId();
                if (!want.equals(r.accessKeyId())) {
                    routing.add(where + " -> signed with " + r.accessKeyId() + ", expected " + e.route());
                }
            }
        }
        LogView log = LogView.of(db);

        printFindings("crashes", crashes);
        printFindings("hangs", hangs);
        printFindings("non-JSON stdout lines", badStdoutSamples);
        printFindings("requests owed an answer that got none", unanswered);
        printFindings("internal errors", internalErrors);
        printFindings("audit log unavailable", logUnavailable);
        printFindings("routing", routing);
        printFindings("not UTF-8, yet executed", notUtf8Executed);
        printFindings("not UTF-8, yet answered as a request", notUtf8Answered);
        printFindings("not one JSON value, yet executed", notOneValueExecuted);
        printFindings("refused aws_profile reached upstream", refusedReached);
        printFindings("calls sent as notifications, forwarded upstream unrecorded", callsAsNotifications);

        Figures figures = new Figures(scenario);
        if (minimumLines > 0) {
            figures.atLeast("lines sent", corpus.size(), minimumLines);
        } else {
            figures.info("lines sent", corpus.size());
        }
        figures
                .info("kinds of lines", kinds.toString())
                .equal("crashes (the proxy exited)", crashes.size(), 0)
                .equal("hangs (no answer to the next ping)", hangs.size(), 0)
                .equal("non-JSON stdout lines", badStdout, 0)
                .equal("requests signed outside the allowlist", outsideAllowlist, 0)
                .equal("requests routed to another profile than the one asked", routing.size() - outsideAllowlist, 0)
                .equal("unsigned requests", unsigned, 0)
                .equal("requests upstream found wrongly signed", invalidSignature, 0)
                .equal("refused aws_profile values that reached upstream", refusedReached.size(), 0)
                .equal("lines not UTF-8 that were executed", notUtf8Executed.size(), 0)
                .equal("lines not UTF-8 answered as requests, not with a parse error", notUtf8Answered.size(), 0)
                .equal("lines not one JSON value that were executed", notOneValueExecuted.size(), 0)
                .equal("calls without an id (notifications) forwarded upstream unrecorded", callsAsNotifications.size(), 0)
                .equal("requests owed an answer that got none", unanswered.size(), 0)
                .equal("answers that are internal errors", internalErrors.size(), 0)
                .equal("calls refused because the log became unavailable", logUnavailable.size(), 0)
                .info("tool calls that reached upstream", rig.upstream.toolCalls().size())
                .info("calls in the log", log.calls().size())
                .equal("chain verifies", log.verification().intact() ? 1 : 0, 1)
                .equal("last proxy's exit code", exit, 0)
                .info("seconds", seconds);
        return figures;
    }

    /** Sends the lines, then a ping; whether the ping was answered. */
    private boolean sendAndProbe(ProxyUnderTest proxy, List<HostileCorpus.Message> lines, Map<Integer, ProxyUnderTest> sentTo)
            throws Exception {
        String probe = "\"probe-" + lines.get(lines.size() - 1).index() + "-" + System.nanoTime() + "\"";
        try {
            for (HostileCorpus.Message m : lines) {
                sentTo.put(m.index(), proxy);
                proxy.sendRaw(m.line());
            }
            proxy.send("{\"jsonrpc\":\"2.0\",\"id\":" + probe + ",\"method\":\"ping\"}");
        } catch (IOException e) {
            return false; // the pipe broke: the proxy is gone
        }
        return proxy.awaitAnswer(probe, PROBE) != null;
    }

    private ProxyUnderTest startProxy(Path db) throws Exception {
        ProxyUnderTest p = rig.start(db);
        proxies.add(p);
        p.initialize(1, WAIT);
        p.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return p;
    }

    private static void printFindings(String what, List<String> findings) {
        if (!findings.isEmpty()) {
            System.out.println("[reliability] hostile-input " + what + " (" + findings.size() + "):");
            findings.stream().limit(15).forEach(f -> System.out.println("  " + f));
        }
    }

    private static String preview(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
