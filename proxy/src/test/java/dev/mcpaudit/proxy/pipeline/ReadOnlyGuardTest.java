package dev.mcpaudit.proxy.pipeline;

import static dev.mcpaudit.proxy.pipeline.CallSteps.json;
import static dev.mcpaudit.proxy.pipeline.CallSteps.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpaudit.proxy.config.ProfileSet;
import dev.mcpaudit.proxy.config.ProxyOptions;
import dev.mcpaudit.proxy.upstream.ProfileCredentials;
import dev.mcpaudit.proxy.upstream.SigV4Signer;
import dev.mcpaudit.proxy.upstream.UpstreamHttp;
import dev.mcpaudit.proxy.upstream.UpstreamSession;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class ReadOnlyGuardTest {
    private final ToolCatalog catalog = new ToolCatalog(
            new ProfileRouter(new ProfileSet(List.of("dev")), ProxyOptions.DEFAULT_PROFILE_TOOLS), true);
    /** Nothing listens there: a tool not yet listed cannot be looked up. */
    private final UpstreamSession unreachable = new UpstreamSession("dev", new UpstreamHttp(
            URI.create("http://127.0.0.1:1/mcp"), Duration.ofSeconds(1), new SigV4Signer("aws-mcp", "us-east-1"),
            new ProfileCredentials(Map.of()), Map.of(), Map.of(), Duration.ofSeconds(1), 0, true),
            (from, m) -> { }, Executors.newSingleThreadExecutor());
    private final ReadOnlyGuard guard = new ReadOnlyGuard(catalog, () -> unreachable, Duration.ofSeconds(1));

    ReadOnlyGuardTest() {
        catalog.rewrite(json("{\"tools\":[{\"name\":\"aws___list_regions\",\"annotations\":{\"readOnlyHint\":true}},"
                + "{\"name\":\"aws___call_aws\",\"annotations\":{\"readOnlyHint\":false}},"
                + "{\"name\":\"aws___run_script\",\"annotations\":{\"readOnlyHint\":\"true\"}}]}"));
    }

    @Test
    void aToolUpstreamMarksReadOnlyPassesOn() {
        CallSteps.End end = new CallSteps.End();

        guard.handle(toolCall("aws___list_regions", null), end);

        assertThat(end.reached).singleElement().extracting(Call::tool).isEqualTo("aws___list_regions");
    }

    @Test
    void aToolNotMarkedReadOnlyOrMarkedWithAStringIsRefusedAndGoesNoFurther() {
        CallSteps.End end = new CallSteps.End();

        for (String tool : List.of("aws___call_aws", "aws___run_script")) {
            CallResult result = guard.handle(toolCall(tool, "{\"cli_command\":\"aws s3 rb s3://x\"}"), end);

            assertThat(result).isInstanceOfSatisfying(CallResult.Refused.class, r -> assertThat(r.sentence())
                    .isEqualTo("Tool call '" + tool + "' was refused: the proxy runs with --read-only and '" + tool
                            + "' is not marked read-only by upstream. Use a read-only tool instead."));
        }
        assertThat(end.reached).isEmpty();
    }

    @Test
    void aToolThatCannotBeLookedUpIsRefused() {
        CallResult result = guard.handle(toolCall("never_listed", null), new CallSteps.End());

        assertThat(result).isInstanceOf(CallResult.Refused.class);
    }

    @Test
    void callsOtherThanToolsAreNotItsConcern() {
        CallSteps.End end = new CallSteps.End();

        guard.handle(CallSteps.request("prompts/get", json("{\"name\":\"p\"}")), end);

        assertThat(end.reached).hasSize(1);
    }
}
