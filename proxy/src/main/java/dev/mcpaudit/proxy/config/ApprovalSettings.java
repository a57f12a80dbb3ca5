package dev.mcpaudit.proxy.config;

import java.time.Duration;
import java.util.List;

/**
 * Which profiles need the user's approval for writes ({@code --confirm-writes}), how long the user has
 * to answer ({@code --confirm-timeout}), and whether a client that cannot be asked may write anyway
 * ({@code --confirm-fallback allow}).
 *
 * @param protectedProfiles in the order given; empty when nothing needs approval
 */
public record ApprovalSettings(List<String> protectedProfiles, Duration timeout, boolean fallbackAllow) {
    public static final String ENV_CONFIRM_WRITES = "AWS_MCP_PROXY_CONFIRM_WRITES";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    public ApprovalSettings {
        protectedProfiles = List.copyOf(protectedProfiles);
    }

    public static ApprovalSettings none() {
        return new ApprovalSettings(List.of(), DEFAULT_TIMEOUT, false);
    }

    public boolean protects(String profile) {
        return profile != null && protectedProfiles.contains(profile);
    }
}
