package dev.mcpaudit.proxy.pipeline;

import dev.mcpaudit.proxy.upstream.UpstreamException;
import dev.mcpaudit.proxy.upstream.UpstreamSession;
import java.time.Duration;

/** The one sentence an agent (and the person behind it) reads when a call fails: cause, then what to do. */
public final class AgentMessages {
    private AgentMessages() {}

    public static String toolFailure(String tool, String profile, UpstreamException e, Duration toolTimeout) {
        return switch (e.kind()) {
            case TIMEOUT -> "Tool '" + tool + "' timed out after " + UpstreamSession.describe(toolTimeout)
                    + "; upstream was asked to cancel it. Retry, or start the proxy with a larger --tool-timeout.";
            default -> "Tool call '" + tool + "' failed: " + cause(profile, e);
        };
    }

    /** Fail-closed: why a call was not sent, and the two ways out. */
    public static String auditUnavailable(String what, String why) {
        return what + " was not sent: the audit log is unavailable (" + why + "). mcp-audit-proxy records every"
                + " call before it runs; fix the log, or restart the proxy with --audit-failure open to run calls"
                + " without recording them.";
    }

    /** A call whose arguments the log cannot carry exactly: what was wrong, and how to send it instead. */
    public static String unrecordable(String what, String why) {
        return what + " was not sent: its arguments cannot be recorded exactly (" + why + "). JSON numbers must fit"
                + " a 64-bit float (RFC 7493); send larger or more precise numbers as strings.";
    }

    public static String requestFailure(String method, String profile, UpstreamException e) {
        return method + " failed: " + cause(profile, e);
    }

    private static String cause(String profile, UpstreamException e) {
        String what = e.getMessage();
        return switch (e.kind()) {
            case NO_CREDENTIALS, AUTH_REJECTED -> what + ". Run `aws sso login --profile " + profile
                    + "` (or fix that profile's credentials), then retry; the proxy uses new credentials without a restart.";
            case CONNECT_FAILED -> what + ". Check the endpoint URL and the network, then retry.";
            case THROTTLED -> what + ". Wait a little and retry, or start the proxy with --retries.";
            case REDIRECT -> what + ".";
            case SESSION_EXPIRED -> what + " even after a new session was opened. Retry.";
            case TIMEOUT -> what + ". Retry, or raise --timeout / --read-timeout.";
            default -> what + ". Retry; if it keeps failing, check upstream's status.";
        };
    }
}
