package dev.mcpaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpaudit.fixtures.SyntheticCalls;
import dev.mcpaudit.schema.AuditLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the packaged, self-contained jar as a user would. */
class AuditCliJarIT {
    private static final Path JAR = Path.of("target", "audit-cli.jar");

    @TempDir
    Path dir;

    @Test
    void versionNamesTheProjectVersion() throws Exception {
        Result r = run(List.of("--version"));

        assertThat(r.code).isZero();
        assertThat(r.out.strip()).matches("audit-cli \\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void verifiesALogAndKeepsDiagnosticsOffStdout() throws Exception {
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            SyntheticCalls.fill(log, 20, 1, Instant.parse("2026-11-01T09:00:00Z"));
        }

        Result ok = run(List.of("--db", db.toString(), "verify"));
        Result missing = run(List.of("--db", dir.resolve("missing.db").toString(), "verify"));

        assertThat(ok.code).isZero();
        assertThat(ok.out).contains("the log is intact");
        assertThat(missing.code).isEqualTo(3);
        assertThat(missing.out).isEmpty();
        assertThat(missing.err).contains("no audit log at");
    }

    private record Result(int code, String out, String err) {}

    private static Result run(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err);
    }
}
