package dev.mcpaudit.schema.bench;

import dev.mcpaudit.schema.AppendedEvent;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable appends per second through {@link EventAppender#append}: each call returns only once its
 * event is committed with synchronous=FULL. With 16 threads, group commit batches the waiting callers
 * into one transaction. Compare with {@link RawInsertBenchmark}, measured in the same run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
// No SLF4J provider on the test classpath: silence its start-up warning, which garbles JMH output.
@Fork(value = 1, jvmArgsAppend = "-Dslf4j.internal.verbosity=ERROR")
public class AppendBenchmark {

    /** One fresh log file per trial (i.e. per benchmark method), deleted afterwards. */
    @State(Scope.Benchmark)
    public static class Log {
        Path dir;
        AuditLog log;
        EventAppender appender;
        final AtomicInteger sessions = new AtomicInteger();

        @Setup(Level.Trial)
        public void open() throws Exception {
            dir = Files.createTempDirectory("mcp-audit-bench-append");
            log = AuditLog.openForAppend(dir.resolve("audit.db"));
            appender = log.appender();
        }

        @TearDown(Level.Trial)
        public void close() {
            log.close();
            BenchEvents.deleteRecursively(dir);
        }
    }

    /** Each benchmark thread plays one agent session with its own call counter. */
    @State(Scope.Thread)
    public static class Caller {
        String sessionId;
        long n;

        @Setup(Level.Trial)
        public void init(Log log) {
            sessionId = "bench-session-" + log.sessions.incrementAndGet();
        }
    }

    @Benchmark
    @Threads(1)
    public AppendedEvent append1Thread(Log log, Caller caller) {
        return log.appender.append(BenchEvents.callRequested(caller.sessionId, caller.n++));
    }

    @Benchmark
    @Threads(16)
    public AppendedEvent append16Threads(Log log, Caller caller) {
        return log.appender.append(BenchEvents.callRequested(caller.sessionId, caller.n++));
    }
}
