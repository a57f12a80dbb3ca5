package dev.mcpaudit.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several proxies (one per agent window) share one log file: real OS processes append to it at the
 * same time, and the result must still be one linear, gapless, verifiable chain that lost nothing
 * and kept each writer's own order.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MultiProcessAppendTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PER_WORKER = 300;

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void threeProcessesAndThisJvmAppendingAtOnceFormOneGaplessChainThatLosesNothing() throws Exception {
        Path db = dir.resolve("audit.db");
        Path go = dir.resolve("go");
        List<String> workerSessions = List.of("proc-a", "proc-b", "proc-c");
        List<String> jvmSessions = List.of("jvm-x", "jvm-y");

        try (AuditLog log = AuditLog.openForAppend(db)) {
            List<Process> workers = new ArrayList<>();
            for (String session : workerSessions) {
                workers.add(startWorker(db, session, PER_WORKER, go));
            }
            for (int w = 0; w < workers.size(); w++) {
                awaitReady(workers.get(w), workerSessions.get(w));
            }

            Files.createFile(go);
            List<CompletableFuture<Void>> local = new ArrayList<>();
            for (String session : jvmSessions) {
                local.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < PER_WORKER; i++) {
                        log.appender().append(NewEvent.now(EventType.CALL_REQUESTED, session, session + "-" + i,
                                JSON.createObjectNode().put("i", i)));
                    }
                }));
            }
            for (int w = 0; w < workers.size(); w++) {
                awaitSuccess(workers.get(w), workerSessions.get(w));
            }
            CompletableFuture.allOf(local.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }

        int total = (workerSessions.size() + jvmSessions.size()) * PER_WORKER;
        AuditLog reader = AuditLog.openReadOnly(db);
        VerificationReport report = ChainVerifier.verify(reader);
        assertThat(report.problems()).isEmpty();
        assertThat(report.intact()).isTrue();
        assertThat(report.eventsChecked()).isEqualTo(total);
        assertThat(report.firstSeq()).isEqualTo(1);
        assertThat(report.lastSeq()).isEqualTo(total);

        List<Long> seqs = reader.jdbi().withHandle(h ->
                h.createQuery("SELECT seq FROM events ORDER BY seq").mapTo(Long.class).list());
        assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());

        Map<String, Integer> perSession = reader.jdbi().withHandle(h ->
                h.createQuery("SELECT session_id, count(*) FROM events GROUP BY session_id")
                        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2)))
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        Map<String, Integer> expected = new HashMap<>();
        workerSessions.forEach(s -> expected.put(s, PER_WORKER));
        jvmSessions.forEach(s -> expected.put(s, PER_WORKER));
        assertThat(perSession).isEqualTo(expected);

        // Each writer's events appear in the order it appended them.
        Map<String, List<Integer>> orderBySession = new LinkedHashMap<>();
        Map<String, long[]> seqRange = new HashMap<>();
        reader.jdbi().useHandle(h -> h.createQuery(
                        "SELECT seq, session_id, json_extract(payload, '$.i') FROM events ORDER BY seq")
                .map((rs, ctx) -> new Object[] {rs.getLong(1), rs.getString(2), rs.getInt(3)})
                .forEach(row -> {
                    String session = (String) row[1];
                    orderBySession.computeIfAbsent(session, s -> new ArrayList<>()).add((Integer) row[2]);
                    long seq = (Long) row[0];
                    seqRange.merge(session, new long[] {seq, seq}, (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
                }));
        List<Integer> inOrder = IntStream.range(0, PER_WORKER).boxed().toList();
        orderBySession.forEach((session, is) ->
                assertThat(is).as("payload i of session %s in seq order", session).containsExactlyElementsOf(inOrder));

        // The processes really wrote at the same time: some two processes' events interleave.
        List<String> oneSessionPerProcess = new ArrayList<>(workerSessions);
        oneSessionPerProcess.add(jvmSessions.get(0));
        assertThat(anyOverlap(oneSessionPerProcess, seqRange))
                .as("seq ranges per process %s", describe(seqRange))
                .isTrue();
    }

    @Test
    void processesThatCreateTheSameNewLogAtOnceAgreeOnOneLog() throws Exception {
        Path db = dir.resolve("fresh").resolve("audit.db");
        Path go = dir.resolve("go");
        List<String> sessions = List.of("first-a", "first-b", "first-c");
        List<Process> workers = new ArrayList<>();
        for (String session : sessions) {
            workers.add(startWorker(db, session, 20, go));
        }
        for (int w = 0; w < workers.size(); w++) {
            awaitReady(workers.get(w), sessions.get(w));
        }
        Files.createFile(go);
        for (int w = 0; w < workers.size(); w++) {
            awaitSuccess(workers.get(w), sessions.get(w));
        }

        AuditLog reader = AuditLog.openReadOnly(db);
        VerificationReport report = ChainVerifier.verify(reader);
        assertThat(report.problems()).isEmpty();
        assertThat(report.eventsChecked()).isEqualTo(60);
        int logIds = reader.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM log_meta WHERE key = 'log_id'")
                .mapTo(Integer.class).one());
        assertThat(logIds).isEqualTo(1);
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
                var st = c.createStatement();
                var rs = st.executeQuery("PRAGMA user_version")) {
            assertThat(rs.getInt(1)).isEqualTo(SchemaMigrations.LATEST);
        }
    }

    private Process startWorker(Path db, String session, int count, Path go) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"),
                        "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                        AppendWorker.class.getName(),
                        db.toString(), session, Integer.toString(count), go.toString())
                .redirectError(dir.resolve(session + ".stderr").toFile());
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private void awaitReady(Process p, String session) {
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).as("worker %s announces it is ready; its stderr:%n%s", session,
                    Files.readString(dir.resolve(session + ".stderr"))).isEqualTo("ready");
        } catch (IOException e) {
            throw new AssertionError("worker did not start: " + e, e);
        }
    }

    private void awaitSuccess(Process p, String session) throws Exception {
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("worker %s finished in time", session).isTrue();
        assertThat(p.exitValue())
                .as("exit code of worker %s; its stderr:%n%s", session,
                        Files.readString(dir.resolve(session + ".stderr")))
                .isZero();
    }

    private static boolean anyOverlap(List<String> sessions, Map<String, long[]> range) {
        for (int a = 0; a < sessions.size(); a++) {
            for (int b = a + 1; b < sessions.size(); b++) {
                long[] x = range.get(sessions.get(a));
                long[] y = range.get(sessions.get(b));
                if (x[0] < y[1] && y[0] < x[1]) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String describe(Map<String, long[]> range) {
        return range.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()[0] + ".." + e.getValue()[1])
                .sorted()
                .collect(Collectors.joining(", "));
    }
}
