package dev.mcpaudit.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.proxy.config.ApprovalSettings;
import dev.mcpaudit.proxy.config.ProfileSet;
import dev.mcpaudit.proxy.config.ProxyOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolCatalogTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LIST = """
            {"tools":[
              {"name":"aws___call_aws","inputSchema":{"type":"object","properties":{"cli_command":{"type":"string"}},
               "required":["cli_command"]},"outputSchema":{"type":"object"}},
              {"name":"aws___list_regions","inputSchema":{"type":"object"},"annotations":{"readOnlyHint":true}},
              {"name":"search_documentation","inputSchema":{"type":"object","properties":{}},
               "annotations":{"readOnlyHint":false}}
            ],"nextCursor":"page-2"}""";

    private static ToolCatalog catalog(List<String> profiles, boolean readOnly) {
        return new ToolCatalog(new ProfileRouter(new ProfileSet(profiles), ProxyOptions.DEFAULT_PROFILE_TOOLS), readOnly);
    }

    @Test
    void profileToolsGetAnOptionalAwsProfileNamingTheDefault() throws Exception {
        JsonNode out = catalog(List.of("dev", "prod"), false).rewrite(JSON.readTree(LIST));

        JsonNode prop = out.at("/tools/0/inputSchema/properties/aws_profile");
        assertThat(prop.get("type").asText()).isEqualTo("string");
        assertThat(prop.get("enum").toString()).isEqualTo("[\"dev\",\"prod\"]");
        assertThat(prop.get("description").asText())
                .isEqualTo("AWS CLI profile to sign this request with. Default: dev. Available profiles: dev, prod.");
        assertThat(out.at("/tools/0/inputSchema/required").toString()).isEqualTo("[\"cli_command\"]");
        assertThat(out.at("/tools/0/outputSchema").toString()).isEqualTo("{\"type\":\"object\"}");
        assertThat(out.at("/tools/2/inputSchema/properties").has("aws_profile")).isFalse();
        assertThat(out.get("nextCursor").asText()).isEqualTo("page-2");
    }

    @Test
    void aSingleProfileAddsNoArgument() throws Exception {
        JsonNode out = catalog(List.of("dev"), false).rewrite(JSON.readTree(LIST));

        assertThat(out.at("/tools/0").toString()).isEqualTo(JSON.readTree(LIST).at("/tools/0").toString());
    }

    @Test
    void readOnlyKeepsOnlyToolsMarkedReadOnly() throws Exception {
        ToolCatalog c = catalog(List.of("dev", "prod"), true);

        JsonNode out = c.rewrite(JSON.readTree(LIST));

        assertThat(out.get("tools")).hasSize(1);
        assertThat(out.at("/tools/0/name").asText()).isEqualTo("aws___list_regions");
        assertThat(c.isReadOnly("aws___call_aws")).isFalse();
        assertThat(c.isReadOnly("aws___list_regions")).isTrue();
        assertThat(c.isReadOnly("never_listed")).isNull();
    }

    @Test
    void toolsThatCanWriteOnAProtectedProfileSaySoAndReadOnlyOnesDoNot() throws Exception {
        ProfileRouter router = new ProfileRouter(new ProfileSet(List.of("dev", "prod")), ProxyOptions.DEFAULT_PROFILE_TOOLS);
        ApprovalSettings prodProtected = new ApprovalSettings(List.of("prod"), Duration.ofSeconds(120), false);
        ApprovalSettings devProtected = new ApprovalSettings(List.of("dev"), Duration.ofSeconds(120), false);

        JsonNode prod = new ToolCatalog(router, false, prodProtected).rewrite(JSON.readTree(LIST));
        JsonNode dev = new ToolCatalog(router, false, devProtected).rewrite(JSON.readTree(LIST));

        assertThat(prod.at("/tools/0/description").asText()).startsWith("Writes on AWS profile prod need the user's"
                + " approval: mcp-audit-proxy asks the user");
        assertThat(prod.at("/tools/1").has("description")).isFalse(); // readOnlyHint: true
        assertThat(prod.at("/tools/2").has("description")).isFalse(); // not a profile tool: runs on dev, the default
        assertThat(dev.at("/tools/2/description").asText()).contains("Writes on AWS profile dev need");
        assertThat(catalog(List.of("dev", "prod"), false).rewrite(JSON.readTree(LIST)).at("/tools/0").has("description"))
                .isFalse();
    }
}
