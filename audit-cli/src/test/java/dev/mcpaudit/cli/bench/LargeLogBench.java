package dev.mcpaudit.cli.bench;

import dev.mcpaudit.cli.AuditCli;
import dev.mcpaudit.fixtures.SyntheticCalls;
import dev.mcpaudit.schema.AuditLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * audit-cli on a large log (BENCHMARKS.md, "audit-cli on 1,000,000 calls"). Generates the log once
 * (cached at {@code -Dbench.db}), then times commands in-process through {@link AuditCli#run} and, for
 * what a user waits for, as {@code java -jar audit-cli.jar} subprocesses. Each figure is the median of
 * {@code -Dbench.runs} runs after one untimed warm-up run.
 *
 * <p>Run with {@code ./mvnw -B -Pbench -pl audit-cli -am verify -DskipTests}. Options:
 * {@code -Dbench.db=PATH} (default {@code audit-cli/target/bench-1m.db}), {@code -Dbench.calls=N}
 * (default 1,000,000; only used when generating), {@code -Dbench.runs=N} (default 5),
 * {@code -Dbench.verifyRuns=N} (default 3), {@code -Dbench.jar=PATH} (the shaded jar; empty skips
 * the subprocess timings).
 */
public final class LargeLogBench {
    /** Calls per {@link SyntheticCalls#fill} round: bounds the events (and futures) in memory at once. */
    private static final int CHUNK = 10_000;
    /** A fill round of 10,000 calls spans about 30,000 s (one call every 0.5–5.5 s); rounds do not overlap. */
    private static final Duration CHUNK_SPAN = Duration.ofSeconds(31_000);
    private static final Instant START = Instant.parse("2026-09-01T00:00:00Z");

    /** Exactly what schema's CallQueries.calls(new CallFilter("prod", …), 100) runs (calls --profile prod --limit 100). */
    static final String CALLS_PROD_SQL =
            "SELECT * FROM calls WHERE profile = ? ORDER BY started_at DESC, call_id DESC LIMIT 100";

    private final Path db;
    private final int calls;
    private final int runs;
    private final int verifyRuns;
    private final String jar;
    private final StringBuilder report = new StringBuilder();
    /** The log's events (its max seq), read by {@link #describeLog}. */
    private long events;

    LargeLogBench(Path db, int calls, int runs, int verifyRuns, String jar) {
        this.db = db;
        this.calls = calls;
        this.runs = runs;
        this.verifyRuns = verifyRuns;
        this.jar = jar;
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(System.getProperty("bench.db", "audit-cli/target/bench-1m.db")).toAbsolutePath();
        int calls = Integer.getInteger("bench.calls", 1_000_000);
        int runs = Integer.getInteger("bench.runs", 5);
        int verifyRuns = Integer.getInteger("bench.verifyRuns", 3);
        String jar = System.getProperty("bench.jar", "");
        boolean generateOnly = Boolean.getBoolean("bench.generateOnly");
        LargeLogBench bench = new LargeLogBench(db, calls, runs, verifyRuns, jar);
        bench.generateIfMissing();
        bench.upgradeIfOlder();
        if (generateOnly) {
            return;
        }
        bench.run();
        Path out = db.resolveSibling("large-log-bench.md");
        Files.writeString(out, bench.report);
        System.out.println(bench.report);
        System.out.println("(written to " + out + ")");
    }

    /**
     * Fills the log through the normal appender ({@code SyntheticCalls.fill}: every event redacted,
     * canonicalised, hashed and group-committed durably), in rounds of {@value #CHUNK} calls so the
     * queue stays bounded. Written to a temporary name and renamed when complete, so an interrupted
     * generation is never mistaken for the cached log.
     */
    void generateIfMissing() throws IOException {
        if (Files.exists(db)) {
            line("Using the cached log %s (%,d bytes); delete it to generate again.", db, Files.size(db));
            return;
        }
        Files.createDirectories(db.getParent());
        Path partial = db.resolveSibling(db.getFileName() + ".partial");
        for (String suffix : List.of("", "-wal", "-shm", ".fingerprint-key")) {
            Files.deleteIfExists(Path.of(partial + suffix));
        }
        long t0 = System.nanoTime();
        try (AuditLog log = AuditLog.openForAppend(partial)) {
            int done = 0;
            for (int round = 0; done < calls; round++) {
                int n = Math.min(CHUNK, calls - done);
                SyntheticCalls.fill(log, n, 1000 + round, START.plus(CHUNK_SPAN.multipliedBy(round)));
                done += n;
                if (round % 10 == 9) {
                    System.out.printf(Locale.ROOT, "  generated %,d calls in %.0f s%n", done, seconds(t0));
                }
            }
        }
        double took = seconds(t0);
        checkpointWal(partial);
        Files.move(partial, db, StandardCopyOption.ATOMIC_MOVE);
        Files.move(Path.of(partial + ".fingerprint-key"), Path.of(db + ".fingerprint-key"), StandardCopyOption.REPLACE_EXISTING);
        line("Generated %,d calls in %.0f s (%,.0f calls/s) into %s (%,d bytes).", calls, took, calls / took, db, Files.size(db));
    }

    /**
     * A cached log from an older build is upgraded in place, as the proxy or {@code audit-cli upgrade}
     * would do; how long that takes on this many events is worth knowing too.
     */
    void upgradeIfOlder() throws Exception {
        int before = userVersion();
        long t0 = System.nanoTime();
        try (AuditLog log = AuditLog.openForAppend(db)) {
            log.logId();
        }
        int after = userVersion();
        if (after != before) {
            line("Upgraded the cached log from schema version %d to %d in %.1f s (one IMMEDIATE transaction).",
                    before, after, seconds(t0));
        }
        checkpointWal(db);
    }

    private int userVersion() throws Exception {
        try (Connection c = reader(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            return rs.getInt(1);
        }
    }

    private static void checkpointWal(Path p) {
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + p); Statement st = c.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    void run() throws Exception {
        line("");
        line("Machine: %d cores, load average %s; %s", Runtime.getRuntime().availableProcessors(), loadAverage(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        describeLog();
        line("");
        line("| figure | runs (ms) | median |");
        line("|---|---|---:|");
        timeInProcess("`calls --profile prod --limit 100` (in-process)", "calls", "--profile", "prod", "--limit", "100");
        timeSql("the same query as SQL (`" + CALLS_PROD_SQL.replace("?", "'prod'") + "`)", CALLS_PROD_SQL, "prod");
        // prod is a third of all calls, so its newest 100 are near; a profile or account with no calls
        // shows whether the filter is answered from an index or by looking at every call.
        long sandbox = timeInProcess("`calls --profile sandbox --limit 100` (no such calls: the selective case)",
                "calls", "--profile", "sandbox", "--limit", "100");
        timeSql("the same query as SQL, profile 'sandbox'", CALLS_PROD_SQL, "sandbox");
        long account = timeInProcess("`calls --account 000000000000 --limit 100` (no such calls)",
                "calls", "--account", "000000000000", "--limit", "100");
        timeInProcess("`report --profile prod` (in-process)", "report", "--profile", "prod");
        long reportCommand = 0;
        long verifyCommand = 0;
        long reportFloor = 0;
        if (!jar.isEmpty() && Files.exists(Path.of(jar))) {
            timeSubprocess("`java -jar audit-cli.jar --version` (JVM start-up alone)", "--version");
            timeSubprocess("`java -jar audit-cli.jar calls --profile prod --limit 100`", "calls", "--profile", "prod", "--limit", "100");
            // Alternated, so that all three see the same machine: the ratio of their medians is the figure.
            List<String> floor = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), ReportFloor.class.getName(), db.toString(), "prod");
            long[][] runs3 = alternatedSubprocesses(subprocess(List.of("report", "--profile", "prod")),
                    subprocess(List.of("verify")), floor);
            reportCommand = row("`java -jar audit-cli.jar report --profile prod`", runs3[0]);
            verifyCommand = row("`java -jar audit-cli.jar verify` (alternated with the report)", runs3[1]);
            reportFloor = row("the simplest verifying report (`ReportFloor`: verify, parse every call, count prod's"
                    + " by command and outcome), as a command, alternated", runs3[2]);
            timeSubprocess("`java -jar audit-cli.jar report --profile prod --no-verify`", "report", "--profile",
                    "prod", "--no-verify");
        }
        long verifyMs = timeVerify();
        long floorMs = timeReadFloor();
        timeExport();
        line("");
        line("| target | floor or baseline | measured | ratio | verdict |");
        line("|---|---|---|---:|---|");
        if (reportCommand > 0) {
            double r = (double) reportCommand / verifyCommand;
            line("| `report --profile prod` as a command ≤ 1.3 × `verify` as a command | verify %,d ms | %,d ms | %.2f | %s |",
                    verifyCommand, reportCommand, r, r <= 1.3 ? "PASS" : "FAIL");
            line("| (floor) the simplest verifying report as a command, against `verify` | verify %,d ms | %,d ms | %.2f | |",
                    verifyCommand, reportFloor, (double) reportFloor / verifyCommand);
        }
        line("| `calls --profile sandbox` in-process ≤ 50 ms | – | %,d ms | – | %s |", sandbox, sandbox <= 50 ? "PASS" : "FAIL");
        line("| `calls --account 000000000000` in-process ≤ 50 ms | – | %,d ms | – | %s |", account, account <= 50 ? "PASS" : "FAIL");
        double v = (double) floorMs / verifyMs;
        line("| `verify` in-process ≥ 0.9 × the read+hash floor (events/s) | %,.0f events/s | %,.0f events/s | %.2f | %s |",
                events * 1000.0 / floorMs, events * 1000.0 / verifyMs, v, v >= 0.9 ? "PASS" : "FAIL");
        line("");
        explain(CALLS_PROD_SQL, "prod");
        explain(CALLS_PROD_SQL, "sandbox");
    }

    private void describeLog() throws Exception {
        try (Connection c = reader(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT (SELECT max(seq) FROM events),"
                        + " (SELECT count(*) FROM events WHERE type IN ('call.requested', 'call.rejected')),"
                        + " (SELECT user_version FROM pragma_user_version()),"
                        + " (SELECT min(time) FROM events), (SELECT max(time) FROM events)")) {
            events = rs.getLong(1);
            line("Log %s: %,d events, %,d calls, schema version %d, %s to %s, %,d bytes.", db, events,
                    rs.getLong(2), rs.getInt(3), rs.getString(4), rs.getString(5), Files.size(db));
        }
    }

    /** Times an in-process command; returns its median in ms. */
    private long timeInProcess(String label, String... command) throws Exception {
        String[] args = new String[command.length + 2];
        args[0] = "--db";
        args[1] = db.toString();
        System.arraycopy(command, 0, args, 2, command.length);
        return row(label, warmedUpRuns(() -> {
            StringWriter err = new StringWriter();
            int code = AuditCli.run(nullWriter(), new PrintWriter(err), args);
            if (code != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + code + ": " + err);
            }
        }));
    }

    private void timeSql(String label, String sql, String param) throws Exception {
        int[] rows = new int[1];
        long[] ms = warmedUpRuns(() -> {
            try (Connection c = reader(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, param);
                try (ResultSet rs = ps.executeQuery()) {
                    rows[0] = 0;
                    while (rs.next()) {
                        rows[0]++;
                    }
                }
            }
        });
        row(label + ", " + rows[0] + " rows", ms);
    }

    private void timeSubprocess(String label, String... command) throws Exception {
        List<String> cmd = subprocess(Arrays.asList(command));
        row(label, warmedUpRuns(() -> runSubprocess(cmd)));
    }

    /** One untimed run of each command, then {@link #runs} rounds of them in turn: their times in ms. */
    @SafeVarargs
    private long[][] alternatedSubprocesses(List<String>... commands) throws Exception {
        for (List<String> c : commands) {
            runSubprocess(c);
        }
        long[][] ms = new long[commands.length][runs];
        for (int i = 0; i < runs; i++) {
            for (int c = 0; c < commands.length; c++) {
                long t0 = System.nanoTime();
                runSubprocess(commands[c]);
                ms[c][i] = (System.nanoTime() - t0) / 1_000_000;
            }
        }
        return ms;
    }

    private List<String> subprocess(List<String> command) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar));
        if (!command.get(0).startsWith("--version")) {
            cmd.addAll(List.of("--db", db.toString()));
        }
        cmd.addAll(command);
        return cmd;
    }

    private static void runSubprocess(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int code = p.waitFor();
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited " + code);
        }
    }

    private interface Run {
        void run() throws Exception;
    }

    /** One untimed warm-up run of {@code r}, then {@link #runs} timed runs: their times in ms. */
    private long[] warmedUpRuns(Run r) throws Exception {
        long[] ms = new long[runs];
        for (int i = -1; i < runs; i++) {
            long t0 = System.nanoTime();
            r.run();
            if (i >= 0) {
                ms[i] = (System.nanoTime() - t0) / 1_000_000;
            }
        }
        return ms;
    }

    /** Times in-process verify; returns its median in ms. */
    private long timeVerify() throws Exception {
        long[] ms = new long[verifyRuns];
        for (int i = 0; i < verifyRuns; i++) {
            StringWriter out = new StringWriter();
            long t0 = System.nanoTime();
            int code = AuditCli.run(new PrintWriter(out), nullWriter(), "--db", db.toString(), "verify");
            ms[i] = (System.nanoTime() - t0) / 1_000_000;
            if (code != 0) {
                throw new IllegalStateException("verify exited " + code + ": " + out);
            }
        }
        long median = median(ms);
        line("| `verify` (in-process), %,d events | %s | %,d ms = **%,.0f events/s** |", events, list(ms), median,
                events * 1000.0 / median);
        return median;
    }

    /**
     * What any check of the whole chain must at least do, on every core: read each event row's
     * columns and compute the SHA-256 digests its hash rule needs (rule 2: one of salt and payload,
     * one of the other columns), split into one seq range per core, through plain sqlite-jdbc (no Java
     * objects, no canonical form, no comparisons). A report that states whether the chain verifies
     * cannot take less than this plus start-up. Returns the median in ms.
     */
    private long timeReadFloor() throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        long[] ms = new long[verifyRuns];
        for (int i = 0; i < verifyRuns; i++) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            List<java.util.concurrent.Future<Long>> parts = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                long from = events * t / threads;
                long to = events * (t + 1) / threads;
                parts.add(pool.submit(() -> hashRows(from, to)));
            }
            long rows = 0;
            for (java.util.concurrent.Future<Long> part : parts) {
                rows += part.get();
            }
            ms[i] = (System.nanoTime() - t0) / 1_000_000;
            pool.shutdown();
            if (rows != events) {
                throw new IllegalStateException("read " + rows + " rows of " + events);
            }
        }
        long median = median(ms);
        line("| floor: every event row read and SHA-256-hashed as its rule needs, %d threads (plain sqlite-jdbc, bytes only)"
                + " | %s | %,d ms = %,.0f events/s |", threads, list(ms), median, events * 1000.0 / median);
        return median;
    }

    private long hashRows(long fromExclusive, long toInclusive) throws Exception {
        java.security.MessageDigest sha256 = java.security.MessageDigest.getInstance("SHA-256");
        long rows = 0;
        try (Connection c = reader(); PreparedStatement ps = c.prepareStatement("SELECT seq, event_id, type, time,"
                + " session_id, call_id, prev_hash, hash, hash_rule, payload_sha256, payload_salt, payload FROM events"
                + " WHERE seq > ? AND seq <= ? ORDER BY seq")) {
            ps.setLong(1, fromExclusive);
            ps.setLong(2, toInclusive);
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    for (int col = 2; col <= 10; col++) {
                        byte[] b = rs.getBytes(col);
                        if (b != null) {
                            sha256.update(b);
                        }
                    }
                    sha256.digest();
                    for (int col = 11; col <= 12; col++) { // rule 2: the payload's own digest
                        byte[] b = rs.getBytes(col);
                        if (b != null) {
                            sha256.update(b);
                        }
                    }
                    sha256.digest();
                    rows++;
                }
            }
        }
        return rows;
    }

    private void timeExport() throws Exception {
        Path file = db.resolveSibling("bench-export.jsonl");
        long t0 = System.nanoTime();
        StringWriter err = new StringWriter();
        int code = AuditCli.run(nullWriter(), new PrintWriter(err), "--db", db.toString(), "export", "--out", file.toString());
        long exportMs = (System.nanoTime() - t0) / 1_000_000;
        if (code != 0) {
            throw new IllegalStateException("export exited " + code + ": " + err);
        }
        long size = Files.size(file);
        StringWriter out = new StringWriter();
        t0 = System.nanoTime();
        code = AuditCli.run(new PrintWriter(out), nullWriter(), "verify", "--jsonl", file.toString());
        long verifyMs = (System.nanoTime() - t0) / 1_000_000;
        if (code != 0) {
            throw new IllegalStateException("verify --jsonl exited " + code + ": " + out);
        }
        line("| `export --out FILE` (jsonl, in-process, one run), %,d bytes | %,d | %,d ms = %,.0f events/s |", size,
                exportMs, exportMs, events * 1000.0 / exportMs);
        line("| `verify --jsonl FILE` (in-process, one run) | %,d | %,d ms = **%,.0f events/s** |", verifyMs, verifyMs,
                events * 1000.0 / verifyMs);
        Files.delete(file);
    }

    private void explain(String sql, String param) throws Exception {
        line("EXPLAIN QUERY PLAN %s", sql.replace("?", "'" + param + "'"));
        line("```");
        try (Connection c = reader(); PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    line("%s", rs.getString("detail"));
                }
            }
        }
        line("```");
    }

    private Connection reader() throws Exception {
        org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
        config.setReadOnly(true);
        return config.createConnection("jdbc:sqlite:" + db);
    }

    /** A table row; returns the median. */
    private long row(String label, long[] ms) {
        line("| %s | %s | **%,d ms** |", label, list(ms), median(ms));
        return median(ms);
    }

    private static String list(long[] ms) {
        return String.join(" / ", Arrays.stream(ms).mapToObj(v -> String.format(Locale.ROOT, "%,d", v)).toList());
    }

    static long median(long[] values) {
        long[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private void line(String format, Object... args) {
        String s = String.format(Locale.ROOT, format, args);
        System.out.println(s);
        report.append(s).append('\n');
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static PrintWriter nullWriter() {
        return new PrintWriter(Writer.nullWriter());
    }
}
