package dev.mcpaudit.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.fixtures.AwsProfileFiles;
import dev.mcpaudit.fixtures.AwsProfileFiles.ProfileSpec;
import dev.mcpaudit.fixtures.FakeAwsMcpServer;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.CanonicalJson;
import dev.mcpaudit.schema.ChainVerifier;
import dev.mcpaudit.schema.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The audit log failing under a running proxy: a newer schema, an unwritable location, a full disk, a
 * lock held past the busy timeout, fail-open, and a SIGKILL with calls in flight. Fail-closed means the
 * call is not sent and the agent is told why; nothing that happens may leave a call that went upstream
 * missing from the log, or a log that no longer verifies.
 */
class AuditFailureIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ProfileSpec DEV = new ProfileSpec("dev", "AKIADEVDEVDEVDEV0001", "devsecret", null, "us-east-1");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String UNAVAILABLE = "the audit log is unavailable";
    /** Each call's cli_command carries "req-<jsonrpc id>-end", so upstream's view can be matched to the log's. */
    private static final Pattern MARKER = Pattern.compile("req-(\\d+)-end");

    @TempDir
    Path dir;

    FakeAwsMcpServer upstream;
    Map<String, String> env;
    ProxyProcess proxy;

    @BeforeEach
    void start() {
        AwsProfileFiles profiles = AwsProfileFiles.write(dir.resolve("aws"), List.of(DEV));
        upstream = FakeAwsMcpServer.forProfiles(List.of(DEV), "aws-mcp", "us-east-1");
        env = new HashMap<>();
        profiles.applyTo(env);
        env.put("HOME", dir.toString());
        env.putAll(upstream.stsEnvironment());
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        upstream.close();
    }

    // ---------------------------------------------------------------- fail-closed

    @Test
    void aLogWithANewerSchemaRefusesCallsAndIsLeftByteForByteUntouched() throws Exception {
        Path db = newerSchemaLog();
        String hashBefore = sha256(db);
        Set<String> filesBefore = filesBeside(db);

        startProxy(null, db);
        JsonNode refused = callAws(2, "aws s3 ls");
        assertThat(exit()).isZero();

        assertRefusedBecauseUnavailable(refused);
        assertThat(text(refused)).contains("schema version 99").contains("newer mcp-audit-proxy");
        assertThat(upstream.toolCalls()).as("a call that could not be recorded must not go upstream").isEmpty();
        assertThat(sha256(db)).as("the newer-schema log must not be modified").isEqualTo(hashBefore);
        assertThat(filesBeside(db)).as("nothing created or left beside it (-wal, -shm, journal)").isEqualTo(filesBefore);
    }

    @Test
    void anUnwritableLocationRefusesCallsAndTheProxyKeepsServing() throws Exception {
        Path db = Path.of("/proc/mcp-audit-test/audit.db"); // /proc cannot hold new files, even for root

        startProxy(null, db);
        JsonNode refused = callAws(2, "aws s3 ls");
        JsonNode tools = request(3, "tools/list", "{}");
        JsonNode refusedAgain = callAws(4, "aws s3 ls again");

        assertRefusedBecauseUnavailable(refused);
        assertThat(text(refused)).contains(db.toString());
        assertRefusedBecauseUnavailable(refusedAgain);
        assertThat(tools.at("/result/tools").size()).as("tools/list still works: %s", tools).isEqualTo(4);
        assertThat(upstream.toolCalls()).isEmpty();
    }

    /**
     * A full disk, simulated with RLIMIT_FSIZE: HotSpot ignores SIGXFSZ, so writes past the limit fail
     * with EFBIG instead of killing the JVM, and SQLite sees a failed write, as on a full disk.
     */
    @Test
    void whenTheLogCannotGrowCallsAreRefusedAndTheLogStillVerifies() throws Exception {
        Path db = dir.resolve("full").resolve("audit.db");
        // 4096 blocks: 2 MiB with the 512-byte blocks of POSIX sh (dash, bash as sh), 4 MiB with 1 KiB ones.
        // Room for the 1.1 MB native library sqlite-jdbc extracts at start, and below the WAL's 1000-page
        // auto-checkpoint (~4 MB), so the WAL is what hits the limit.
        startProxy("ulimit -f 4096", db);
        String padding = "lorem ipsum dolor sit amet ".repeat(8_000); // ~216 KB in each call.requested

        List<Integer> succeeded = new ArrayList<>();
        JsonNode refused = null;
        int refusedId = -1;
        for (int id = 2; id < 60 && refused == null; id++) {
            proxy.send(toolsCall(id, "aws s3 cp notes.txt s3://bucket/ " + marker(id), padding));
            JsonNode answer = proxy.readResponse(id, WAIT);
            if (answer.at("/result/isError").asBoolean()) {
                refused = answer;
                refusedId = id;
            } else {
                succeeded.add(id);
            }
        }
        String stderrWhileRunning = proxy.stderr();
        proxy.closeStdin();
        int exitCode = proxy.waitFor(WAIT);

        assertThat(exitCode).as("the JVM survived writes past RLIMIT_FSIZE and exited normally").isZero();
        assertThat(refused).as("the log stopped growing within 58 calls of ~216 KB; stderr:\n%s", stderrWhileRunning)
                .isNotNull();
        assertThat(succeeded).as("calls were recorded before the limit was reached").isNotEmpty();
        assertRefusedBecauseUnavailable(refused);
        assertThat(upstreamIds()).as("the refused call did not go upstream").doesNotContain(refusedId)
                .containsAll(succeeded);
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            VerificationReport report = ChainVerifier.verify(log);
            assertThat(report.intact()).as("chain problems: %s", report.problems()).isTrue();
            Map<Integer, String> requested = requestedCallIds(log);
            assertThat(requested.keySet()).as("every call that went upstream is in the log")
                    .containsAll(upstreamIds()).doesNotContain(refusedId);
        }
    }

    @Test
    void aLogLockedPastTheBusyTimeoutRefusesTheCallAndRecoversWithoutARestart() throws Exception {
        Path db = dir.resolve("locked").resolve("audit.db");
        startProxy(null, db);
        assertThat(callAws(2, "aws s3 ls").at("/result/isError").asBoolean()).as("recorded before the lock").isFalse();

        JsonNode refused;
        long refusedAfterMs;
        try (Connection lock = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = lock.createStatement()) {
            st.execute("BEGIN EXCLUSIVE");
            long t0 = System.nanoTime();
            refused = callAws(3, "aws s3 ls while-locked");
            refusedAfterMs = (System.nanoTime() - t0) / 1_000_000;
            st.execute("ROLLBACK");
        }
        JsonNode recovered = callAws(4, "aws s3 ls after-unlock");
        assertThat(exit()).isZero();

        assertRefusedBecauseUnavailable(refused);
        assertThat(text(refused)).contains("locked");
        assertThat(refusedAfterMs).as("refused once the 5 s busy timeout ran out, not before, not much later")
                .isBetween(4_500L, 12_000L);
        assertThat(recovered.at("/result/isError").asBoolean()).as("after the lock is gone: %s", recovered).isFalse();
        assertThat(upstreamIds()).containsExactly(2, 4);
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            assertThat(ChainVerifier.verify(log).intact()).isTrue();
            Map<Integer, String> requested = requestedCallIds(log);
            assertThat(requested.keySet()).containsExactlyInAnyOrder(2, 4);
            Map<String, String> outcomes = outcomesByCallId(log);
            assertThat(outcomes.get(requested.get(4))).isEqualTo("ok");
            assertThat(resultShaOf(log, requested.get(4))).isEqualTo(CanonicalJson.sha256Hex(recovered.get("result")));
        }
    }

    /**
     * The log refuses the completion of a call that is already upstream (here: locked past the busy
     * timeout). The agent still gets its answer; the completion waits in memory and is written, marked
     * as recorded late and why, as soon as the log accepts writes again, with no further call needed.
     */
    @ParameterizedTest
    @ValueSource(strings = {"closed", "open"})
    void aCompletionTheLogRefusesIsRecordedLateOnceTheLogAcceptsWritesAgain(String failureMode) throws Exception {
        Path db = dir.resolve("late-" + failureMode).resolve("audit.db");
        startProxy(null, db, "--audit-failure", failureMode);
        proxy.send(toolsCall(2, "aws s3 ls slow:1000 " + marker(2)));
        upstream.await(r -> String.valueOf(r.cliCommand()).contains(marker(2)), WAIT);

        JsonNode answered;
        try (Connection lock = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = lock.createStatement()) {
            st.execute("BEGIN EXCLUSIVE");
            answered = proxy.readResponse(2, WAIT); // after the completion's append gave up
            st.execute("ROLLBACK");
        }
        String lateCompletion = awaitCompletionPayload(db, Duration.ofSeconds(10));
        assertThat(exit()).isZero();

        assertThat(answered.at("/result/isError").asBoolean()).as("the agent gets upstream's answer: %s", answered).isFalse();
        assertThat(proxy.stderr()).contains("1 event(s) wait in memory to be recorded once the audit log accepts writes again");
        JsonNode completion = JSON.readTree(lateCompletion);
        assertThat(completion.path("recorded_late").asBoolean()).isTrue();
        assertThat(completion.path("late_reason").asText()).contains("locked");
        assertThat(completion.path("outcome").asText()).isEqualTo("ok");
        assertThat(completion.path("result_sha256").asText()).isEqualTo(CanonicalJson.sha256Hex(answered.get("result")));
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            assertThat(ChainVerifier.verify(log).intact()).isTrue();
            assertThat(outcomesByCallId(log).values()).containsExactly("ok");
            int recordedLate = log.jdbi().withHandle(h -> h.createQuery("SELECT json_extract(payload,"
                    + " '$.events_recorded_late') FROM events WHERE type = 'session.ended'").mapTo(Integer.class).one());
            assertThat(recordedLate).isEqualTo(1);
        }
    }

    /** The completion's payload once it is in the log, polled while the proxy runs. */
    private static String awaitCompletionPayload(Path db, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (AuditLog log = AuditLog.openReadOnly(db)) {
                List<String> found = log.jdbi().withHandle(h -> h.createQuery(
                        "SELECT payload FROM events WHERE type = 'call.completed'").mapTo(String.class).list());
                if (!found.isEmpty()) {
                    return found.get(0);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no call.completed within " + timeout);
            }
            Thread.sleep(100);
        }
    }

    /**
     * The log's location becomes usable only after the proxy started: the run's session.started and
     * client.initialized still reach the log, late and first, ahead of the first call recorded.
     */
    @Test
    void aLogThatBecomesWritableLaterStillRecordsTheSessionStartFirst() throws Exception {
        Path blocker = dir.resolve("not-yet");
        Files.writeString(blocker, "a file where the log's directory belongs");
        Path db = blocker.resolve("audit.db");
        startProxy(null, db);
        JsonNode refused = callAws(2, "aws s3 ls");

        Files.delete(blocker);
        Files.createDirectory(blocker);
        JsonNode recorded = callAws(3, "aws s3 ls");
        assertThat(exit()).isZero();

        assertRefusedBecauseUnavailable(refused);
        assertThat(recorded.at("/result/isError").asBoolean()).as("%s", recorded).isFalse();
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            assertThat(ChainVerifier.verify(log).intact()).isTrue();
            List<Map<String, Object>> events = log.jdbi().withHandle(h -> h.createQuery(
                    "SELECT type, json_extract(payload, '$.recorded_late') AS late FROM events ORDER BY seq").mapToMap().list());
            assertThat(events).extracting(e -> e.get("type")).containsExactly("session.started", "client.initialized",
                    "call.requested", "call.completed", "session.ended");
            assertThat(events.get(0).get("late")).isEqualTo(1);
        }
    }

    /**
     * SQLite's native library cannot be loaded (sqlite-jdbc extracts it to a temp directory, which
     * may be unwritable or mounted noexec): the log is unavailable like any other, so every call must
     * still be answered, refused, rather than left without an answer.
     */
    @Test
    void whenSqliteCannotLoadItsNativeLibraryEveryCallIsStillAnsweredAndRefused() throws Exception {
        Path db = dir.resolve("nolib").resolve("audit.db");
        env.put("JAVA_TOOL_OPTIONS", "-Dorg.sqlite.tmpdir=/proc/mcp-audit-test-native");

        startProxy(null, db);
        // The first attempt to open the log (session.started, at start-up) fails with an SQLException;
        // sqlite-jdbc then reports every later attempt as an UnsatisfiedLinkError, an Error.
        Duration refusalIsQuick = Duration.ofSeconds(10);
        proxy.send(toolsCall(2, "aws s3 ls " + marker(2)));
        JsonNode first = proxy.readResponse(2, refusalIsQuick);
        proxy.send(toolsCall(3, "aws s3 ls again " + marker(3)));
        JsonNode second = proxy.readResponse(3, refusalIsQuick);

        assertRefusedBecauseUnavailable(first);
        assertRefusedBecauseUnavailable(second);
        assertThat(upstream.toolCalls()).isEmpty();
    }

    // ---------------------------------------------------------------- fail-open

    @Test
    void failOpenForwardsEveryCallAndSaysSoOnceOnStderr() throws Exception {
        Path db = newerSchemaLog();
        String hashBefore = sha256(db);

        startProxy(null, db, "--audit-failure", "open");
        List<JsonNode> answers = new ArrayList<>();
        for (int id = 2; id <= 4; id++) {
            answers.add(callAws(id, "aws s3 ls open-" + id));
        }
        assertThat(exit()).isZero();

        assertThat(answers).allSatisfy(a -> {
            assertThat(a.at("/result/isError").asBoolean()).as("%s", a).isFalse();
            assertThat(text(a)).startsWith("ran: aws s3 ls open-");
        });
        assertThat(upstreamIds()).containsExactly(2, 3, 4);
        String stderr = proxy.stderr();
        assertThat(countOccurrences(stderr, "WITHOUT being recorded")).as("stderr:\n%s", stderr).isEqualTo(1);
        assertThat(sha256(db)).as("fail-open does not touch the newer-schema log either").isEqualTo(hashBefore);
    }

    // ---------------------------------------------------------------- crash

    @Test
    void aSigkillWithCallsInFlightLeavesAnIntactLogWithEveryAnsweredCallCompletedAndTheRestIncomplete()
            throws Exception {
        Path db = dir.resolve("killed").resolve("audit.db");
        startProxy(null, db);
        int calls = 16;
        Map<Integer, Integer> delayById = new HashMap<>();
        for (int i = 0; i < calls; i++) {
            // Half answer after 100-730 ms, half after 2500-3130 ms: the kill lands in the gap between them.
            int delay = i < calls / 2 ? 100 + 90 * i : 2500 + 90 * (i - calls / 2);
            delayById.put(100 + i, delay);
        }
        List<Integer> order = new ArrayList<>(delayById.keySet());
        Collections.shuffle(order, new Random(7));
        for (int id : order) {
            proxy.send(toolsCall(id, "aws s3 ls slow:" + delayById.get(id) + " " + marker(id)));
        }
        Map<Integer, JsonNode> answered = new HashMap<>();
        while (answered.size() < calls / 2) {
            JsonNode m = proxy.read(WAIT);
            if (m.has("id") && !m.has("method")) {
                answered.put(m.get("id").asInt(), m);
            }
        }
        proxy.close(); // SIGKILL
        assertThat(proxy.waitFor(WAIT)).as("killed, not exited").isNotZero();
        List<Integer> reachedUpstream = upstreamIds();

        assertThat(answered.values()).allSatisfy(a -> assertThat(a.at("/result/isError").asBoolean()).isFalse());
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            VerificationReport report = ChainVerifier.verify(log);
            assertThat(report.intact()).as("chain problems: %s", report.problems()).isTrue();

            Map<Integer, String> requested = requestedCallIds(log);
            Map<String, String> outcomes = outcomesByCallId(log);
            assertThat(delayById.keySet()).containsAll(requested.keySet());
            assertThat(requested.keySet()).as("every call that went upstream was recorded first")
                    .containsAll(reachedUpstream);
            for (Map.Entry<Integer, JsonNode> a : answered.entrySet()) {
                String callId = requested.get(a.getKey());
                assertThat(callId).as("call.requested for answered id %s", a.getKey()).isNotNull();
                assertThat(completedCallIds(log)).as("call.completed for answered id %s", a.getKey()).contains(callId);
                assertThat(outcomes.get(callId)).isEqualTo("ok");
                assertThat(resultShaOf(log, callId)).isEqualTo(CanonicalJson.sha256Hex(a.getValue().get("result")));
            }
            Set<String> completed = completedCallIds(log);
            Set<String> notCompleted = requested.values().stream().filter(c -> !completed.contains(c))
                    .collect(Collectors.toSet());
            assertThat(outcomes.keySet()).as("one calls row per call.requested").isEqualTo(Set.copyOf(requested.values()));
            assertThat(outcomes.values()).as("no call without an outcome").doesNotContainNull();
            assertThat(notCompleted).as("the kill left calls in flight").isNotEmpty();
            for (String callId : requested.values()) {
                assertThat(outcomes.get(callId)).as("outcome of %s", callId)
                        .isEqualTo(notCompleted.contains(callId) ? "incomplete" : "ok");
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A real log, then stamped with schema version 99 as a future proxy would. */
    private Path newerSchemaLog() throws Exception {
        Path db = dir.resolve("newer").resolve("audit.db");
        AuditLog.openForAppend(db).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("PRAGMA user_version = 99");
        }
        assertThat(Files.exists(Path.of(db + "-wal"))).as("checkpointed and closed").isFalse();
        return db;
    }

    private void startProxy(String shellPrefix, Path db, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(upstream.endpoint().toString(), "--service", "aws-mcp",
                "--region", "us-east-1", "--profile", "dev", "--audit-db", db.toString()));
        args.addAll(List.of(extra));
        proxy = new ProxyProcess(shellPrefix, args, env);
        request(1, "initialize", "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"Test Agent\",\"version\":\"9.9\"}}");
    }

    private JsonNode request(int id, String method, String params) throws Exception {
        proxy.send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}");
        return proxy.readResponse(id, WAIT);
    }

    private JsonNode callAws(int id, String cliCommand) throws Exception {
        proxy.send(toolsCall(id, cliCommand + " " + marker(id)));
        return proxy.readResponse(id, WAIT);
    }

    private static String toolsCall(int id, String cliCommand) {
        return toolsCall(id, cliCommand, null);
    }

    /** A tools/call of aws___call_aws; {@code padding}, if given, is an extra argument that makes it big. */
    private static String toolsCall(int id, String cliCommand, String padding) {
        ObjectNode params = JSON.createObjectNode().put("name", "aws___call_aws");
        ObjectNode arguments = params.putObject("arguments").put("cli_command", cliCommand);
        if (padding != null) {
            arguments.put("padding", padding);
        }
        ObjectNode request = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", "tools/call");
        request.set("params", params);
        return request.toString();
    }

    private static String marker(int id) {
        return "req-" + id + "-end";
    }

    private int exit() throws Exception {
        proxy.closeStdin();
        return proxy.waitFor(WAIT);
    }

    /** The JSON-RPC ids of the tools/call requests upstream received, in arrival order. */
    private List<Integer> upstreamIds() {
        List<Integer> ids = new ArrayList<>();
        for (FakeAwsMcpServer.Received r : upstream.toolCalls()) {
            Matcher m = MARKER.matcher(String.valueOf(r.cliCommand()));
            if (m.find()) {
                ids.add(Integer.parseInt(m.group(1)));
            }
        }
        return ids;
    }

    private static void assertRefusedBecauseUnavailable(JsonNode answer) {
        assertThat(answer.has("result")).as("a tool result, not a JSON-RPC error: %s", answer).isTrue();
        assertThat(answer.at("/result/isError").asBoolean()).as("%s", answer).isTrue();
        assertThat(text(answer)).contains("was not sent").contains(UNAVAILABLE).contains("--audit-failure open");
    }

    private static String text(JsonNode answer) {
        return answer.at("/result/content/0/text").asText();
    }

    /** jsonrpc_id of each call.requested → its call_id (a repeated id would be a bug, so it fails). */
    private static Map<Integer, String> requestedCallIds(AuditLog log) {
        List<Map<String, Object>> rows = log.jdbi().withHandle(h -> h.createQuery(
                "SELECT json_extract(payload, '$.jsonrpc_id') AS id, call_id FROM events"
                        + " WHERE type = 'call.requested' ORDER BY seq").mapToMap().list());
        Map<Integer, String> byId = new HashMap<>();
        for (Map<String, Object> r : rows) {
            String previous = byId.put(((Number) r.get("id")).intValue(), (String) r.get("call_id"));
            assertThat(previous).as("jsonrpc_id %s recorded twice", r.get("id")).isNull();
        }
        return byId;
    }

    private static Set<String> completedCallIds(AuditLog log) {
        List<String> ids = log.jdbi().withHandle(h -> h.createQuery(
                "SELECT call_id FROM events WHERE type = 'call.completed'").mapTo(String.class).list());
        return new TreeSet<>(ids);
    }

    private static Map<String, String> outcomesByCallId(AuditLog log) {
        Map<String, String> out = new HashMap<>();
        log.jdbi().useHandle(h -> h.createQuery("SELECT call_id, outcome FROM calls").mapToMap().list()
                .forEach(r -> out.put((String) r.get("call_id"), (String) r.get("outcome"))));
        return out;
    }

    private static String resultShaOf(AuditLog log, String callId) {
        return log.jdbi().withHandle(h -> h.createQuery("SELECT json_extract(payload, '$.result_sha256') FROM events"
                + " WHERE type = 'call.completed' AND call_id = :c").bind("c", callId).mapTo(String.class).one());
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static Set<String> filesBeside(Path db) throws Exception {
        try (Stream<Path> files = Files.list(db.getParent())) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static int countOccurrences(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
            n++;
        }
        return n;
    }
}
