package dev.mcpaudit.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.cli.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sessions committed as fixtures (recorded by the proxy's CommittedFixturesIT, shipped in
 * src-test-fixtures) as regression input for audit-cli's replay planning and diff.
 */
class CommittedFixturesCliTest {
    private static final String AWS = "https://aws-mcp.us-east-1.api.aws/mcp";

    @TempDir
    Path dir;

    /** A copy on disk of the fixture as src-test-fixtures ships it (in its jar, or its classes directory). */
    private Path committed(String name) throws IOException {
        Path file = dir.resolve(name + ".mcpfix.json");
        try (InputStream in = CommittedFixturesCliTest.class.getResourceAsStream("/fixtures/" + name + ".mcpfix.json")) {
            Files.copy(in, file);
        }
        return file;
    }

    @Test
    void againstRealAwsOnlyTheInvestigationsReadsWouldBeSentAndStrictRefusesItsScript() throws Exception {
        Path investigation = committed("cross-account-investigation");

        CliRun plan = CliRun.of("replay", investigation.toString(), "--endpoint", AWS, "--dry-run");
        CliRun strict = CliRun.of("replay", investigation.toString(), "--endpoint", AWS, "--strict");

        assertThat(plan.exitCode()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("Plan: 6 calls: 5 to send, 1 skipped.")
                .contains("aws___run_script  a script can do anything");
        assertThat(strict.exitCode()).isEqualTo(ExitCode.POLICY_REFUSED);
        assertThat(strict.err()).contains("--allow-writes 'aws___run_script'");
    }

    @Test
    void theFailuresSessionKeepsItsDeniedCallAndItsSecretsOutOfWhatWouldBeSent() throws Exception {
        CliRun plan = CliRun.of("replay", committed("denied-error-timeout-secret").toString(), "--endpoint", AWS,
                "--dry-run", "--allow-writes", "secretsmanager *");

        assertThat(plan.exitCode()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("the proxy refused it when recorded")
                .contains("secretsmanager create-secret  its recorded arguments hold a redaction marker")
                .doesNotContain("hunter2");
    }

    @Test
    void diffOfTheTwoSessionsFindsNoCallInCommonAndTheWriteOnOneSideOnly() throws Exception {
        CliRun diff = CliRun.of("diff", committed("cross-account-investigation").toString(),
                committed("denied-error-timeout-secret").toString(), "--format", "json");

        assertThat(diff.exitCode()).isEqualTo(ExitCode.FINDING);
        assertThat(diff.out()).contains("\"one_sided_writes\"").contains("aws___run_script")
                .contains("secretsmanager create-secret");
    }
}
