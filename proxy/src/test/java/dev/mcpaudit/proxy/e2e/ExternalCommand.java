package dev.mcpaudit.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A command run to its end as a user runs it: in a working directory, stdin closed, its output and wall time kept. */
final class ExternalCommand {
    /** A finished process: exit code, what it wrote, and how long it took from start to exit. */
    record Run(int exit, String stdout, String stderr, long wallMs) {
        @Override
        public String toString() {
            return "exit " + exit + " after " + wallMs + " ms\n" + stdout + stderr;
        }
    }

    static Run run(Path workingDir, Map<String, String> env, String... command) throws Exception {
        Path out = Files.createTempFile("command", ".out");
        Path err = Files.createTempFile("command", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(workingDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            long started = System.nanoTime();
            Process p = pb.start();
            p.getOutputStream().close();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s ended", String.join(" ", command)).isTrue();
            long wallMs = (System.nanoTime() - started) / 1_000_000;
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err), wallMs);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private ExternalCommand() {}
}
