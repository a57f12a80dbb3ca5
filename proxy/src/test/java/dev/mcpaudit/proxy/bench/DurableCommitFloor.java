package dev.mcpaudit.proxy.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.UUID;
import org.sqlite.SQLiteConfig;

/**
 * The least that recording can add to a call on this disk: two single-row commits, one after the
 * other, each durable (WAL, {@code synchronous=FULL}), through plain sqlite-jdbc into a table with
 * the columns and indexes of {@code events}. A recorded call needs exactly that on its path —
 * {@code call.requested} durable before it is sent, {@code call.completed} before the answer — and
 * each commit must wait for its own fsync, however many calls are in flight. No hashing, no
 * canonicalisation, no triggers, no threads.
 */
final class DurableCommitFloor {
    private DurableCommitFloor() {}

    /**
     * Latencies in ns of {@code pairs} pairs of commits, in a new file in {@code dir}, with
     * {@code idleMs} of idleness after each pair (as between calls to a slow upstream: an fsync
     * issued by a thread of an idle machine takes longer than one in a busy loop).
     */
    static long[] measure(Path dir, int pairs, int idleMs) throws Exception {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        try (Connection c = config.createConnection("jdbc:sqlite:" + Files.createTempDirectory(dir, "floor")
                        .resolve("floor.db"));
                Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE events (seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE,"
                    + " type TEXT NOT NULL, time TEXT NOT NULL, session_id TEXT NOT NULL, call_id TEXT,"
                    + " payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)");
            st.executeUpdate("CREATE INDEX events_by_call ON events(call_id, type) WHERE call_id IS NOT NULL");
            st.executeUpdate("CREATE INDEX events_by_session ON events(session_id, seq)");
            st.executeUpdate("CREATE INDEX events_by_type_time ON events(type, time)");
            String session = UUID.randomUUID().toString();
            String hash = "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592";
            String payload = "{\"account_id\":\"111122223333\",\"account_source\":\"sts\",\"args\":{\"cli_command\":"
                    + "\"aws s3api list-objects-v2 --bucket app-logs --prefix 2026/11/\"},\"method\":\"tools/call\","
                    + "\"profile\":\"dev\",\"region\":\"us-east-1\",\"service\":\"aws-mcp\",\"tool\":\"aws___call_aws\"}";
            long[] latencies = new long[pairs];
            long seq = 0;
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO events(seq, event_id, type, time,"
                    + " session_id, call_id, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = -pairs / 10; i < pairs; i++) { // the first tenth warms up
                    String callId = UUID.randomUUID().toString();
                    long t0 = System.nanoTime();
                    for (String type : new String[] {"call.requested", "call.completed"}) {
                        insert.setLong(1, ++seq);
                        insert.setString(2, UUID.randomUUID().toString());
                        insert.setString(3, type);
                        insert.setString(4, java.time.Instant.now().toString());
                        insert.setString(5, session);
                        insert.setString(6, callId);
                        insert.setString(7, payload);
                        insert.setString(8, hash);
                        insert.setString(9, hash);
                        insert.executeUpdate(); // autocommit: one durable transaction per row
                    }
                    if (i >= 0) {
                        latencies[i] = System.nanoTime() - t0;
                    }
                    if (idleMs > 0) {
                        Thread.sleep(idleMs);
                    }
                }
            }
            return latencies;
        }
    }
}
