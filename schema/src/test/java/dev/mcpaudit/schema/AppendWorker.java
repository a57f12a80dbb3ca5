package dev.mcpaudit.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a separate JVM by {@link MultiProcessAppendTest}: opens the log for appending and appends
 * {@code count} events in one session, payload {@code {"i": 0..count-1}}, one after the other.
 *
 * <p>Arguments: {@code path sessionId count [goFile]}. With a go file, the worker prints {@code ready}
 * once its JVM is up and waits until that file exists before opening the log, so that several
 * workers really open and append at the same time. Exit code 0 when every append was durable.
 */
public final class AppendWorker {
    private AppendWorker() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: AppendWorker PATH SESSION_ID COUNT [GO_FILE]");
            System.exit(2);
        }
        Path path = Path.of(args[0]);
        String session = args[1];
        int count = Integer.parseInt(args[2]);
        Path go = args.length > 3 ? Path.of(args[3]) : null;
        ObjectMapper json = new ObjectMapper();
        if (go != null) {
            // Warm up (load the driver, unpack SQLite's native library) so that every worker starts
            // appending within milliseconds of the go signal.
            java.sql.DriverManager.getConnection("jdbc:sqlite::memory:").close();
            System.out.println("ready");
            System.out.flush();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!Files.exists(go)) {
                if (System.nanoTime() > deadline) {
                    System.err.println("go file " + go + " never appeared");
                    System.exit(3);
                }
                Thread.sleep(2);
            }
        }
        try (AuditLog log = AuditLog.openForAppend(path)) {
            EventAppender appender = log.appender();
            for (int i = 0; i < count; i++) {
                appender.append(NewEvent.now(EventType.CALL_REQUESTED, session, session + "-" + i,
                        json.createObjectNode().put("i", i).put("worker", session)));
            }
        }
        System.exit(0);
    }
}
