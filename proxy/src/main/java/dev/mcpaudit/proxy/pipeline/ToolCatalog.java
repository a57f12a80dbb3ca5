package dev.mcpaudit.proxy.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.proxy.config.ApprovalSettings;
import dev.mcpaudit.proxy.config.ProfileSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the agent sees of upstream's tools: the {@code aws_profile} argument added to the profile
 * tools (when there is a choice of profile), and with {@code --read-only} only the tools upstream
 * marks {@code readOnlyHint: true}. With {@code --confirm-writes}, the descriptions of tools that can
 * write there say that writes need the user's approval, so the agent can tell the user before trying.
 * Remembers the annotations so that calls can be checked too.
 */
public final class ToolCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ToolCatalog.class);

    private final ProfileRouter router;
    private final boolean readOnly;
    private final ApprovalSettings approval;
    private final Map<String, Boolean> readOnlyHints = new ConcurrentHashMap<>();

    public ToolCatalog(ProfileRouter router, boolean readOnly) {
        this(router, readOnly, ApprovalSettings.none());
    }

    public ToolCatalog(ProfileRouter router, boolean readOnly, ApprovalSettings approval) {
        this.router = router;
        this.readOnly = readOnly;
        this.approval = approval;
    }

    /** Rewrites one page of a tools/list result; other fields (nextCursor, _meta) pass through. */
    public JsonNode rewrite(JsonNode listResult) {
        if (!listResult.path("tools").isArray()) {
            return listResult;
        }
        ObjectNode out = listResult.deepCopy();
        ArrayNode kept = out.putArray("tools");
        for (JsonNode tool : listResult.get("tools")) {
            String name = tool.path("name").asText();
            boolean hint = tool.path("annotations").path("readOnlyHint").asBoolean(false)
                    && tool.path("annotations").path("readOnlyHint").isBoolean();
            readOnlyHints.put(name, hint);
            if (readOnly && !hint) {
                continue;
            }
            JsonNode shown = router.profiles().switching() && router.isProfileTool(name) ? withProfileArgument(tool) : tool;
            kept.add(hint ? shown : withApprovalNote(shown, router.isProfileTool(name)));
        }
        return out;
    }

    /** The tool's description, plus which profiles' writes need the user's approval; unchanged when none do. */
    private JsonNode withApprovalNote(JsonNode tool, boolean profileTool) {
        List<String> asked = profileTool ? approval.protectedProfiles()
                : approval.protects(router.profiles().defaultProfile()) ? List.of(router.profiles().defaultProfile())
                : List.of();
        if (asked.isEmpty() || !tool.isObject()) {
            return tool;
        }
        ObjectNode copy = tool.deepCopy();
        String description = tool.path("description").asText("");
        copy.put("description", (description.isEmpty() ? "" : description.strip() + "\n\n")
                + "Writes on AWS profile" + (asked.size() > 1 ? "s " : " ") + String.join(", ", asked)
                + " need the user's approval: mcp-audit-proxy asks the user (through this client) before running"
                + " each one, and refuses it if they decline. Tell the user before you try one.");
        return copy;
    }

    /** Known and marked read-only; null when the tool has not been listed yet. */
    public Boolean isReadOnly(String toolName) {
        return readOnlyHints.get(toolName);
    }

    private JsonNode withProfileArgument(JsonNode tool) {
        JsonNode schema = tool.get("inputSchema");
        if (schema == null || !schema.isObject() || !"object".equals(schema.path("type").asText("object"))) {
            return tool;
        }
        ObjectNode copy = tool.deepCopy();
        ObjectNode inputSchema = (ObjectNode) copy.get("inputSchema");
        JsonNode props = inputSchema.get("properties");
        ObjectNode properties = props != null && props.isObject() ? (ObjectNode) props : inputSchema.putObject("properties");
        if (properties.has(Call.PROFILE_ARGUMENT)) {
            LOG.warn("tool '{}' already defines an aws_profile argument; the proxy's definition replaces it",
                    tool.path("name").asText());
        }
        ProfileSet profiles = router.profiles();
        ObjectNode property = properties.putObject(Call.PROFILE_ARGUMENT);
        property.put("type", "string");
        property.put("description", "AWS CLI profile to sign this request with. Default: " + profiles.defaultProfile()
                + ". Available profiles: " + String.join(", ", profiles.allowed()) + ".");
        ArrayNode values = property.putArray("enum");
        profiles.allowed().forEach(values::add);
        return copy;
    }
}
