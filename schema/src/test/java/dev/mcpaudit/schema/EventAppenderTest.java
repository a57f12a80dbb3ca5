package dev.mcpaudit.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventAppenderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void concurrentAppendsFormOneGaplessVerifiableChain() throws Exception {
        int threads = 16;
        int perThread = 200;
        try (AuditLog log = AuditLog.openForAppend(dir.resolve("audit.db"))) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String session = "s" + t;
                all.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < perThread; i++) {
                        ObjectNode payload = JSON.createObjectNode().put("i", i).put("tool", "aws___call_aws");
                        log.appender().append(NewEvent.now(EventType.CALL_REQUESTED, session, session + "-" + i, payload));
                    }
                }, pool));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            pool.shutdown();

            VerificationReport report = ChainVerifier.verify(log);
            assertThat(report.problems()).isEmpty();
            assertThat(report.eventsChecked()).isEqualTo((long) threads * perThread);
            assertThat(report.lastSeq()).isEqualTo((long) threads * perThread);
        }
    }
}
