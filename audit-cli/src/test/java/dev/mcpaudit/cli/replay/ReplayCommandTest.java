package dev.mcpaudit.cli.replay;

import static dev.mcpaudit.cli.replay.RecordedCalls.awsCall;
import static dev.mcpaudit.cli.replay.RecordedCalls.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.fixtures.replay.Fixture.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command in-process, up to the point where a proxy would start: plans, refusals and usage errors. */
class ReplayCommandTest {
    private static final String AWS = "https://aws-mcp.us-east-1.api.aws/mcp";

    @TempDir
    Path dir;
    Path fixture;
    Path db;
    Path noJar;

    @BeforeEach
    void writeFixture() throws Exception {
        fixture = dir.resolve("session.mcpfix.json");
        db = dir.resolve("audit.db");
        noJar = dir.resolve("missing-proxy.jar");
        RecordedCalls.fixture(List.of(
                awsCall(3, "dev", "aws s3 ls", Outcome.OK, "{\"content\":[],\"isError\":false}"),
                awsCall(5, "prod", "aws s3api put-bucket-policy --bucket b --policy file://p.json", Outcome.OK, "{\"content\":[]}"),
                awsCall(7, "prod", "aws iam delete-user --user-name bob", Outcome.DENIED, null),
                toolCall(9, "dev", "aws___run_script", "{\"script\":\"print(1)\"}", Outcome.OK, "{\"content\":[]}")))
                .write(fixture);
    }

    private CliRun replay(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("--db", db.toString(), "replay", fixture.toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    @Test
    void helpShowsExamplesAndRendersWithoutWarnings() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        CliRun run;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            run = CliRun.of("replay", "--help");
        } finally {
            System.setErr(original);
        }

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: audit-cli replay").contains("Examples:", "--allow-writes", "4 --strict refused");
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void dryRunAgainstRealAwsPrintsThePlanAndStartsNoProxy() {
        CliRun run = replay("--endpoint", AWS, "--dry-run", "--proxy-jar", noJar.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("real endpoint: only calls proven read-only are sent", "dry run: nothing is sent");
        assertThat(run.out().lines().filter(l -> l.startsWith("SEND") || l.startsWith("SKIP")).toList()).containsExactly(
                "SEND  #1  seq 3  dev   aws___call_aws s3 ls",
                "SKIP  #2  seq 5  prod  aws___call_aws s3api put-bucket-policy  write operation s3api put-bucket-policy"
                        + " (allow with --allow-writes 's3api put-bucket-policy')",
                "SKIP  #3  seq 7  prod  aws___call_aws iam delete-user  the proxy refused it when recorded",
                "SKIP  #4  seq 9  dev   aws___run_script  a script can do anything, so it cannot be proven read-only"
                        + " (allow with --allow-writes 'aws___run_script')");
        assertThat(run.out()).contains("Plan: 4 calls: 1 to send, 3 skipped. Nothing was sent. Exit 0.");
        assertThat(Files.exists(db)).isFalse();
    }

    @Test
    void strictRefusesBeforeSendingAndSaysHowToAllow() {
        CliRun run = replay("--endpoint", AWS, "--strict", "--proxy-jar", noJar.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.POLICY_REFUSED);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("--strict: 2 calls cannot be proven read-only", "nothing was sent",
                "#2  seq 5  prod  aws___call_aws s3api put-bucket-policy",
                "#4  seq 9  dev  aws___run_script",
                "add --allow-writes 's3api put-bucket-policy' --allow-writes 'aws___run_script'");
        assertThat(run.err()).doesNotContain("delete-user"); // denied calls are skipped, not refused
    }

    @Test
    void strictWithEverythingAllowedHasNothingToRefuse() {
        CliRun run = replay("--endpoint", AWS, "--strict", "--dry-run", "--allow-writes", "s3api *", "--allow-writes",
                "aws___run_script");

        assertThat(run.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("allowed by --allow-writes 's3api *'");
    }

    @Test
    void dryRunAsJsonIsMachineReadable() throws Exception {
        CliRun run = replay("--endpoint", AWS, "--dry-run", "--format", "json");
        JsonNode json = RecordedCalls.JSON.readTree(run.out());

        assertThat(json.path("dry_run").asBoolean()).isTrue();
        assertThat(json.path("loopback").asBoolean()).isFalse();
        assertThat(json.path("source").path("session_id").asText()).isEqualTo("sess-1");
        assertThat(json.path("summary").path("send").asInt()).isEqualTo(1);
        assertThat(json.path("calls").findValuesAsText("status")).containsExactly("send", "skipped", "skipped", "skipped");
        assertThat(json.path("calls").get(1).path("reason").asText()).startsWith("write operation s3api put-bucket-policy");
    }

    @Test
    void againstALoopbackMockEverythingButDeniedIsPlanned() {
        CliRun run = replay("--endpoint", "http://127.0.0.1:9/mcp", "--dry-run", "--format", "md");

        assertThat(run.out()).contains("| 1 | 3 | dev | `aws___call_aws s3 ls` | SEND |",
                "| 3 | 7 | prod | `aws___call_aws iam delete-user` | SKIP | the proxy refused it when recorded |",
                "**Plan:** 4 calls: 3 to send, 1 skipped.");
    }

    @Test
    void profileMapShowsWhoSigns() {
        CliRun run = replay("--endpoint", AWS, "--dry-run", "--profile-map", "dev=readonly-dev");

        assertThat(run.out()).contains("SEND  #1  seq 3  dev->readonly-dev  aws___call_aws s3 ls");
    }

    @Test
    void aMissingProxyJarIsAnEnvironmentErrorNamingTheFlag() {
        CliRun run = replay("--endpoint", "http://127.0.0.1:9/mcp", "--proxy-jar", noJar.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
        assertThat(run.err()).contains("the proxy jar " + noJar + " (from --proxy-jar) does not exist");
    }

    @Test
    void whenNothingMaySendNoProxyIsNeeded() throws Exception {
        RecordedCalls.fixture(List.of(awsCall(5, "prod", "aws s3 rm s3://b/k", Outcome.OK, "{}"))).write(fixture);

        CliRun run = replay("--endpoint", AWS, "--proxy-jar", noJar.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(run.err()).contains("no call of " + fixture + " may be sent");
        assertThat(run.out()).contains("SKIPPED  #1  seq 5  prod  aws___call_aws s3 rm  write operation s3 rm",
                "Result: 1 call: 0 match, 0 changed, 0 outcome changed, 0 missing, 0 hash-only, 1 skipped. Exit 0.");
    }

    @Test
    void aPathThatIsNoFileAndNoLogToFindASessionInAsksForAFixture() {
        CliRun run = CliRun.of("replay", dir.resolve("s-57").toString(), "--endpoint", AWS,
                "--db", dir.resolve("no-such.db").toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("give a fixture file (audit-cli fixture export");
    }

    @Test
    void aSessionOfTheLogIsReplayedAsItsExportWould() {
        Path db = dir.resolve("audit.db");
        SampleSession.record(db);

        CliRun run = CliRun.of("replay", SampleSession.ID.substring(0, 12), "--endpoint", AWS, "--dry-run",
                "--db", db.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("session " + SampleSession.ID).contains("SEND  #1  seq 6   dev    aws___call_aws s3 ls")
                .contains("the proxy refused it when recorded");
    }

    @Test
    void aFileThatIsNoFixtureIsAUsageError() throws Exception {
        Files.writeString(fixture, "{\"calls\":[]}");

        CliRun run = replay("--endpoint", AWS, "--dry-run");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("has no \"format\" field");
    }

    @Test
    void badFlagsAreUsageErrorsThatSayWhatToWrite() {
        assertThat(replay("--endpoint", "http://aws-mcp.example.com/mcp", "--dry-run").err()).contains("only over https");
        assertThat(replay("--endpoint", "ftp://x/mcp", "--dry-run").err()).contains("write e.g. https://");
        assertThat(replay("--endpoint", AWS, "--timeout", "soon").err()).contains("--timeout 'soon' is not a duration");
        assertThat(replay("--endpoint", AWS, "--profile-map", "staging=ro").err())
                .contains("the fixture has no calls of profile 'staging'; its profiles are [dev, prod]");
        assertThat(replay("--endpoint", AWS, "--profile-map", "dev").exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(replay("--dry-run").exitCode()).isEqualTo(ExitCode.USAGE); // --endpoint is required
    }
}
