package dev.mcpaudit.cli.replay;

import static dev.mcpaudit.cli.replay.RecordedCalls.awsCall;
import static dev.mcpaudit.cli.replay.RecordedCalls.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.fixtures.replay.Fixture.Outcome;
import dev.mcpaudit.schema.compare.Difference;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Durations, the rebuilt requests and the renderers' limits. */
class SmallPartsTest {

    @Test
    void timeoutsReadAsPeopleWriteThem() {
        assertThat(Durations.parse("--timeout", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("--timeout", "45")).isEqualTo(Duration.ofSeconds(45));
        assertThat(Durations.parse("--timeout", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("--timeout", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("--timeout", "PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.show(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Durations.show(Duration.ofMillis(300))).isEqualTo("300ms");
        assertThatThrownBy(() -> Durations.parse("--timeout", "0s")).hasMessageContaining("must be longer than zero");
    }

    @Test
    void aToolCallIsAskedForAgainWithItsProfile() {
        Fixture.Call call = awsCall(3, "prod", "aws s3 ls", Outcome.OK, "{}");

        assertThat(RecordedRequest.params(call, "readonly-prod"))
                .isEqualTo(json("{\"name\":\"aws___call_aws\",\"arguments\":{\"cli_command\":\"aws s3 ls\",\"aws_profile\":\"readonly-prod\"}}"));
        assertThat(call.args().has("aws_profile")).as("the fixture is not changed").isFalse();
    }

    @Test
    void otherMethodsAreRebuiltFromTargetAndArguments() {
        Fixture.Call read = RecordedCalls.resourceRead(1, "dev", "aws://docs/readme", "{}");
        Fixture.Call prompt = new Fixture.Call(2, null, null, null, null, "dev", Fixture.Call.PROMPTS_GET, null, "troubleshoot",
                json("{\"topic\":\"s3\"}"), Outcome.OK, null, json("{}"), null, true, null, null, null);
        Fixture.Call complete = new Fixture.Call(3, null, null, null, null, "dev", Fixture.Call.COMPLETION_COMPLETE, null, "troubleshoot",
                json("{\"name\":\"topic\",\"value\":\"s\"}"), Outcome.OK, null, json("{}"), null, true, null, null, null);

        assertThat(RecordedRequest.params(read, "dev")).isEqualTo(json("{\"uri\":\"aws://docs/readme\"}"));
        assertThat(RecordedRequest.params(prompt, "dev")).isEqualTo(json("{\"name\":\"troubleshoot\",\"arguments\":{\"topic\":\"s3\"}}"));
        assertThat(RecordedRequest.params(complete, "dev")).isEqualTo(json(
                "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"troubleshoot\"},\"argument\":{\"name\":\"topic\",\"value\":\"s\"}}"));
    }

    @Test
    void aCallWithManyDifferencesShowsFiveAndCountsTheRest() {
        List<Difference> seven = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            seven.add(new Difference("/structuredContent/Items/" + i + "/Size", Difference.Kind.CHANGED, json("1"), json("2")));
        }
        seven.add(new Difference("/structuredContent/Note", Difference.Kind.ADDED, null, json("\"a|b\"")));
        Fixture.Call call = awsCall(5, "dev", "aws s3api list-objects-v2 --bucket b", Outcome.OK, "{}");
        ReplayPlan.PlannedCall planned = new ReplayPlan.PlannedCall(1, call, "dev", new ReplaySafety.Decision(true, null, null, null, null));
        ReplayReport report = new ReplayReport("f.mcpfix.json", new Fixture.Source("l", "s", null, null, null, null, null),
                URI.create("http://127.0.0.1:1/mcp"), ReplaySafety.forEndpoint(URI.create("http://127.0.0.1:1/mcp"), List.of()), false,
                List.of(new ReplayReport.Entry(planned, new CallVerdict(CallStatus.CHANGED, null, seven, 0, Outcome.OK, Outcome.OK))), List.of());

        StringWriter text = new StringWriter();
        ReplayText.write(new PrintWriter(text, true), report);
        StringWriter md = new StringWriter();
        ReplayMarkdown.write(new PrintWriter(md, true), report);

        assertThat(text.toString()).contains("CHANGED  #1  seq 5  dev  aws___call_aws s3api list-objects-v2\n",
                "\n             /structuredContent/Items/0/Size: 1 -> 2\n", "\n             and 3 more\n",
                "First drift: #1 (seq 5). Exit 1.");
        assertThat(text.toString()).doesNotContain("Items/5");
        assertThat(md.toString()).contains("**CHANGED**", "`/structuredContent/Items/4/Size`: `1` &rarr; `2`<br>and 3 more |");
        assertThat(ReplayJson.toJson(report).path("calls").get(0).path("differences")).hasSize(8);
        assertThat(ReplayJson.toJson(report).path("calls").get(0).path("differences").get(7).has("expected")).isFalse();
    }

    @Test
    void aChangedCatalogueIsReportedBeforeTheCallsAndMakesTheExitOne() {
        Fixture.Call call = awsCall(5, "dev", "aws s3 ls", Outcome.OK, "{}");
        ReplayPlan.PlannedCall planned = new ReplayPlan.PlannedCall(1, call, "dev", new ReplaySafety.Decision(true, null, null, null, null));
        CatalogueEntry same = new CatalogueEntry("dev", "dev", "initialize", CatalogueEntry.Status.SAME, List.of(), 0, null);
        CatalogueEntry changed = new CatalogueEntry("dev", "dev", "tools/list", CatalogueEntry.Status.CHANGED,
                List.of(new Difference("/tools/0/inputSchema/properties/region", Difference.Kind.ADDED, null, json("{\"type\":\"string\"}"))),
                0, null);
        ReplayReport report = new ReplayReport("f.mcpfix.json", new Fixture.Source("l", "s", null, null, null, null, null),
                URI.create("http://127.0.0.1:1/mcp"), ReplaySafety.forEndpoint(URI.create("http://127.0.0.1:1/mcp"), List.of()), false,
                List.of(new ReplayReport.Entry(planned, new CallVerdict(CallStatus.MATCH, null, List.of(), 0, Outcome.OK, Outcome.OK))),
                List.of(same, changed));

        StringWriter text = new StringWriter();
        ReplayText.write(new PrintWriter(text, true), report);
        StringWriter md = new StringWriter();
        ReplayMarkdown.write(new PrintWriter(md, true), report);

        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(text.toString()).contains("CATALOGUE  SAME     dev  initialize\n",
                "CATALOGUE  CHANGED  dev  tools/list\n             /tools/0/inputSchema/properties/region: (absent) -> {\"type\":\"string\"}\n"
                        + "MATCH  #1",
                "The server's catalogue changed: dev tools/list. Exit 1.");
        assertThat(md.toString()).contains("| dev | `tools/list` | **CHANGED** | `/tools/0/inputSchema/properties/region`: `(absent)`");
        assertThat(ReplayJson.toJson(report).path("catalogue").get(1).path("status").asText()).isEqualTo("changed");
        assertThat(ReplayJson.toJson(report).path("catalogue").get(1).path("what").asText()).isEqualTo("tools/list");
        assertThat(ReplayJson.toJson(report).path("catalogue").get(1).path("differences").get(0).path("pointer").asText())
                .isEqualTo("/tools/0/inputSchema/properties/region");
        assertThat(ReplayJson.toJson(report).path("summary").path("catalogue_changed").asBoolean()).isTrue();
    }
}
