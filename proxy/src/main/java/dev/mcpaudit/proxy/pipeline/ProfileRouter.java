package dev.mcpaudit.proxy.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.proxy.config.ProfileSet;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * The step that decides which profile signs a call: the {@code aws_profile} a tools/call named
 * ({@link Call#fromRequest} took it out of the arguments), checked against the allowlist fixed at
 * start-up (also with a single profile, where MCP Proxy for AWS forwarded it unchecked).
 */
public final class ProfileRouter implements CallStep {

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

    /** Where a call goes: the profile that signs it, or a refusal. */
    public sealed interface Route permits Allowed, Refused {
        /** The profile the call named, as the log records it: the allowed one, or the refused value as text. */
        String namedProfile();
    }

    public record Allowed(String profile) implements Route {
        @Override
        public String namedProfile() {
            return profile;
        }
    }

    /** @param requestedValue the refused aws_profile (its text, or its JSON when it is not a string) */
    public record Refused(String requestedValue, String message) implements Route {
        @Override
        public String namedProfile() {
            return requestedValue;
        }
    }

    /** Decides; changes nothing. Calls other than tools/call, and tools that do not call AWS, use the default. */
    public Route route(Call call) {
        JsonNode requested = call.requestedProfile();
        if (requested == null || requested.isNull() || !call.isToolCall() || !isProfileTool(call.tool())) {
            return new Allowed(profiles.defaultProfile()); // ignored on tools that do not call AWS
        }
        if (requested.isTextual() && profiles.allows(requested.asText())) {
            return new Allowed(requested.asText());
        }
        String shown = requested.isTextual() ? "'" + requested.asText() + "'" : requested.toString();
        return new Refused(requested.isTextual() ? requested.asText() : requested.toString(), "Tool call '"
                + call.tool() + "' was refused: aws_profile " + shown + " is not an allowed profile. Allowed profiles: "
                + String.join(", ", profiles.allowed()) + ". Retry with one of them, or leave aws_profile out to use "
                + profiles.defaultProfile() + ".");
    }

    @Override
    public CallResult handle(Call call, Chain next) {
        Route route = route(call);
        if (route instanceof Refused refused) {
            return new CallResult.Refused(call, "its aws_profile is not an allowed profile", refused.message());
        }
        return next.proceed(call.routedTo(((Allowed) route).profile()));
    }
}
