package dev.mcpaudit.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.cli.CliRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code audit-cli diff} of fixture files: what a person comparing two runs would look for. */
class DiffCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUNNING = "{\"Reservations\":[{\"Instances\":[{\"InstanceId\":\"i-0b2\",\"State\":{\"Name\":\"running\"}}]}]}";
    private static final String STOPPED = "{\"Reservations\":[{\"Instances\":[{\"InstanceId\":\"i-0b2\",\"State\":{\"Name\":\"stopped\"}}]}]}";

    @TempDir
    Path dir;

    private DiffFixtures base() {
        return DiffFixtures.session("dev", "111122223333")
                .call("aws sts get-caller-identity", "{\"Account\":\"111122223333\"}")
                .call("aws ec2 describe-instances", RUNNING)
                .call("aws lambda list-functions", "{\"Functions\":[]}");
    }

    private String file(String name, DiffFixtures fixture) throws Exception {
        return fixture.write(dir.resolve(name)).toString();
    }

    @Test
    void identicalFixturesAreTheSameAndExitZero() throws Exception {
        CliRun run = CliRun.of("diff", file("a.json", base()), file("b.json", base()));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("3 same, 0 similar (volatile fields only), 0 changed, 0 only in A, 0 only in B")
                .contains("first divergence: none")
                .containsPattern("(?m)^SAME +A#1-3 +B#1-3 +3 calls: same tool, arguments and result$")
                .contains("Writes present on one side only: none");
    }

    @Test
    void fixturesDifferingOnlyInTheirToolCatalogueDifferAtThePointer() throws Exception {
        String initialize = "{\"protocolVersion\":\"2025-06-18\",\"serverInfo\":{\"name\":\"aws-mcp\",\"version\":\"1.4.0\"}}";
        String tools = "{\"tools\":[{\"name\":\"aws___call_aws\",\"inputSchema\":{\"type\":\"object\",\"properties\":"
                + "{\"cli_command\":{\"type\":\"string\"}}}}]}";
        String withRegion = tools.replace("{\"cli_command\":{\"type\":\"string\"}}",
                "{\"cli_command\":{\"type\":\"string\"},\"region\":{\"type\":\"string\"}}");
        String a = file("a.json", base().server(initialize, tools));
        String b = file("b.json", base().server(initialize, withRegion));

        CliRun text = CliRun.of("diff", a, b);
        CliRun json = CliRun.of("diff", a, b, "--format", "json");
        CliRun md = CliRun.of("diff", a, b, "--format", "md");

        assertThat(text.exitCode()).as(text.err()).isEqualTo(1);
        assertThat(text.out()).contains("3 same, 0 similar (volatile fields only), 0 changed, 0 only in A, 0 only in B;"
                        + " the server's catalogue changed")
                .contains("CATALOGUE  SAME     dev  initialize\n")
                .contains("CATALOGUE  CHANGED  dev  tools/list\n             /tools/0/inputSchema/properties/region: (absent) -> ");
        JsonNode report = JSON.readTree(json.out());
        assertThat(json.exitCode()).isEqualTo(1);
        assertThat(report.path("summary").path("catalogue_changed").asBoolean()).isTrue();
        assertThat(report.path("catalogue").findValuesAsText("status")).containsExactly("same", "changed");
        assertThat(report.path("catalogue").get(1).path("differences").get(0).path("pointer").asText())
                .isEqualTo("/tools/0/inputSchema/properties/region");
        assertThat(md.out()).contains("| dev | `tools/list` | **CHANGED** | `/tools/0/inputSchema/properties/region`");
    }

    @Test
    void fixturesWithoutServersSayTheCatalogueWasNotRecordedAndDoNotDiffer() throws Exception {
        CliRun run = CliRun.of("diff", file("a.json", base()), file("b.json", base()));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("CATALOGUE  NOT-RECORDED  (no server answers)  (neither side holds upstream's initialize"
                + " or tools/list answers; record with --record-results)");
    }

    @Test
    void aChangedResultIsShownAtItsCallAndPointer() throws Exception {
        DiffFixtures b = DiffFixtures.session("dev", "111122223333")
                .call("aws sts get-caller-identity", "{\"Account\":\"111122223333\"}")
                .call("aws ec2 describe-instances", STOPPED)
                .call("aws lambda list-functions", "{\"Functions\":[]}");

        CliRun run = CliRun.of("diff", file("a.json", base()), file("b.json", b));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("2 same, 0 similar (volatile fields only), 1 changed")
                .contains("first divergence: A#2 (seq 20) / B#2 (seq 20)")
                .containsPattern("(?m)^CHANGED +A#2 +B#2 +aws___call_aws ec2 describe-instances  \\[dev\\]  seq 20/20$")
                .contains("result /content/0/text/Reservations/0/Instances/0/State/Name: \"running\" -> \"stopped\"")
                .containsPattern("(?m)^SAME +A#1 +B#1 ")
                .containsPattern("(?m)^SAME +A#3 +B#3 ");
    }

    @Test
    void aCallOnOneSideOnlyIsRemovedOrAdded() throws Exception {
        DiffFixtures a = base().call("aws s3 ls", "bucket-a");
        DiffFixtures b = DiffFixtures.session("dev", "111122223333")
                .call("aws sts get-caller-identity", "{\"Account\":\"111122223333\"}")
                .call("aws iam list-roles", "{\"Roles\":[]}")
                .call("aws ec2 describe-instances", RUNNING)
                .call("aws lambda list-functions", "{\"Functions\":[]}");

        CliRun run = CliRun.of("diff", file("a.json", a), file("b.json", b));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).containsPattern("(?m)^ONLY-B +B#2 +aws___call_aws iam list-roles")
                .containsPattern("(?m)^ONLY-A +A#4 +aws___call_aws s3 ls")
                .contains("1 only in A, 1 only in B")
                .contains("first divergence: B#2 (seq 20), only in B");
    }

    @Test
    void theSameCallWithOtherArgumentsIsOneChangeNotARemovalAndAnAddition() throws Exception {
        DiffFixtures a = DiffFixtures.session("dev", "111122223333").call("aws s3 ls s3://app-logs --recursive", "x.log");
        DiffFixtures b = DiffFixtures.session("dev", "111122223333").call("aws s3 ls s3://app-logs-eu --recursive", "x.log");

        CliRun run = CliRun.of("diff", file("a.json", a), file("b.json", b));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).containsPattern("(?m)^CHANGED +A#1 +B#1 +aws___call_aws s3 ls")
                .contains("args /cli_command: \"aws s3 ls s3://app-logs --recursive\" -> \"aws s3 ls s3://app-logs-eu --recursive\"")
                .doesNotContain("ONLY-A").doesNotContain("ONLY-B");
    }

    @Test
    void volatileOnlyDifferencesAreSimilarAndCounted() throws Exception {
        DiffFixtures a = DiffFixtures.session("dev", "111122223333").call("aws ec2 describe-instances",
                "{\"LaunchTime\":\"2026-12-01T09:15:00Z\",\"ResponseMetadata\":{\"RequestId\":\"a1\"},\"State\":\"running\"}");
        DiffFixtures b = DiffFixtures.session("dev", "111122223333").call("aws ec2 describe-instances",
                "{\"LaunchTime\":\"2026-12-03T10:00:00Z\",\"ResponseMetadata\":{\"RequestId\":\"b2\"},\"State\":\"running\"}");

        CliRun run = CliRun.of("diff", file("a.json", a), file("b.json", b));

        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.out()).contains("0 same, 1 similar (volatile fields only), 0 changed").contains("2 volatile paths ignored")
                .containsPattern("(?m)^SIMILAR +A#1 +B#1 ").contains("(2 volatile paths ignored)");
    }

    @Test
    void ignoreAndIgnoreKeyTurnADifferenceIntoAnIgnoredPath() throws Exception {
        DiffFixtures a = DiffFixtures.session("dev", "111122223333").call("aws s3api get-bucket-acl --bucket b",
                "{\"Owner\":{\"DisplayName\":\"alice\"},\"ETag\":\"e1\"}");
        DiffFixtures b = DiffFixtures.session("dev", "111122223333").call("aws s3api get-bucket-acl --bucket b",
                "{\"Owner\":{\"DisplayName\":\"bob\"},\"ETag\":\"e2\"}");
        String fa = file("a.json", a);
        String fb = file("b.json", b);

        CliRun plain = CliRun.of("diff", fa, fb);
        CliRun ignoring = CliRun.of("diff", fa, fb, "--ignore", "/content/*/text/Owner/DisplayName", "--ignore-key", "ETag");

        assertThat(plain.exitCode()).isEqualTo(1);
        assertThat(plain.out()).contains("result /content/0/text/Owner/DisplayName: \"alice\" -> \"bob\"")
                .contains("result /content/0/text/ETag: \"e1\" -> \"e2\"");
        assertThat(ignoring.exitCode()).as(ignoring.out()).isZero();
        assertThat(ignoring.out()).contains("1 similar").contains("2 volatile paths ignored");
    }

    @Test
    void aFixturesOwnVolatileKeysApply() throws Exception {
        DiffFixtures a = DiffFixtures.session("dev", "111122223333").volatileKeys("ETag").call("aws s3api head-object", "{\"ETag\":\"e1\"}");
        DiffFixtures b = DiffFixtures.session("dev", "111122223333").call("aws s3api head-object", "{\"ETag\":\"e2\"}");

        CliRun run = CliRun.of("diff", file("a.json", a), file("b.json", b));

        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.out()).contains("1 similar");
    }

    @Test
    void mapAccountLinesUpTwoAccounts() throws Exception {
        DiffFixtures a = DiffFixtures.session("staging", "444455556666")
                .call("aws iam get-role --role-name deploy", "{\"Role\":{\"Arn\":\"arn:aws:iam::444455556666:role/deploy\"}}");
        DiffFixtures b = DiffFixtures.session("prod", "777788889999")
                .call("aws iam get-role --role-name deploy", "{\"Role\":{\"Arn\":\"arn:aws:iam::777788889999:role/deploy\"}}");
        String fa = file("a.json", a);
        String fb = file("b.json", b);

        CliRun plain = CliRun.of("diff", fa, fb);
        CliRun mapped = CliRun.of("diff", fa, fb, "--map-account", "444455556666=777788889999");

        assertThat(plain.exitCode()).isEqualTo(1);
        assertThat(plain.out()).contains("hint: A used account 444455556666 and B 777788889999; add --map-account 444455556666=777788889999")
                .contains("result /content/0/text/Role/Arn: \"arn:aws:iam::444455556666:role/deploy\" -> \"arn:aws:iam::777788889999:role/deploy\"");
        assertThat(mapped.exitCode()).as(mapped.out()).isZero();
        assertThat(mapped.out()).contains("normalised: account 444455556666 -> 777788889999 in A's arguments and results")
                .contains("1 same").containsPattern("(?m)^SAME +A#1 +B#1 ");
    }

    @Test
    void writesOnOneSideOnlyAreListed() throws Exception {
        DiffFixtures a = base().call("aws ec2 stop-instances --instance-ids i-0b2", "{\"StoppingInstances\":[]}");
        DiffFixtures b = base().call("aws s3api put-bucket-policy --bucket logs --policy file://p.json", "");

        CliRun run = CliRun.of("diff", file("a.json", a), file("b.json", b));

        assertThat(run.exitCode()).isEqualTo(1);
        String writes = run.out().substring(run.out().indexOf("Writes present on one side only:"));
        assertThat(writes).contains("A#4  [dev 111122223333]  aws___call_aws ec2 stop-instances  outcome ok  seq 40  (only in A)")
                .contains("B#4  [dev 111122223333]  aws___call_aws s3api put-bucket-policy  outcome ok  seq 40  (only in B)")
                .doesNotContain("describe-instances");
        assertThat(run.out()).containsPattern("(?m)^ONLY-A .*ec2 stop-instances .*\\[WRITE\\]");
    }

    @Test
    void aWriteThatWentThroughOnOneSideOnlyIsListed() throws Exception {
        DiffFixtures a = DiffFixtures.session("staging", "444455556666").call("aws ec2 stop-instances --instance-ids i-1", "{}");
        DiffFixtures b = DiffFixtures.session("prod", "777788889999").call("aws ec2 stop-instances --instance-ids i-1", "denied", "");

        CliRun run = CliRun.of("diff", file("a.json", a), file("b.json", b));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("outcome ok -> denied")
                .contains("A#1  [staging 444455556666]  aws___call_aws ec2 stop-instances  outcome ok  seq 10  (succeeded only in A (B: denied))");
    }

    @Test
    void anOutcomeChangeIsShown() throws Exception {
        DiffFixtures a = DiffFixtures.session("dev", "111122223333").call("aws iam get-role --role-name x", "{\"Role\":{}}");
        DiffFixtures b = DiffFixtures.session("dev", "111122223333").call("aws iam get-role --role-name x", "tool_error", "AccessDenied");

        CliRun run = CliRun.of("diff", file("a.json", a), file("b.json", b));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).containsPattern("(?m)^CHANGED +A#1 +B#1 ").contains("outcome ok -> tool_error");
    }

    @Test
    void jsonOutputHasAStableShapeWithPointers() throws Exception {
        DiffFixtures b = DiffFixtures.session("dev", "111122223333")
                .call("aws sts get-caller-identity", "{\"Account\":\"111122223333\"}")
                .call("aws ec2 describe-instances", STOPPED)
                .call("aws ec2 stop-instances --instance-ids i-0b2", "{}");

        CliRun run = CliRun.of("diff", file("a.json", base()), file("b.json", b), "--format", "json");

        assertThat(run.exitCode()).isEqualTo(1);
        JsonNode doc = JSON.readTree(run.out());
        assertThat(doc.path("format").asText()).isEqualTo("mcp-audit-diff/1");
        assertThat(doc.at("/a/kind").asText()).isEqualTo("fixture");
        assertThat(doc.at("/summary/same").asInt()).isEqualTo(1);
        assertThat(doc.at("/summary/changed").asInt()).isEqualTo(1);
        assertThat(doc.at("/summary/only_a").asInt()).isEqualTo(1);
        assertThat(doc.at("/summary/only_b").asInt()).isEqualTo(1);
        assertThat(doc.at("/summary/differs").asBoolean()).isTrue();
        assertThat(doc.at("/first_divergence/a_index").asInt()).isEqualTo(2);
        JsonNode changed = doc.at("/pairs/1");
        assertThat(changed.path("status").asText()).isEqualTo("changed");
        assertThat(changed.path("operation").asText()).isEqualTo("ec2 describe-instances");
        assertThat(changed.at("/entries/0/in").asText()).isEqualTo("result");
        assertThat(changed.at("/entries/0/path").asText()).isEqualTo("/content/0/text/Reservations/0/Instances/0/State/Name");
        assertThat(changed.at("/entries/0/a").asText()).isEqualTo("running");
        assertThat(changed.at("/entries/0/b").asText()).isEqualTo("stopped");
        assertThat(doc.at("/one_sided_writes/0/side").asText()).isEqualTo("b");
        assertThat(doc.at("/one_sided_writes/0/operation").asText()).isEqualTo("ec2 stop-instances");
    }

    @Test
    void markdownIsATableWithSigns() throws Exception {
        DiffFixtures b = base().call("aws s3 ls", "x");

        CliRun run = CliRun.of("diff", file("a.json", base()), file("b.json", b), "--format", "md", "--all");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).startsWith("## audit-cli diff").contains("| = | A#1 | B#1 |").contains("| + |  | B#4 |")
                .contains("### Writes present on one side only");
    }

    @Test
    void allShowsEverySameCall() throws Exception {
        CliRun run = CliRun.of("diff", file("a.json", base()), file("b.json", base()), "--all");

        assertThat(run.out()).containsPattern("(?m)^SAME +A#1 +B#1 +aws___call_aws sts get-caller-identity")
                .containsPattern("(?m)^SAME +A#3 +B#3 +aws___call_aws lambda list-functions");
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        String fa = file("a.json", base());

        assertThat(CliRun.of("diff", fa).exitCode()).isEqualTo(2);
        assertThat(CliRun.of("diff", "--profiles", "dev", "prod").err()).contains("--profiles needs --session ID");
        assertThat(CliRun.of("diff", fa, fa, "--map-account", "1234=5678").err()).contains("two 12-digit AWS account ids");
        assertThat(CliRun.of("diff", fa, fa, "--format", "xml").exitCode()).isEqualTo(2);
        CliRun badPointer = CliRun.of("diff", fa, fa, "--ignore", "content/0");
        assertThat(badPointer.exitCode()).isEqualTo(2);
        assertThat(badPointer.err()).contains("--ignore: ").contains("must start with '/'");
    }

    @Test
    void aMissingFixtureFileOrANonFixtureIsAnEnvironmentError() throws Exception {
        String fa = file("a.json", base());
        Path notAFixture = Files.writeString(dir.resolve("notes.json"), "{\"hello\": 1}");

        CliRun missing = CliRun.of("diff", fa, dir.resolve("gone.mcpfix.json").toString());
        CliRun wrong = CliRun.of("diff", fa, notAFixture.toString());

        assertThat(missing.exitCode()).isEqualTo(3);
        assertThat(missing.err()).contains("gone.mcpfix.json").contains("does not exist");
        assertThat(wrong.exitCode()).isEqualTo(3);
        assertThat(wrong.err()).contains("notes.json").contains("no \"format\" field");
    }

    @ParameterizedTest
    @ValueSource(strings = {"diff", "mock"})
    void helpPrintsUsageWithoutWarnings(String command) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        CliRun run;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            run = CliRun.of(command, "--help");
        } finally {
            System.setErr(original);
        }

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: audit-cli " + command);
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
