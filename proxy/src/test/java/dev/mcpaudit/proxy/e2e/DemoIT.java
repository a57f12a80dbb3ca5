package dev.mcpaudit.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpaudit.fixtures.DemoSeed;
import dev.mcpaudit.fixtures.FixtureProfiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit-cli demo}, the README's first command, run as a new user runs it: from the built jar,
 * and through {@code bin/audit-cli} symlinked elsewhere and started from another directory. It must
 * show both accounts, the refused {@code admin} profile and an intact log, never the secret, and
 * finish within 10 seconds.
 */
class DemoIT {
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final Path AUDIT_CLI_JAR = REPO.resolve("audit-cli/target/audit-cli.jar");
    static final long WALL_LIMIT_MS = 10_000;

    @TempDir
    Path dir;

    @Test
    void theDemoShowsBothAccountsTheRefusedProfileAndAnIntactLogWithoutTheSecret() throws Exception {
        Path keep = dir.resolve("demo");
        ExternalCommand.Run run = ExternalCommand.run(dir, Map.of(),
                ProxyProcess.javaBinary(), "-jar", AUDIT_CLI_JAR.toString(), "demo", "--keep", keep.toString());
        System.out.println("audit-cli demo (java -jar) took " + run.wallMs() + " ms");

        assertThat(run.exit()).as("%s", run).isZero();
        assertThat(run.stdout())
                .contains(FixtureProfiles.DEV_ACCOUNT, FixtureProfiles.PROD_ACCOUNT)
                .contains("$ audit-cli calls", "$ audit-cli report --profile prod", "$ audit-cli verify")
                .contains("aws_profile 'admin' is not an allowed profile")
                .contains("the log is intact")
                .contains("HTML report: " + keep.resolve("report.html"));
        assertThat(deniedRows(run.stdout())).as("the calls listing shows the admin attempt as denied").isNotEmpty();
        String html = Files.readString(keep.resolve("report.html"));
        assertThat(html).startsWith("<!DOCTYPE html>").contains("Denied attempts").contains("admin")
                .contains(FixtureProfiles.DEV_ACCOUNT, FixtureProfiles.PROD_ACCOUNT);
        assertSecretNowhere(run, keep);
        assertThat(run.wallMs()).as("wall time of the demo").isLessThan(WALL_LIMIT_MS);
    }

    @Test
    void theDemoRunsThroughTheLauncherSymlinkedOntoPathFromAnotherDirectoryAndCleansUp() throws Exception {
        Path onPath = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(onPath.resolve("audit-cli"), REPO.resolve("bin/audit-cli"));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));

        // Through sh, so that the command is looked up on the child's PATH, as a shell does.
        ExternalCommand.Run run = ExternalCommand.run(elsewhere, Map.of("PATH", onPath + ":" + System.getenv("PATH")),
                "/bin/sh", "-c", "audit-cli demo");
        System.out.println("audit-cli demo (bin/audit-cli on PATH) took " + run.wallMs() + " ms");

        assertThat(run.exit()).as("%s", run).isZero();
        assertThat(run.stdout()).contains("the log is intact", FixtureProfiles.PROD_ACCOUNT);
        assertThat(run.stdout() + run.stderr()).doesNotContain(DemoSeed.SECRET);
        Matcher temp = Pattern.compile("Set up in (\\S+) \\(temporary\\)").matcher(run.stdout());
        assertThat(temp.find()).as("%s", run).isTrue();
        assertThat(Path.of(temp.group(1))).as("the temporary directory is removed at the end").doesNotExist();
        assertThat(run.wallMs()).as("wall time of the demo").isLessThan(WALL_LIMIT_MS);
    }

    @Test
    void aKeepDirectoryThatHoldsFilesIsRefusedAndLeftAlone() throws Exception {
        Path keep = Files.createDirectories(dir.resolve("full"));
        Files.writeString(keep.resolve("audit.db"), "someone else's");
        ExternalCommand.Run run = ExternalCommand.run(dir, Map.of(),
                ProxyProcess.javaBinary(), "-jar", AUDIT_CLI_JAR.toString(), "demo", "--keep", keep.toString());
        assertThat(run.exit()).as("%s", run).isEqualTo(2);
        assertThat(run.stderr()).contains("is not empty; name a new or empty directory");
        assertThat(Files.readString(keep.resolve("audit.db"))).isEqualTo("someone else's");
    }

    /** The lines of the {@code calls} listing with the admin attempt. */
    private static List<String> deniedRows(String stdout) {
        // a refused aws_profile value is listed quoted, in a column of its own, never as a profile
        return stdout.lines().filter(l -> l.contains("\"admin\"") && l.contains("denied")).toList();
    }

    private static void assertSecretNowhere(ExternalCommand.Run run, Path keep) throws IOException {
        assertThat(run.stdout()).doesNotContain(DemoSeed.SECRET);
        assertThat(run.stderr()).doesNotContain(DemoSeed.SECRET);
        byte[] secret = DemoSeed.SECRET.getBytes(StandardCharsets.UTF_8);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(keep)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).as("the log, its WAL, the profiles, the report").isNotEmpty();
        for (Path file : files) {
            assertThat(indexOf(Files.readAllBytes(file), secret)).as("the secret in %s", file).isEqualTo(-1);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
