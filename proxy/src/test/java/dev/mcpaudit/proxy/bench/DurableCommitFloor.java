package dev.mcpaudit.proxy.bench;

import dev.mcpaudit.schema.EventIds;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.UUID;
import org.sqlite.SQLiteConfig;

/**
 * The least that recording can add to a call on this disk: durable single-row commits (WAL,
 * {@code synchronous=FULL}) through plain sqlite-jdbc into a table with the columns and indexes of
 * {@code events}, with a payload of the size the proxy records. No hashing, no canonicalisation, no
 * triggers, no threads. A recorded call needs two of them in a row on its path —
 * {@code call.requested} durable before it is sent, {@code call.completed} before the answer — with
 * the upstream call in between ({@link #commitPairAround}); with many calls in flight, group commit
 * can at best share one commit among them ({@link #commitOne}).
 */
final class DurableCommitFloor implements AutoCloseable {
    private static final String HASH = "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592";
    private static final String PAYLOAD = "{\"account_id\":\"111122223333\",\"account_source\":\"sts\",\"args\":{\"cli_command\":"
            + "\"aws s3api list-objects-v2 --bucket app-logs --prefix 2026/11/\"},\"method\":\"tools/call\","
            + "\"profile\":\"dev\",\"region\":\"us-east-1\",\"service\":\"aws-mcp\",\"tool\":\"aws___call_aws\"}";
    /** A completion has no profile or account, so it adds no entry to the version-4 indexes. */
    private static final String COMPLETED_PAYLOAD = "{\"duration_ms\":87.5,\"outcome\":\"ok\",\"result_sha256\":\""
            + HASH + "\"}";

    /** What a recorded call does between its two commits: the upstream call. */
    @FunctionalInterface
    interface Between {
        void run() throws Exception;
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Connection connection;
    private final PreparedStatement insert;
    private final String session = UUID.randomUUID().toString();
    private long seq;
    private long cpuNanos;

    /** A new log-shaped file in a new directory under {@code dir}. */
    DurableCommitFloor(Path dir) throws Exception {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        connection = config.createConnection("jdbc:sqlite:" + Files.createTempDirectory(dir, "floor").resolve("floor.db"));
        try (Statement st = connection.createStatement()) {
            st.executeUpdate("CREATE TABLE events (seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE,"
                    + " type TEXT NOT NULL, time TEXT NOT NULL, session_id TEXT NOT NULL, call_id TEXT,"
                    + " payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)");
            st.executeUpdate("CREATE INDEX events_by_call ON events(call_id, type) WHERE call_id IS NOT NULL");
            st.executeUpdate("CREATE INDEX events_by_session ON events(session_id, seq)");
            st.executeUpdate("CREATE INDEX events_by_type_time ON events(type, time)");
            st.executeUpdate("CREATE INDEX events_by_profile ON events(json_extract(payload, '$.profile'), time)"
                    + " WHERE json_extract(payload, '$.profile') IS NOT NULL");
            st.executeUpdate("CREATE INDEX events_by_account ON events(json_extract(payload, '$.account_id'), time)"
                    + " WHERE json_extract(payload, '$.account_id') IS NOT NULL");
        }
        insert = connection.prepareStatement("INSERT INTO events(seq, event_id, type, time, session_id, call_id,"
                + " payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }

    /**
     * One durable single-row commit; returns how long it took, in ns. Callers on several threads
     * take turns (the time waited for the turn is not counted), so this is always one commit after
     * another, as the floor for one shared commit should be.
     */
    synchronized long commitOne() throws SQLException {
        long t0 = System.nanoTime();
        commit("call.requested", UUID.randomUUID().toString());
        return System.nanoTime() - t0;
    }

    /**
     * {@code call.requested}'s commit, then {@code between} (the same upstream call a recorded call
     * makes, so the disk sees the same idleness), then {@code call.completed}'s; returns the time of
     * the two commits only, in ns.
     */
    synchronized long commitPairAround(Between between) throws Exception {
        String callId = UUID.randomUUID().toString();
        long t0 = System.nanoTime();
        commit("call.requested", callId);
        long t1 = System.nanoTime();
        between.run();
        long t2 = System.nanoTime();
        commit("call.completed", callId);
        return (t1 - t0) + (System.nanoTime() - t2);
    }

    /** CPU time (user + system) the commits so far took on the committing thread, per commit, in µs. */
    synchronized double cpuMicrosPerCommit() {
        return cpuNanos / 1e3 / seq;
    }

    private void commit(String type, String callId) throws SQLException {
        long cpuBefore = THREADS.getCurrentThreadCpuTime();
        insert.setLong(1, ++seq);
        insert.setString(2, EventIds.next()); // time-ordered, as the appender makes them
        insert.setString(3, type);
        insert.setString(4, Instant.now().toString());
        insert.setString(5, session);
        insert.setString(6, callId);
        insert.setString(7, type.equals("call.completed") ? COMPLETED_PAYLOAD : PAYLOAD);
        insert.setString(8, HASH);
        insert.setString(9, HASH);
        insert.executeUpdate(); // autocommit: one durable transaction per row
        cpuNanos += THREADS.getCurrentThreadCpuTime() - cpuBefore;
    }

    @Override
    public void close() throws SQLException {
        insert.close();
        connection.close();
    }
}
