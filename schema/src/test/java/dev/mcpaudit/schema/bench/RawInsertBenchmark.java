package dev.mcpaudit.schema.bench;

import dev.mcpaudit.schema.EventTime;
import dev.mcpaudit.schema.EventType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
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
import org.sqlite.SQLiteConfig;

/**
 * The physical ceiling the appender is compared with: one thread inserting rows of the same shape and
 * size into a table with the same columns, constraints and indexes as {@code events}, with the same
 * durability (WAL, synchronous=FULL), in transactions of B rows, through plain sqlite-jdbc. No hashing,
 * no canonicalisation, no chain triggers, no head read, no queue, no thread hand-off. Reports rows/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
// No SLF4J provider on the test classpath: silence its start-up warning, which garbles JMH output.
@Fork(value = 1, jvmArgsAppend = "-Dslf4j.internal.verbosity=ERROR")
@Threads(1)
public class RawInsertBenchmark {
    private static final String HASH = "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592";
    private static final String TYPE = EventType.CALL_REQUESTED.wireName();
    private static final int PAYLOADS = 1024;

    /** One fresh database file per trial (i.e. per benchmark method), deleted afterwards. */
    @State(Scope.Benchmark)
    public static class Db {
        Path dir;
        Connection connection;
        Statement statement;
        PreparedStatement insert;
        String[] payloads;
        long seq;

        @Setup(Level.Trial)
        public void open() throws Exception {
            dir = Files.createTempDirectory("mcp-audit-bench-raw");
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            connection = config.createConnection("jdbc:sqlite:" + dir.resolve("raw.db"));
            statement = connection.createStatement();
            // The columns, constraints and indexes of events (V1, V2 and V4 migrations), without the triggers.
            statement.executeUpdate("CREATE TABLE events (seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE,"
                    + " type TEXT NOT NULL, time TEXT NOT NULL, session_id TEXT NOT NULL, call_id TEXT,"
                    + " payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)");
            statement.executeUpdate("CREATE INDEX events_by_call ON events(call_id, type) WHERE call_id IS NOT NULL");
            statement.executeUpdate("CREATE INDEX events_by_session ON events(session_id, seq)");
            statement.executeUpdate("CREATE INDEX events_by_type_time ON events(type, time)");
            statement.executeUpdate("CREATE INDEX events_by_profile ON events(json_extract(payload, '$.profile'), time)"
                    + " WHERE json_extract(payload, '$.profile') IS NOT NULL");
            statement.executeUpdate("CREATE INDEX events_by_account ON events(json_extract(payload, '$.account_id'), time)"
                    + " WHERE json_extract(payload, '$.account_id') IS NOT NULL");
            insert = connection.prepareStatement(
                    "INSERT INTO events(seq, event_id, type, time, session_id, call_id, payload, prev_hash, hash)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
            payloads = new String[PAYLOADS];
            for (int i = 0; i < PAYLOADS; i++) {
                payloads[i] = BenchEvents.canonicalPayload(i);
            }
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            insert.close();
            statement.close();
            connection.close();
            BenchEvents.deleteRecursively(dir);
        }

        /** One transaction of {@code rows} inserts, committed durably. */
        long insertBatch(int rows) throws SQLException {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            String time = EventTime.format(Instant.now());
            statement.execute("BEGIN IMMEDIATE");
            for (int i = 0; i < rows; i++) {
                long s = ++seq;
                insert.setLong(1, s);
                // Same id shape as the appender (UUIDv7: time-ordered), so the index costs the same.
                insert.setString(2, new UUID((System.currentTimeMillis() << 16) | 0x7000L | (random.nextLong() & 0x0FFFL),
                        (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString());
                insert.setString(3, TYPE);
                insert.setString(4, time);
                insert.setString(5, "bench-session-" + (s & 15));
                insert.setString(6, "bench-session-" + (s & 15) + "-call-" + s);
                insert.setString(7, payloads[(int) (s % PAYLOADS)]);
                insert.setString(8, HASH);
                insert.setString(9, HASH);
                insert.executeUpdate();
            }
            statement.execute("COMMIT");
            return seq;
        }
    }

    /** B=1: the ceiling for one caller who waits for durability before the next append. */
    @Benchmark
    @OperationsPerInvocation(1)
    public long rawBatch1(Db db) throws SQLException {
        return db.insertBatch(1);
    }

    /** B=16: the ceiling for 16 concurrent callers (group commit can batch at most the 16 waiting ones). */
    @Benchmark
    @OperationsPerInvocation(16)
    public long rawBatch16(Db db) throws SQLException {
        return db.insertBatch(16);
    }

    /** B=512: the appender's largest batch (MAX_BATCH), for information. */
    @Benchmark
    @OperationsPerInvocation(512)
    public long rawBatch512(Db db) throws SQLException {
        return db.insertBatch(512);
    }
}
