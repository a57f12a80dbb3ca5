package dev.mcpaudit.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.cli.replay.CatalogueEntry.Status;
import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.schema.CanonicalJson;
import dev.mcpaudit.schema.compare.Difference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogueComparisonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INITIALIZE = """
            {"protocolVersion":"2025-06-18","capabilities":{"tools":{"listChanged":false}},
             "serverInfo":{"name":"aws-mcp","version":"1.4.0"},"_meta":{"requestId":"r-1"}}""";
    private static final String TOOLS = """
            {"tools":[
              {"name":"aws___call_aws","inputSchema":{"type":"object","properties":{"cli_command":{"type":"string"}}}},
              {"name":"aws___suggest_aws_commands","inputSchema":{"type":"object","properties":{"query":{"type":"string"}}}}]}""";

    @Test
    void equalAnswersAreTheSame() {
        List<CatalogueEntry> entries = replay(server(INITIALIZE, TOOLS), server(INITIALIZE, TOOLS));

        assertThat(entries).extracting(CatalogueEntry::method, CatalogueEntry::status)
                .containsExactly(tuple("initialize", Status.SAME),
                        tuple("tools/list", Status.SAME));
        assertThat(entries).noneMatch(CatalogueEntry::isDrift);
    }

    @Test
    void onlyVolatileFieldsDifferingIsTheSameByBodyThoughTheHashesDiffer() {
        CatalogueEntry initialize = replay(server(INITIALIZE, TOOLS),
                server(INITIALIZE.replace("r-1", "r-2"), TOOLS)).get(0);

        assertThat(initialize.status()).isEqualTo(Status.SAME);
        assertThat(initialize.ignoredPaths()).isEqualTo(1);
    }

    @Test
    void aToolAddedIsChangedAtItsPointer() {
        String more = TOOLS.replace("]}", ",{\"name\":\"aws___run_script\",\"inputSchema\":{\"type\":\"object\"}}]}");

        CatalogueEntry list = replay(server(INITIALIZE, TOOLS), server(INITIALIZE, more)).get(1);

        assertThat(list.status()).isEqualTo(Status.CHANGED);
        assertThat(list.isDrift()).isTrue();
        assertThat(list.differences()).extracting(Difference::pointer, Difference::kind)
                .containsExactly(tuple("/tools/2", Difference.Kind.ADDED));
    }

    @Test
    void aToolRemovedIsChanged() {
        String fewer = """
                {"tools":[
                  {"name":"aws___call_aws","inputSchema":{"type":"object","properties":{"cli_command":{"type":"string"}}}}]}""";

        CatalogueEntry list = replay(server(INITIALIZE, TOOLS), server(INITIALIZE, fewer)).get(1);

        assertThat(list.status()).isEqualTo(Status.CHANGED);
        assertThat(list.differences()).extracting(Difference::pointer, Difference::kind)
                .containsExactly(tuple("/tools/1", Difference.Kind.REMOVED));
    }

    @Test
    void aToolsInputSchemaChangedIsChangedAtThePropertyAdded() {
        String withRegion = TOOLS.replace("{\"cli_command\":{\"type\":\"string\"}}",
                "{\"cli_command\":{\"type\":\"string\"},\"region\":{\"type\":\"string\"}}");

        CatalogueEntry list = replay(server(INITIALIZE, TOOLS), server(INITIALIZE, withRegion)).get(1);

        assertThat(list.status()).isEqualTo(Status.CHANGED);
        assertThat(list.differences()).extracting(Difference::pointer)
                .containsExactly("/tools/0/inputSchema/properties/region");
    }

    @Test
    void aNewServerVersionIsDrift() {
        CatalogueEntry initialize = replay(server(INITIALIZE, TOOLS),
                server(INITIALIZE.replace("1.4.0", "1.5.0"), TOOLS)).get(0);

        assertThat(initialize.status()).isEqualTo(Status.CHANGED);
        assertThat(initialize.differences()).extracting(Difference::pointer).containsExactly("/serverInfo/version");
    }

    @Test
    void aFixtureWithoutServersIsNotRecordedAndNotDrift() {
        List<CatalogueEntry> entries = CatalogueComparison.ofReplay(Map.of(), Map.of("dev", server(INITIALIZE, TOOLS)),
                List.of("dev"), ProfileMap.none());

        assertThat(entries).extracting(CatalogueEntry::status).containsExactly(Status.NOT_RECORDED, Status.NOT_RECORDED);
        assertThat(entries).noneMatch(CatalogueEntry::isDrift);
    }

    @Test
    void onlyProfilesTheReplayInitialisedAreComparedUnderTheNameTheyWereReplayedAs() {
        Map<String, Fixture.Server> recorded = Map.of("dev", server(INITIALIZE, TOOLS), "prod", server(INITIALIZE, null));
        ProfileMap map = ProfileMap.parse(List.of("dev=readonly-dev"), List.of("dev", "prod"));

        List<CatalogueEntry> entries = CatalogueComparison.ofReplay(recorded,
                Map.of("readonly-dev", server(INITIALIZE.replace("1.4.0", "2.0.0"), TOOLS)), List.of("dev", "prod"), map);

        assertThat(entries).extracting(CatalogueEntry::profileLabel, CatalogueEntry::method, CatalogueEntry::status)
                .containsExactly(tuple("dev->readonly-dev", "initialize", Status.CHANGED),
                        tuple("dev->readonly-dev", "tools/list", Status.SAME));
    }

    @Test
    void aDiffSideWithoutAnswersIsNotRecordedWhileAProfileOnOneSideIsOnlyThere() {
        List<CatalogueEntry> noAnswers = CatalogueComparison.ofDiff(Map.of(), Map.of("dev", server(INITIALIZE, TOOLS)));
        List<CatalogueEntry> oneProfile = CatalogueComparison.ofDiff(Map.of("dev", server(INITIALIZE, TOOLS)),
                Map.of("dev", server(INITIALIZE, TOOLS), "prod", server(INITIALIZE, null)));

        assertThat(noAnswers).extracting(CatalogueEntry::status).containsExactly(Status.NOT_RECORDED, Status.NOT_RECORDED);
        assertThat(oneProfile).extracting(CatalogueEntry::profileLabel, CatalogueEntry::method, CatalogueEntry::status)
                .containsExactly(tuple("dev", "initialize", Status.SAME),
                        tuple("prod", "initialize", Status.ONLY_B),
                        tuple("dev", "tools/list", Status.SAME));
        assertThat(CatalogueComparison.ofDiff(Map.of(), Map.of())).extracting(CatalogueEntry::status)
                .containsExactly(Status.NOT_RECORDED);
    }

    private static List<CatalogueEntry> replay(Fixture.Server recorded, Fixture.Server replayed) {
        return CatalogueComparison.ofReplay(Map.of("dev", recorded), Map.of("dev", replayed), List.of("dev"), ProfileMap.none());
    }

    /** As the proxy records it: the hash of the answer as received. */
    private static Fixture.Server server(String initialize, String tools) {
        JsonNode init = parse(initialize);
        JsonNode list = tools == null ? null : parse(tools);
        return new Fixture.Server(init, CanonicalJson.sha256Hex(init), list, list == null ? null : CanonicalJson.sha256Hex(list));
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
