package dev.mcpaudit.cli.ship;

import dev.mcpaudit.cli.bench.LargeLogBench;
import dev.mcpaudit.fixtures.SyntheticCalls;
import dev.mcpaudit.schema.AuditLog;
import java.io.BufferedWriter;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.postgresql.PGConnection;

/**
 * Shipping to PostgreSQL (BENCHMARKS.md, "Shipping to PostgreSQL (issue 19)"). On a server of its own,
 * started with PostgreSQL's default durability:
 * <ol>
 *   <li>the 1M-call log shipped by {@code java -jar audit-cli.jar ship} into an empty database, against
 *       PostgreSQL's own {@code COPY … FROM STDIN} of the same rows (written to a file beforehand, in
 *       the same COPY text) into an identical empty table, in the same run;</li>
 *   <li>{@code report --source} over 10 shipped logs of 100,000 calls each, against {@code report} on
 *       the 1M-call local log.</li>
 * </ol>
 * Run with {@code ./mvnw -B -Pbench-ship -pl audit-cli -am verify -DskipTests}.
 */
public final class ShipBench {
    private static final int LOGS = 10;
    private static final int CALLS_PER_LOG = 100_000;
    private static final String ACCOUNT = "444455556666";

    private final Path db;
    private final Path jar;
    private final Path work;
    private final int runs;
    private final StringBuilder report = new StringBuilder();

    ShipBench(Path db, Path jar, Path work, int runs) {
        this.db = db;
        this.jar = jar;
        this.work = work;
        this.runs = runs;
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(System.getProperty("bench.db", "audit-cli/target/bench-1m.db")).toAbsolutePath();
        System.setProperty("bench.generateOnly", "true");
        System.setProperty("bench.db", db.toString());
        LargeLogBench.main(new String[0]); // the cached 1M-call log, generated when missing
        ShipBench bench = new ShipBench(db, Path.of(System.getProperty("bench.jar")).toAbsolutePath(),
                db.resolveSibling("ship-bench"), Integer.getInteger("bench.runs", 2));
        bench.run(!Boolean.getBoolean("bench.skipReport"), !Boolean.getBoolean("bench.skipShip"));
        Path out = db.resolveSibling("ship-bench.md");
        Files.writeString(out, bench.report);
        System.out.println(bench.report);
        System.out.println("(written to " + out + ")");
    }

    void run(boolean reportBench, boolean shipBench) throws Exception {
        Files.createDirectories(work);
        PostgresServer pg = PostgresServer.startDedicated(true);
        try {
            line("Machine: %d cores, load average %s; %s %s; %s (fsync and synchronous_commit on, shared_buffers"
                    + " 256MB, max_wal_size 4GB), on loopback.", Runtime.getRuntime().availableProcessors(),
                    loadAverage(), System.getProperty("java.vm.name"), System.getProperty("java.version"), pg.version());
            if (shipBench) {
                shipBench(pg);
            }
            if (reportBench) {
                reportBench(pg);
            }
        } finally {
            pg.stop();
        }
    }

    private void shipBench(PostgresServer pg) throws Exception {
        Path copyFile = work.resolve("bench-1m.copy");
        long rows = writeCopyText(copyFile);
        line("");
        line("Shipping %s: %,d events (%,d bytes of COPY text).", db.getFileName(), rows, Files.size(copyFile));
        line("");
        line("| run | PostgreSQL `COPY … FROM STDIN` (s) | events/s | `audit-cli ship` (s) | events/s | ship ÷ COPY |");
        line("|---|---:|---:|---:|---:|---:|");
        for (int run = 1; run <= runs; run++) {
            String baseline = pg.createDatabase("bench_copy");
            migrate(pg, baseline);
            ensureMonths(pg, baseline);
            double copySeconds;
            try (Connection c = pg.superuser(baseline); InputStream in = Files.newInputStream(copyFile)) {
                long t0 = System.nanoTime();
                long copied = c.unwrap(PGConnection.class).getCopyAPI().copyIn(Shipper.COPY_EVENTS, in, 1 << 16);
                copySeconds = seconds(t0);
                check(copied == rows, "COPY loaded " + copied + " rows, not " + rows);
            }
            pg.execute("postgres", "DROP DATABASE bench_copy WITH (FORCE)");

            String shipped = pg.createDatabase("bench_ship");
            System.out.printf(Locale.ROOT, "  run %d: COPY took %.1f s%n", run, copySeconds);
            ProcessBuilder pb = new ProcessBuilder(java(), "-jar", jar.toString(), "--db", db.toString(), "ship", "--to",
                    pg.url(PostgresServer.SUPERUSER, shipped)).inheritIO();
            pb.environment().put("PGPASSWORD", PostgresServer.SUPERUSER_PASSWORD);
            long t0 = System.nanoTime();
            Process p = pb.start();
            check(p.waitFor() == 0, "ship exited " + p.exitValue());
            double shipSeconds = seconds(t0);
            try (Connection c = pg.superuser(shipped)) {
                check(ShipIT.count(c, "SELECT count(*) FROM mcp_audit.events") == rows, "ship did not ship every row");
            }
            pg.execute("postgres", "DROP DATABASE bench_ship WITH (FORCE)");
            line("| %d | %.1f | %,.0f | %.1f | %,.0f | %.2f |", run, copySeconds, rows / copySeconds, shipSeconds,
                    rows / shipSeconds, copySeconds / shipSeconds);
        }
        line("");
        line("`audit-cli ship` is timed as a command (`java -jar`, JVM start, schema creation and the partitions"
                + " included); COPY is timed from the first byte sent to its end, into a table migrated and"
                + " partitioned beforehand. Both load the same rows into the same table definition with its"
                + " indexes and generated columns.");
        Files.delete(copyFile);
    }

    private void reportBench(PostgresServer pg) throws Exception {
        String central = pg.createDatabase("bench_report");
        migrate(pg, central);
        long events = 0;
        for (int i = 0; i < LOGS; i++) {
            Path log = logOf(i);
            dev.mcpaudit.cli.CliRun shipped = dev.mcpaudit.cli.CliRun.withEnv(
                    PostgresServer.envWithPassword(PostgresServer.SUPERUSER_PASSWORD), "--db", log.toString(), "ship",
                    "--to", pg.url(PostgresServer.SUPERUSER, central));
            check(shipped.exitCode() == 0, shipped.err());
        }
        try (Connection c = pg.superuser(central); Statement st = c.createStatement()) {
            st.execute("VACUUM ANALYZE");
            events = ShipIT.count(c, "SELECT count(*) FROM mcp_audit.events");
        }
        line("");
        line("Report across %d shipped logs of %,d calls each (%,d events in PostgreSQL), `--account %s` (a third"
                + " of the calls), against the same report on the 1M-call local log:", LOGS, CALLS_PER_LOG, events,
                ACCOUNT);
        line("");
        line("| command | runs (s) | median (s) |");
        line("|---|---|---:|");
        time("`java -jar audit-cli.jar report --source postgresql://… --account " + ACCOUNT
                + " --since 2026-09-01` (10 logs, 1M calls; verifies each log's central chain first)",
                List.of("report", "--source", pg.url(PostgresServer.SUPERUSER, central), "--account", ACCOUNT,
                        "--since", "2026-09-01"));
        time("`java -jar audit-cli.jar report --account " + ACCOUNT + " --since 2026-09-01` (the local 1M-call log)",
                List.of("--db", db.toString(), "report", "--account", ACCOUNT, "--since", "2026-09-01"));
    }

    private void time(String label, List<String> args) throws Exception {
        List<Double> took = new ArrayList<>();
        for (int run = 0; run <= runs; run++) { // run 0 warms the caches, untimed
            List<String> cmd = new ArrayList<>(List.of(java(), "-jar", jar.toString()));
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(work.resolve("report.out").toFile())
                    .redirectError(work.resolve("report.err").toFile());
            pb.environment().put("PGPASSWORD", PostgresServer.SUPERUSER_PASSWORD);
            long t0 = System.nanoTime();
            int code = pb.start().waitFor();
            double s = seconds(t0);
            check(code == 0 || code == 1, "report exited " + code + ": " + Files.readString(work.resolve("report.err")));
            if (run > 0) {
                took.add(s);
            }
        }
        List<Double> sorted = new ArrayList<>(took);
        sorted.sort(null);
        line("| %s | %s | %.1f |", label, String.join(", ", took.stream().map(s -> String.format(Locale.ROOT, "%.1f", s)).toList()),
                sorted.get(sorted.size() / 2));
    }

    /** Log {@code i} of the ten, generated through the normal appender once and cached. */
    private Path logOf(int i) throws Exception {
        Path log = work.resolve("log-" + i + ".db");
        if (Files.exists(log)) {
            try (AuditLog cached = AuditLog.openForAppend(log)) { // a log from an older build is upgraded
                cached.logId();
            }
            return log;
        }
        Path partial = work.resolve("log-" + i + ".partial.db");
        for (String suffix : List.of("", "-wal", "-shm", ".fingerprint-key")) {
            Files.deleteIfExists(Path.of(partial + suffix));
        }
        try (AuditLog a = AuditLog.openForAppend(partial)) {
            for (int round = 0; round < CALLS_PER_LOG / 10_000; round++) {
                SyntheticCalls.fill(a, 10_000, 100L * i + round,
                        Instant.parse("2026-09-01T00:00:00Z").plus(Duration.ofSeconds(31_000L * (LOGS * round + i))));
            }
        }
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + partial); Statement st = c.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        Files.move(partial, log);
        Files.move(Path.of(partial + ".fingerprint-key"), Path.of(log + ".fingerprint-key"));
        return log;
    }

    /** The same rows the shipper sends, in the same COPY text, into a file. */
    private long writeCopyText(Path file) throws Exception {
        long[] rows = {0};
        try (AuditLog log = AuditLog.openReadOnly(db); BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            String logId = log.logId();
            StringBuilder sb = new StringBuilder(4096);
            log.scanEvents(e -> {
                sb.setLength(0);
                CopyText.appendRow(sb, logId, e, Instant.parse(e.time()));
                try {
                    w.append(sb);
                } catch (java.io.IOException x) {
                    throw new java.io.UncheckedIOException(x);
                }
                rows[0]++;
            });
        }
        return rows[0];
    }

    private void migrate(PostgresServer pg, String database) throws Exception {
        try (Connection c = pg.superuser(database)) {
            CentralSchema.migrate(c);
        }
    }

    /** Every month the log spans, partitioned beforehand, so that COPY alone is timed. */
    private void ensureMonths(PostgresServer pg, String database) throws Exception {
        TreeSet<LocalDate> months = new TreeSet<>();
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db + "?open_mode=1");
                Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT DISTINCT substr(time, 1, 7) FROM events")) {
            while (rs.next()) {
                months.add(LocalDate.parse(rs.getString(1) + "-01"));
            }
        }
        try (Connection c = pg.superuser(database);
                PreparedStatement ps = c.prepareStatement("SELECT mcp_audit.ensure_month(?)")) {
            for (LocalDate m : months) {
                ps.setObject(1, m);
                ps.execute();
            }
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0];
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    private void line(String format, Object... args) {
        String s = String.format(Locale.ROOT, format, args);
        report.append(s).append('\n');
        System.out.println(s);
    }
}
