package dev.mcpaudit.schema.bench;

import dev.mcpaudit.schema.AppendedEvent;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.ChainVerifier;
import dev.mcpaudit.schema.EventAppender;
import dev.mcpaudit.schema.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link ChainVerifier#verify(AuditLog)} over a log of {@value #EVENTS} call.requested events: every
 * row read from SQLite, its canonical event rebuilt, re-hashed and linked. Reports events/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
// No SLF4J provider on the test classpath: silence its start-up warning, which garbles JMH output.
@Fork(value = 1, jvmArgsAppend = "-Dslf4j.internal.verbosity=ERROR")
@Threads(1)
public class VerifyBenchmark {
    static final int EVENTS = 200_000;
    /** Appends in flight at once while filling: large group-commit batches, bounded memory. */
    private static final int IN_FLIGHT = 10_000;

    @State(Scope.Benchmark)
    public static class FilledLog {
        Path dir;
        AuditLog log;

        @Setup(Level.Trial)
        public void fill() throws Exception {
            dir = Files.createTempDirectory("mcp-audit-bench-verify");
            log = AuditLog.openForAppend(dir.resolve("audit.db"));
            EventAppender appender = log.appender();
            List<CompletableFuture<AppendedEvent>> inFlight = new ArrayList<>(IN_FLIGHT);
            for (int n = 0; n < EVENTS; n++) {
                inFlight.add(appender.appendAsync(BenchEvents.callRequested("bench-session-" + (n % 16), n)));
                if (inFlight.size() == IN_FLIGHT) {
                    CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
                    inFlight.clear();
                }
            }
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
            VerificationReport report = ChainVerifier.verify(log);
            if (!report.problems().isEmpty() || report.eventsChecked() != EVENTS) {
                throw new IllegalStateException("the filled log does not verify: " + report.eventsChecked()
                        + " events, problems " + report.problems());
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            log.close();
            BenchEvents.deleteRecursively(dir);
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public VerificationReport verify(FilledLog filled) {
        return ChainVerifier.verify(filled.log);
    }
}
