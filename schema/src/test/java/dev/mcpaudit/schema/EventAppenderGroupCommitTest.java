package dev.mcpaudit.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appender's writer role passes between callers (leader/follower group commit) and a background
 * drainer for {@code appendAsync}: whoever writes, every event is durable before its caller hears
 * back, on one chain, in each caller's order, and a failed batch or a close reaches every caller.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventAppenderGroupCommitTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void synchronousAndAsyncCallersAtOnceFormOneChainInEachCallersOrder() throws Exception {
        int syncCallers = 8;
        int asyncCallers = 2;
        int perCaller = 150;
        try (AuditLog log = AuditLog.openForAppend(dir.resolve("audit.db"))) {
            ExecutorService pool = Executors.newFixedThreadPool(syncCallers + asyncCallers);
            List<CompletableFuture<Void>> callers = new ArrayList<>();
            for (int t = 0; t < syncCallers; t++) {
                String session = "sync-" + t;
                callers.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < perCaller; i++) {
                        log.appender().append(event(session, i));
                    }
                }, pool));
            }
            for (int t = 0; t < asyncCallers; t++) {
                String session = "async-" + t;
                callers.add(CompletableFuture.runAsync(() -> {
                    List<CompletableFuture<AppendedEvent>> inFlight = new ArrayList<>();
                    for (int i = 0; i < perCaller; i++) {
                        inFlight.add(log.appender().appendAsync(event(session, i)));
                    }
                    inFlight.forEach(CompletableFuture::join);
                }, pool));
            }
            CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new)).join();
            pool.shutdown();

            VerificationReport report = ChainVerifier.verify(log);
            assertThat(report.problems()).isEmpty();
            assertThat(report.lastSeq()).isEqualTo((long) (syncCallers + asyncCallers) * perCaller);
            Map<String, Integer> lastBySession = new HashMap<>();
            List<String> outOfOrder = new ArrayList<>();
            log.scanEvents(e -> {
                int i = Integer.parseInt(e.callId().substring(e.callId().lastIndexOf('-') + 1));
                Integer before = lastBySession.put(e.sessionId(), i);
                if (i != (before == null ? 0 : before + 1)) {
                    outOfOrder.add(e.callId() + " after " + before);
                }
            });
            assertThat(outOfOrder).isEmpty();
        }
    }

    @Test
    void anInterruptedCallerStillGetsItsDurableEventAndKeepsItsInterruptStatus() {
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            Thread.currentThread().interrupt();
            AppendedEvent appended = log.appender().append(event("s", 0));
            assertThat(Thread.interrupted()).isTrue();
            assertThat(appended.seq()).isEqualTo(1);
        }
        try (AuditLog reopened = AuditLog.openReadOnly(db)) {
            assertThat(reopened.head()).hasValueSatisfying(h -> assertThat(h.seq()).isEqualTo(1));
        }
    }

    @Test
    void everyCallerOfABatchThatCannotBeWrittenGetsTheError() throws Exception {
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db, Duration.ofMillis(300))) {
            log.appender().append(event("s", 0));
            int callers = 6;
            List<Throwable> errors = new ArrayList<>();
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = other.createStatement()) {
                st.execute("BEGIN IMMEDIATE"); // another process holds the write lock past the busy timeout
                CountDownLatch done = new CountDownLatch(callers);
                for (int t = 0; t < callers; t++) {
                    int i = t + 1;
                    Thread caller = new Thread(() -> {
                        try {
                            log.appender().append(event("s", i));
                        } catch (AuditLogException e) {
                            synchronized (errors) {
                                errors.add(e);
                            }
                        } finally {
                            done.countDown();
                        }
                    });
                    caller.start();
                }
                assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
                st.execute("ROLLBACK");
            }
            assertThat(errors).hasSize(callers);
            assertThat(log.appender().append(event("s", 7)).seq()).isEqualTo(2); // the lock is gone: writing resumes
        }
    }

    @Test
    void closeWritesWhatIsQueuedAndLaterAppendsFailInsteadOfHanging() {
        Path db = dir.resolve("audit.db");
        List<CompletableFuture<AppendedEvent>> queued = new ArrayList<>();
        AuditLog log = AuditLog.openForAppend(db);
        EventAppender appender = log.appender();
        for (int i = 0; i < 2000; i++) {
            queued.add(appender.appendAsync(event("s", i)));
        }
        log.close();
        queued.forEach(f -> assertThat(f.join().seq()).isPositive());
        assertThatThrownBy(() -> appender.append(event("s", 2000))).isInstanceOf(AuditLogException.class)
                .hasMessageContaining("is closed");
        assertThatThrownBy(() -> appender.appendAsync(event("s", 2001)).join()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(AuditLogException.class);
        try (AuditLog reopened = AuditLog.openReadOnly(db)) {
            assertThat(reopened.head()).hasValueSatisfying(h -> assertThat(h.seq()).isEqualTo(2000));
        }
    }

    private static NewEvent event(String session, int i) {
        ObjectNode payload = JSON.createObjectNode().put("i", i).put("tool", "aws___call_aws");
        return NewEvent.now(EventType.CALL_REQUESTED, session, session + "-" + i, payload);
    }
}
