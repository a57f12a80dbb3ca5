package dev.mcpaudit.proxy.pipeline;

/**
 * The sentences an agent reads when the proxy itself did not send a call: cause, then what to do.
 * Upstream's failures are worded by {@link dev.mcpaudit.proxy.upstream.UpstreamFailures}.
 */
public final class AgentMessages {
    private AgentMessages() {}

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
}
