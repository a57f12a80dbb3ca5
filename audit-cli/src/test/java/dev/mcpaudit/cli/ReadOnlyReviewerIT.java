package dev.mcpaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.fixtures.SyntheticCalls;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reviewer who may read the log (0444 files) but not write its directory (0555) runs the packaged
 * jar. Permission bits mean nothing to root, so when the build runs as root (as in CI) the jar runs as
 * the unprivileged user {@code nobody} through {@code runuser}; otherwise as the current user, for
 * whom the read-only bits apply as they are.
 */
class ReadOnlyReviewerIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    Path jar;
    Path logDir;
    Path db;

    @BeforeEach
    void writeALogAndCopyTheJarWhereTheReviewerCanReadIt() throws Exception {
        // The @TempDir is 0700; the reviewer must be able to reach the jar and the log inside it.
        chmod(tmp, "rwxr-xr-x");
        jar = Files.copy(Path.of("target", "audit-cli.jar"), tmp.resolve("audit-cli.jar"));
        chmod(jar, "rw-r--r--");
        logDir = Files.createDirectory(tmp.resolve("state"));
        db = logDir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            SyntheticCalls.fill(log, 30, 3, Instant.parse("2026-11-01T09:00:00Z"));
        }
        chmod(db, "rw-r--r--");
    }

    @AfterEach
    void giveTheDirectoryBack() throws Exception {
        chmod(logDir, "rwx------"); // so that the @TempDir can be deleted when the tests ran as a plain user
    }

    @Test
    void everyReadCommandWorksOnAClosedLogAndCreatesNothing() throws Exception {
        chmod(db, "r--r--r--");
        chmod(logDir, "r-xr-xr-x");
        List<String> before = listing(logDir);

        Result verify = reviewer("--db", db.toString(), "verify", "--format", "json");
        Result calls = reviewer("--db", db.toString(), "calls", "--limit", "0", "--format", "json");
        String callId = JSON.readTree(calls.out).get(0).get("call_id").asText();
        Result show = reviewer("--db", db.toString(), "show", callId);
        Result sessions = reviewer("--db", db.toString(), "sessions");
        Result report = reviewer("--db", db.toString(), "report");
        Result export = reviewer("--db", db.toString(), "export");

        assertThat(verify.code).as(verify.err).isZero();
        assertThat(JSON.readTree(verify.out).get("intact").asBoolean()).isTrue();
        assertThat(calls.code).as(calls.err).isZero();
        assertThat(JSON.readTree(calls.out)).hasSize(30);
        assertThat(show.code).as(show.err).isZero();
        assertThat(show.out).contains("call " + callId);
        assertThat(sessions.code).as(sessions.err).isZero();
        assertThat(report.code).as(report.err).isZero();
        assertThat(report.out).contains("| Chain | **intact** |");
        assertThat(export.code).as(export.err).isZero();
        assertThat(export.out.lines()).hasSizeGreaterThan(30);
        assertThat(listing(logDir)).isEqualTo(before);
    }

    @Test
    void whileTheProxyWritesTheReviewerReadsItsUnmergedEventsToo() throws Exception {
        try (AuditLog proxy = AuditLog.openForAppend(db)) {
            long before = proxy.head().orElseThrow().seq();
            proxy.appender().append(NewEvent.now(EventType.CALL_REQUESTED, "live", "live-call",
                    JSON.createObjectNode().put("profile", "prod").put("tool", "aws___call_aws")));
            // The proxy's connection is open: the new event is in audit.db-wal, beside audit.db-shm.
            assertThat(Files.size(Path.of(db + "-wal"))).isPositive();
            chmod(logDir, "r-xr-xr-x");

            Result verify = reviewer("--db", db.toString(), "verify", "--format", "json");
            Result calls = reviewer("--db", db.toString(), "calls", "--session", "live", "--format", "json");

            assertThat(verify.code).as(verify.err).isZero();
            assertThat(JSON.readTree(verify.out).get("last_seq").asLong()).isEqualTo(before + 1);
            assertThat(calls.code).as(calls.err).isZero();
            assertThat(JSON.readTree(calls.out).get(0).get("call_id").asText()).isEqualTo("live-call");
        }
    }

    @Test
    void unmergedEventsTheReviewerCannotReadAreAnEnvironmentErrorNotStaleData() throws Exception {
        try (AuditLog proxy = AuditLog.openForAppend(db)) {
            proxy.appender().append(NewEvent.now(EventType.CALL_REQUESTED, "live", "live-call",
                    JSON.createObjectNode().put("profile", "prod")));
            chmod(Path.of(db + "-wal"), "rw-------");
            chmod(logDir, "r-xr-xr-x");

            Result verify = reviewer("--db", db.toString(), "verify");
            Result calls = reviewer("--db", db.toString(), "calls");

            for (Result r : List.of(verify, calls)) {
                assertThat(r.code).as(r.err).isEqualTo(3);
                assertThat(r.err).contains("has events in audit.db-wal not yet merged into it");
                assertThat(r.out).isEmpty();
            }
        }
    }

    @Test
    void checkpointOfALogTheReviewerCannotWriteFailsAndLeavesNoCheckpointFileBehind() throws Exception {
        Path outDir = Files.createDirectory(tmp.resolve("out"));
        chmod(outDir, "rwxrwxrwx");
        Path key = outDir.resolve("cp.key");
        Result keygen = reviewer("keygen", "--key", key.toString());
        assertThat(keygen.code).as(keygen.err).isZero();
        chmod(db, "r--r--r--");
        chmod(logDir, "r-xr-xr-x");
        byte[] before = Files.readAllBytes(db);

        Result checkpoint = reviewer("--db", db.toString(), "checkpoint", "--key", key.toString(), "--out",
                outDir.resolve("today.checkpoint").toString());

        assertThat(checkpoint.code).as(checkpoint.err).isEqualTo(3);
        assertThat(checkpoint.err).contains("audit log " + db);
        assertThat(listing(outDir)).containsExactly("cp.key", "cp.key.pub");
        assertThat(Files.readAllBytes(db)).isEqualTo(before);
    }

    private record Result(int code, String out, String err) {}

    /** Runs the jar as someone who is not the log's owner (see the class comment). */
    private Result reviewer(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (runningAsRoot()) {
            cmd.addAll(List.of("runuser", "-u", "nobody", "--"));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err);
    }

    private static boolean runningAsRoot() throws Exception {
        Process id = new ProcessBuilder("id", "-u").start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertThat(id.waitFor()).isZero();
        return uid.equals("0");
    }

    private static List<String> listing(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static void chmod(Path p, String perms) throws Exception {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }
}
