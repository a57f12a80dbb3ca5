package dev.mcpaudit.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** audit-cli's jar as this build made it (the reactor builds it before the proxy), run as a user runs it. */
final class AuditCliProcess {
    static final Path JAR = Path.of("..", "audit-cli", "target", "audit-cli.jar");

    /** @param output stdout; {@code stderr} what it said there */
    record Result(int exit, String output, String stderr) {
        /** Both, for an assertion's description. */
        @Override
        public String toString() {
            return "exit " + exit + "\n" + output + stderr;
        }
    }

    private AuditCliProcess() {}

    /** Runs to the end with stdin closed. */
    static Result run(Map<String, String> env, String... args) throws Exception {
        Path stderr = java.nio.file.Files.createTempFile("audit-cli", ".stderr");
        try {
            Process p = start(env, stderr, args);
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("audit-cli %s ended", String.join(" ", args)).isTrue();
            return new Result(p.exitValue(), out, java.nio.file.Files.readString(stderr));
        } finally {
            java.nio.file.Files.deleteIfExists(stderr);
        }
    }

    /** Started and left running (e.g. {@code mock}); stderr goes to {@code stderr}. */
    static Process start(Map<String, String> env, Path stderr, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command(args)).redirectError(stderr.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    private static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProxyProcess.javaBinary(), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
