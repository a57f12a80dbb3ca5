package dev.mcpaudit.proxy.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four proxies (four agent windows) append to one log file at once, with eight calls in flight each,
 * while readers query it (a reviewer's read-only queries, the chain verifier, and {@code audit-cli
 * verify} when its jar is built): every acknowledged call is completed in the log, every call made is
 * requested in it, nobody sees an error, and the chain verifies.
 *
 * <p>Size: {@code -Dreliability.writerCalls} calls per proxy (40 by default, 500 under -Preliability).
 */
class ManyWritersIT {
    private static final int WRITERS = 4;
    private static final int WINDOW = 8;
    private static final Duration WAIT = Duration.ofSeconds(60);
    static final Path AUDIT_CLI_JAR = Path.of("..", "audit-cli", "target", "audit-cli.jar");

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
    void fourProxiesAndReadersOnOneLogLoseNothingAndTheChainVerifies() throws Exception {
        int perWriter = Figures.size("writerCalls", 40);
        Path db = dir.resolve("shared").resolve("audit.db");
        for (int w = 0; w < WRITERS; w++) {
            proxies.add(rig.start(db));
        }
        for (int w = 0; w < WRITERS; w++) {
            proxies.get(w).send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                    + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"writer-" + w + "\",\"version\":\"1\"}}}");
        }
        for (ProxyUnderTest p : proxies) {
            p.answer(1, WAIT);
        }
        // The proxies open the log once initialize is answered; until the first has created its schema,
        // a reader finds no log or an empty file. The writers start once a reader can read it.
        long creating = System.nanoTime();
        long refusedWhileCreating = 0;
        while (true) {
            try {
                LogView.verify(db);
                break;
            } catch (RuntimeException e) {
                refusedWhileCreating++;
                assertThat(System.nanoTime() - creating).as("log readable within 60 s: %s", e).isLessThan(60_000_000_000L);
                pause(20);
            }
        }
        long creationMs = (System.nanoTime() - creating) / 1_000_000;

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong readerQueries = new AtomicLong();
        AtomicLong readerErrors = new AtomicLong();

        AtomicLong countWentBack = new AtomicLong();
        AtomicLong verifications = new AtomicLong();
        AtomicLong verifyFailures = new AtomicLong();
        AtomicLong cliRuns = new AtomicLong();
        AtomicLong cliFailures = new AtomicLong();
        List<String> readerFindings = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newCachedThreadPool();
        List<Future<?>> readers = new ArrayList<>();
        readers.add(pool.submit(() -> {
            long last = 0;
            while (writing.get()) {
                try (AuditLog log = AuditLog.openReadOnly(db)) {
                    long n = log.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM calls").mapTo(Long.class).one());
                    log.jdbi().withHandle(h -> h.createQuery("SELECT profile, outcome, count(*) FROM calls GROUP BY 1, 2")
                            .mapToMap().list());
                    if (n < last) {
                        countWentBack.incrementAndGet();
                        readerFindings.add("calls went from " + last + " to " + n);
                    }
                    last = n;
                    readerQueries.incrementAndGet();
                } catch (RuntimeException e) {
                    readerErrors.incrementAndGet();
                    readerFindings.add("query: " + e);
                }
                pause(20);
            }
        }));
        readers.add(pool.submit(() -> {
            while (writing.get()) {
                try {
                    VerificationReport report = LogView.verify(db);
                    verifications.incrementAndGet();
                    if (!report.intact()) {
                        verifyFailures.incrementAndGet();
                        readerFindings.add("verify while writing: " + report.problems());
                    }
                } catch (RuntimeException e) {
                    readerErrors.incrementAndGet();
                    readerFindings.add("verify: " + e);
                }
                pause(50);
            }
        }));
        if (Files.exists(AUDIT_CLI_JAR)) {
            readers.add(pool.submit(() -> {
                while (writing.get()) {
                    try {
                        Process cli = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-jar", AUDIT_CLI_JAR.toString(), "--db", db.toString(), "verify")
                                .redirectErrorStream(true).start();
                        String out = new String(cli.getInputStream().readAllBytes());
                        cli.waitFor(60, TimeUnit.SECONDS);
                        cliRuns.incrementAndGet();
                        if (cli.exitValue() != 0) {
                            cliFailures.incrementAndGet();
                            readerFindings.add("audit-cli verify exit " + cli.exitValue() + ": " + out);
                        }
                    } catch (Exception e) {
                        cliFailures.incrementAndGet();
                        readerFindings.add("audit-cli: " + e);
                    }
                }
            }));
        }

        long t0 = System.nanoTime();
        List<Future<long[]>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            ProxyUnderTest p = proxies.get(w);
            writers.add(pool.submit(() -> {
                Random rnd = new Random(Figures.seed() + writer);
                long errors = 0;
                long slowest = 0;
                for (int first = 0; first < perWriter; first += WINDOW) {
                    int last = Math.min(perWriter, first + WINDOW);
                    long sent = System.nanoTime();
                    for (int i = first; i < last; i++) {
                        int slow = rnd.nextInt(40);
                        String profile = new String[] {null, "dev", "prod"}[rnd.nextInt(3)];
                        p.send(Rig.toolsCall(100 + i, "aws s3 ls slow:" + slow + " mw" + writer + "c" + i + "e", profile));
                    }
                    for (int i = first; i < last; i++) {
                        JsonNode a = p.awaitAnswer(100 + i, WAIT);
                        if (Rig.isToolError(a)) {
                            errors++;
                            readerFindings.add("writer " + writer + " call " + (100 + i) + ": " + Rig.text(a));
                        }
                    }
                    slowest = Math.max(slowest, (System.nanoTime() - sent) / 1_000_000);
                }
                return new long[] {errors, slowest};
            }));
        }
        long errors = 0;
        long slowestWindowMs = 0;
        for (Future<long[]> f : writers) {
            long[] r = f.get(10, TimeUnit.MINUTES);
            errors += r[0];
            slowestWindowMs = Math.max(slowestWindowMs, r[1]);
        }
        long writeMs = (System.nanoTime() - t0) / 1_000_000;
        writing.set(false);
        for (Future<?> r : readers) {
            r.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();
        long exitedNonZero = 0;
        for (ProxyUnderTest p : proxies) {
            p.closeStdin();
        }
        for (ProxyUnderTest p : proxies) {
            exitedNonZero += p.waitFor(WAIT) == 0 ? 0 : 1;
        }

        LogView log = LogView.of(db);
        long made = (long) WRITERS * perWriter;
        long acknowledged = 0;
        long requestedInLog = 0;
        long completedOfAcknowledged = 0;
        // The jsonrpc ids repeat across writers: tell the calls apart by their marker.
        java.util.Map<String, String> callIdByMarker = new java.util.HashMap<>();
        for (LogView.Event e : log.events()) {
            if (e.type().equals("call.requested")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("mw\\d+c\\d+e").matcher(e.payload());
                if (m.find()) {
                    callIdByMarker.put(m.group(), e.callId());
                }
            }
        }
        for (int w = 0; w < WRITERS; w++) {
            for (int i = 0; i < perWriter; i++) {
                String callId = callIdByMarker.get("mw" + w + "c" + i + "e");
                boolean answered = proxies.get(w).hasAnswer(Long.toString(100 + i));
                acknowledged += answered ? 1 : 0;
                requestedInLog += callId != null ? 1 : 0;
                completedOfAcknowledged += answered && log.completed(callId) ? 1 : 0;
            }
        }

        Figures figures = new Figures("many-writers")
                .info("proxies writing", WRITERS)
                .info("calls in flight per proxy", WINDOW)
                .info("calls made", made)
                .equal("acknowledged", acknowledged, made)
                .equal("completions in the log of acknowledged calls", completedOfAcknowledged, acknowledged)
                .equal("call.requested in the log", requestedInLog, made)
                .equal("calls answered with an error", errors, 0)
                .info("reader queries while writing", readerQueries.get())
                .info("ms from the answer to initialize until a reader could read the new log", creationMs)
                .info("reads refused meanwhile (no log yet, or an empty file)", refusedWhileCreating)
                .equal("reader errors", readerErrors.get(), 0)
                .equal("reads that saw fewer calls than the read before", countWentBack.get(), 0)
                .info("chain verifications while writing", verifications.get())
                .equal("verifications while writing that failed", verifyFailures.get(), 0)
                .info("audit-cli verify runs while writing", cliRuns.get())
                .equal("audit-cli verify runs that failed", cliFailures.get(), 0)
                .equal("sessions ended cleanly", log.count("session.ended"), (long) WRITERS)
                .equal("proxies that exited non-zero", exitedNonZero, 0)
                .equal("chain verifies at the end", log.verification().intact() ? 1 : 0, 1)
                .info("calls per second, all writers", made * 1000 / Math.max(1, writeMs))
                .info("slowest window of 8 calls, ms", slowestWindowMs)
                .write();
        assertThat(figures.missed()).as("missed targets; findings:\n%s",
                String.join("\n", readerFindings.subList(0, Math.min(40, readerFindings.size())))).isEmpty();
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
