package dev.mcpaudit.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpaudit.proxy.e2e.ExternalCommand.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/mcp-audit-proxy} and {@code bin/audit-cli} as an agent config or a shell runs them:
 * through a symlink, from another directory, with the README's JVM flags and the user's own; and
 * what they say when there is no Java or no jar.
 */
class LaunchersIT {
    static final Path BIN = DemoIT.REPO.resolve("bin");

    @TempDir
    Path dir;

    @Test
    void theProxyLauncherRunsTheJarThroughASymlinkFromAnotherDirectoryWithTheSerialCollectorAndTheUsersFlags() throws Exception {
        Path link = dir.resolve("mcp-audit-proxy");
        Files.createSymbolicLink(link, BIN.resolve("mcp-audit-proxy"));
        // -Xlog:gc:stderr says which collector runs, on stderr: stdout stays the proxy's alone.
        Run run = ExternalCommand.run(dir, Map.of("MCP_AUDIT_JAVA_OPTS", "-Xlog:gc:stderr"), link.toString(), "--version");
        assertThat(run.exit()).as("%s", run).isZero();
        assertThat(run.stdout()).matches("mcp-audit-proxy \\S+\\R");
        assertThat(run.stderr()).contains("Using Serial");
    }

    @Test
    void aChainOfRelativeSymlinksLeadsTheAuditCliLauncherToItsJar() throws Exception {
        Path first = Files.createDirectories(dir.resolve("first"));
        Path second = Files.createDirectories(dir.resolve("second"));
        Files.createSymbolicLink(second.resolve("real-audit-cli"), BIN.resolve("audit-cli"));
        Files.createSymbolicLink(first.resolve("audit-cli"), Path.of("../second/real-audit-cli"));
        Run run = ExternalCommand.run(dir, Map.of(), first.resolve("audit-cli").toString(), "--version");
        assertThat(run.exit()).as("%s", run).isZero();
        assertThat(run.stdout()).startsWith("audit-cli ");
    }

    @Test
    void withoutJavaTheLaunchersSaySoAndExit127() throws Exception {
        Path tools = Files.createDirectories(dir.resolve("no-java"));
        for (String tool : List.of("dirname", "readlink")) { // all a launcher needs besides java
            Files.createSymbolicLink(tools.resolve(tool), which(tool));
        }
        for (String launcher : List.of("mcp-audit-proxy", "audit-cli")) {
            Run run = ExternalCommand.run(dir, Map.of("PATH", tools.toString(), "JAVA_HOME", ""), "/bin/sh",
                    BIN.resolve(launcher).toString(), "--version");
            assertThat(run.exit()).as("%s", run).isEqualTo(127);
            assertThat(run.stderr()).contains(launcher + ": no Java found").contains("JDK 17");
        }
    }

    @Test
    void withoutTheJarTheLauncherSaysHowToBuildIt() throws Exception {
        Path copy = Files.createDirectories(dir.resolve("unbuilt/bin/lib"));
        for (String file : List.of("audit-cli", "lib/run-jar.sh")) {
            Files.copy(BIN.resolve(file), copy.getParent().resolve(file));
        }
        Run run = ExternalCommand.run(dir, Map.of(), "/bin/sh", copy.getParent().resolve("audit-cli").toString(), "--version");
        assertThat(run.exit()).as("%s", run).isEqualTo(127);
        assertThat(run.stderr()).contains("audit-cli.jar is missing").contains("./mvnw -B -q package -DskipTests");
    }

    private static Path which(String tool) {
        for (String entry : System.getenv("PATH").split(":")) {
            Path candidate = Path.of(entry, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(tool + " is not on PATH");
    }
}
