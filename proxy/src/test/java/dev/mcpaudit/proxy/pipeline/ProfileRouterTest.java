package dev.mcpaudit.proxy.pipeline;

import static dev.mcpaudit.proxy.pipeline.CallSteps.json;
import static dev.mcpaudit.proxy.pipeline.CallSteps.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpaudit.proxy.config.ProfileSet;
import dev.mcpaudit.proxy.config.ProxyOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileRouterTest {
    private final ProfileRouter router = new ProfileRouter(new ProfileSet(List.of("dev", "prod")),
            ProxyOptions.DEFAULT_PROFILE_TOOLS);

    @Test
    void allowedProfileIsStrippedAndChosen() {
        Call call = toolCall("aws___call_aws", "{\"cli_command\":\"aws s3 ls\",\"aws_profile\":\"prod\"}");

        assertThat(router.route(call)).isEqualTo(new ProfileRouter.Allowed("prod"));
        assertThat(call.arguments()).isEqualTo(json("{\"cli_command\":\"aws s3 ls\"}"));
        assertThat(call.forwardedParams().path("arguments")).isEqualTo(json("{\"cli_command\":\"aws s3 ls\"}"));
    }

    @Test
    void noProfileMeansTheDefault() {
        Call call = toolCall("aws___call_aws", "{\"cli_command\":\"x\"}");

        assertThat(router.route(call)).isEqualTo(new ProfileRouter.Allowed("dev"));
        assertThat(call.arguments()).isEqualTo(json("{\"cli_command\":\"x\"}"));
        assertThat(router.route(toolCall("aws___call_aws", null))).isEqualTo(new ProfileRouter.Allowed("dev"));
    }

    @Test
    void aJsonNullProfileMeansTheDefaultAsTheReadmeSays() {
        Call call = toolCall("aws___call_aws", "{\"cli_command\":\"x\",\"aws_profile\":null}");

        assertThat(router.route(call)).isEqualTo(new ProfileRouter.Allowed("dev"));
        assertThat(call.arguments()).isEqualTo(json("{\"cli_command\":\"x\"}"));
        assertThat(call.forwardedParams().path("arguments")).isEqualTo(json("{\"cli_command\":\"x\"}"));
    }

    @Test
    void anyValueOutsideTheAllowlistIsRefusedWithTheAllowedOnesNamed() {
        for (String bad : List.of("\"evil\"", "\"PROD\"", "5", "true", "[\"prod\"]", "{\"p\":1}")) {
            ProfileRouter.Route r = router.route(toolCall("aws___call_aws", "{\"aws_profile\":" + bad + "}"));

            assertThat(r).isInstanceOf(ProfileRouter.Refused.class);
            assertThat(((ProfileRouter.Refused) r).message())
                    .contains("Allowed profiles: dev, prod").contains("aws___call_aws");
        }
    }

    @Test
    void onOtherToolsItIsStrippedAndIgnored() {
        Call call = toolCall("search_documentation", "{\"query\":\"s3\",\"aws_profile\":\"evil\"}");

        assertThat(router.route(call)).isEqualTo(new ProfileRouter.Allowed("dev"));
        assertThat(call.arguments()).isEqualTo(json("{\"query\":\"s3\"}"));
    }

    @Test
    void withOneProfileTheValueIsStillValidated() {
        ProfileRouter single = new ProfileRouter(new ProfileSet(List.of("dev")), ProxyOptions.DEFAULT_PROFILE_TOOLS);

        assertThat(single.route(toolCall("aws___call_aws", "{\"aws_profile\":\"zzz\"}")))
                .isInstanceOf(ProfileRouter.Refused.class);
        Call call = toolCall("aws___call_aws", "{\"aws_profile\":\"dev\"}");
        assertThat(single.route(call)).isEqualTo(new ProfileRouter.Allowed("dev"));
        assertThat(call.arguments()).isEqualTo(json("{}"));
    }

    @Test
    void profileToolsMayBeGlobs() {
        ProfileRouter eks = new ProfileRouter(new ProfileSet(List.of("dev", "prod")), List.of("eks_*", "aws___call_aws"));

        assertThat(eks.isProfileTool("eks_list_clusters")).isTrue();
        assertThat(eks.isProfileTool("aws___call_aws")).isTrue();
        assertThat(eks.isProfileTool("aws___run_script")).isFalse();
    }

    @Test
    void aToolNameWithANulOrControlCharacterIsNoProfileToolAndItsProfileGoesNowhere() {
        for (String name : List.of("aws___call_aws\u0000", "aws\u0000___call_aws", "aws___call_aws\n")) {
            assertThat(router.isProfileTool(name)).as(name).isFalse();
            Call call = toolCall(name, "{\"cli_command\":\"x\",\"aws_profile\":\"admin\"}");
            assertThat(router.route(call)).isEqualTo(new ProfileRouter.Allowed("dev"));
            assertThat(call.arguments()).isEqualTo(json("{\"cli_command\":\"x\"}"));
        }
    }

    @Test
    void asAStepItPassesTheCallOnRoutedOrRefusesItWithoutPassingItOn() {
        CallSteps.End end = new CallSteps.End();

        router.handle(toolCall("aws___call_aws", "{\"aws_profile\":\"prod\"}"), end);
        CallResult refused = router.handle(toolCall("aws___call_aws", "{\"aws_profile\":\"prod \"}"), end);

        assertThat(end.reached).singleElement().extracting(Call::profile).isEqualTo("prod");
        assertThat(refused).isInstanceOfSatisfying(CallResult.Refused.class, r -> {
            assertThat(r.sentence()).contains("aws_profile 'prod ' is not an allowed profile");
            assertThat(r.why()).doesNotContain("prod");
        });
    }

    @Test
    void callsOtherThanToolsGoToTheDefaultProfile() {
        CallSteps.End end = new CallSteps.End();

        router.handle(CallSteps.request("resources/read", json("{\"uri\":\"aws://x\"}")), end);

        assertThat(end.reached).singleElement().extracting(Call::profile).isEqualTo("dev");
    }
}
