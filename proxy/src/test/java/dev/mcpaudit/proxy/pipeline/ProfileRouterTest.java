package dev.mcpaudit.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.proxy.config.ProfileSet;
import dev.mcpaudit.proxy.config.ProxyOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileRouterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ProfileRouter router = new ProfileRouter(new ProfileSet(List.of("dev", "prod")),
            ProxyOptions.DEFAULT_PROFILE_TOOLS);

    private static JsonNode args(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void allowedProfileIsStrippedAndChosen() throws Exception {
        ProfileRouter.Route r = router.route("aws___call_aws", args("{\"cli_command\":\"aws s3 ls\",\"aws_profile\":\"prod\"}"));

        assertThat(r).isEqualTo(new ProfileRouter.Allowed("prod", args("{\"cli_command\":\"aws s3 ls\"}")));
    }

    @Test
    void noProfileMeansTheDefault() throws Exception {
        assertThat(router.route("aws___call_aws", args("{\"cli_command\":\"x\"}")))
                .isEqualTo(new ProfileRouter.Allowed("dev", args("{\"cli_command\":\"x\"}")));
        assertThat(router.route("aws___call_aws", null)).isEqualTo(new ProfileRouter.Allowed("dev", null));
    }

    @Test
    void anyValueOutsideTheAllowlistIsRefusedWithTheAllowedOnesNamed() throws Exception {
        for (String bad : List.of("\"evil\"", "\"PROD\"", "5", "true", "[\"prod\"]", "{\"p\":1}")) {
            ProfileRouter.Route r = router.route("aws___call_aws", args("{\"aws_profile\":" + bad + "}"));

            assertThat(r).isInstanceOf(ProfileRouter.Refused.class);
            assertThat(((ProfileRouter.Refused) r).message())
                    .contains("Allowed profiles: dev, prod").contains("aws___call_aws");
        }
    }

    @Test
    void onOtherToolsItIsStrippedAndIgnored() throws Exception {
        assertThat(router.route("search_documentation", args("{\"query\":\"s3\",\"aws_profile\":\"evil\"}")))
                .isEqualTo(new ProfileRouter.Allowed("dev", args("{\"query\":\"s3\"}")));
    }

    @Test
    void withOneProfileTheValueIsStillValidated() throws Exception {
        ProfileRouter single = new ProfileRouter(new ProfileSet(List.of("dev")), ProxyOptions.DEFAULT_PROFILE_TOOLS);

        assertThat(single.route("aws___call_aws", args("{\"aws_profile\":\"zzz\"}"))).isInstanceOf(ProfileRouter.Refused.class);
        assertThat(single.route("aws___call_aws", args("{\"aws_profile\":\"dev\"}")))
                .isEqualTo(new ProfileRouter.Allowed("dev", args("{}")));
    }

    @Test
    void profileToolsMayBeGlobs() {
        ProfileRouter eks = new ProfileRouter(new ProfileSet(List.of("dev", "prod")), List.of("eks_*", "aws___call_aws"));

        assertThat(eks.isProfileTool("eks_list_clusters")).isTrue();
        assertThat(eks.isProfileTool("aws___call_aws")).isTrue();
        assertThat(eks.isProfileTool("aws___run_script")).isFalse();
    }

    @Test
    void aToolNameWithANulOrControlCharacterIsNoProfileToolAndItsProfileGoesNowhere() throws Exception {
        for (String name : List.of("aws___call_aws\u0000", "aws\u0000___call_aws", "aws___call_aws\n")) {
            assertThat(router.isProfileTool(name)).as(name).isFalse();
            assertThat(router.route(name, args("{\"cli_command\":\"x\",\"aws_profile\":\"admin\"}")))
                    .isEqualTo(new ProfileRouter.Allowed("dev", args("{\"cli_command\":\"x\"}")));
        }
    }
}
