package dev.mcpaudit.proxy.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.proxy.config.ProfileSet;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * Decides which profile signs a tools/call: strips {@code aws_profile} from the arguments, always,
 * and checks it against the allowlist fixed at start-up (also with a single profile, where MCP Proxy
 * for AWS forwarded it unchecked). A refused value never reaches upstream.
 */
public final class ProfileRouter {
    public static final String ARGUMENT = "aws_profile";

    private final ProfileSet profiles;
    private final List<PathMatcher> profileTools;

    public ProfileRouter(ProfileSet profiles, List<String> profileToolPatterns) {
        this.profiles = profiles;
        // Glob semantics from the JDK: '*' and '?' within a name, '{a,b}' alternatives.
        this.profileTools = profileToolPatterns.stream()
                .map(p -> FileSystems.getDefault().getPathMatcher("glob:" + p))
                .toList();
    }

    public boolean isProfileTool(String toolName) {
        // Globs match as file names: a name no file could have (a '/', a NUL or another control
        // character) is no configured tool, and Path.of would throw on some of them.
        if (toolName == null || toolName.isEmpty() || toolName.indexOf('/') >= 0
                || toolName.chars().anyMatch(Character::isISOControl)) {
            return false;
        }
        Path name = Path.of(toolName);
        return profileTools.stream().anyMatch(m -> m.matches(name));
    }

    public ProfileSet profiles() {
        return profiles;
    }

    /** The route of one call: the profile to sign with and the arguments to forward, or a refusal. */
    public sealed interface Route permits Allowed, Refused {}

    public record Allowed(String profile, JsonNode arguments) implements Route {}

    /**
     * @param requestedValue the refused aws_profile (its text, or its JSON when it is not a string)
     * @param arguments the call's arguments without aws_profile, for the audit log
     */
    public record Refused(String requestedValue, String message, JsonNode arguments) implements Route {}

    public Route route(String toolName, JsonNode arguments) {
        if (arguments == null || !arguments.isObject() || !arguments.has(ARGUMENT)) {
            return new Allowed(profiles.defaultProfile(), arguments);
        }
        // Shallow: the argument values are shared with the agent's request, which nothing changes.
        ObjectNode forwarded = ((ObjectNode) arguments).objectNode();
        forwarded.setAll((ObjectNode) arguments);
        JsonNode requested = forwarded.remove(ARGUMENT);
        if (!isProfileTool(toolName)) {
            return new Allowed(profiles.defaultProfile(), forwarded); // ignored on tools that do not call AWS
        }
        if (requested.isNull()) {
            return new Allowed(profiles.defaultProfile(), forwarded);
        }
        if (requested.isTextual() && profiles.allows(requested.asText())) {
            return new Allowed(requested.asText(), forwarded);
        }
        String shown = requested.isTextual() ? "'" + requested.asText() + "'" : requested.toString();
        return new Refused(requested.isTextual() ? requested.asText() : requested.toString(), "Tool call '" + toolName + "' was refused: aws_profile " + shown
                + " is not an allowed profile. Allowed profiles: " + String.join(", ", profiles.allowed())
                + ". Retry with one of them, or leave aws_profile out to use " + profiles.defaultProfile() + ".", forwarded);
    }
}
