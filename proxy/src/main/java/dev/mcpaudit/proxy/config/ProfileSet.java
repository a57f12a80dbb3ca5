package dev.mcpaudit.proxy.config;

import dev.mcpaudit.proxy.upstream.ProfileCredentials;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The AWS profiles a session may sign with, fixed at start-up. Precedence as in MCP Proxy for AWS:
 * {@code AWS_MCP_PROXY_PROFILES} (whitespace separated) wins over {@code --profile}, which wins over
 * {@code AWS_PROFILE}; duplicates are dropped; the first is the default. With none at all the SDK's
 * default chain is used under the name {@code default}.
 */
public record ProfileSet(List<String> allowed) {
    public static final String ENV_PROFILES = "AWS_MCP_PROXY_PROFILES";

    public ProfileSet {
        if (allowed.isEmpty()) {
            throw new IllegalArgumentException("at least one profile");
        }
        allowed = List.copyOf(allowed);
    }

    public static ProfileSet resolve(List<String> flagProfiles, Map<String, String> env) {
        List<String> chosen;
        String fromEnv = env.get(ENV_PROFILES);
        if (fromEnv != null && !fromEnv.isBlank()) {
            chosen = Arrays.asList(fromEnv.strip().split("\\s+"));
        } else if (flagProfiles != null && !flagProfiles.isEmpty()) {
            chosen = flagProfiles;
        } else if (env.get("AWS_PROFILE") != null && !env.get("AWS_PROFILE").isBlank()) {
            chosen = List.of(env.get("AWS_PROFILE").strip());
        } else {
            chosen = List.of(ProfileCredentials.DEFAULT_CHAIN);
        }
        for (String p : chosen) {
            if (p.isBlank() || p.chars().anyMatch(Character::isWhitespace)) {
                throw new ConfigException("Profile name '" + p + "' is not valid: profile names have no spaces.");
            }
        }
        return new ProfileSet(new ArrayList<>(new LinkedHashSet<>(chosen)));
    }

    public String defaultProfile() {
        return allowed.get(0);
    }

    /** Profile switching (the {@code aws_profile} argument in tool schemas) needs a choice to make. */
    public boolean switching() {
        return allowed.size() > 1;
    }

    public boolean allows(Object value) {
        return value instanceof String s && allowed.contains(s);
    }
}
