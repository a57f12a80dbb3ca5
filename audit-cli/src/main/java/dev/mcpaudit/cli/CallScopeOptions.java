package dev.mcpaudit.cli;

import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.query.CallFilter;
import dev.mcpaudit.schema.query.CallOutcome;
import java.sql.SQLException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options that pick calls by where and when they ran, shared by {@code calls} and {@code report}:
 * {@code --profile}, {@code --account}, {@code --session} and the time range.
 */
public final class CallScopeOptions {
    @Option(names = "--profile", paramLabel = "PROFILE", description = "Only calls made with this AWS profile.")
    String profile;

    @Option(names = "--account", paramLabel = "ID", description = "Only calls in this AWS account.")
    String account;

    @Option(names = "--session", paramLabel = "ID", description = "Only calls of this proxy session: its id or a unique prefix of it (see `audit-cli sessions`).")
    String session;

    @Mixin
    TimeRangeOptions time;

    public String profile() {
        return profile;
    }

    public String account() {
        return account;
    }

    public String session() {
        return session;
    }

    public TimeRangeOptions time() {
        return time;
    }

    /**
     * The filter of these options, with {@code --since}/{@code --until} as {@code period} (parsed by the
     * caller against its "now") and a command's own {@code tool}, {@code outcome} and {@code writes}.
     */
    public CallFilter filter(TimeArgs.Period period, String tool, String outcome, boolean writes) {
        return filter(period, tool, outcome, writes, session);
    }

    /**
     * As {@link #filter(TimeArgs.Period, String, String, boolean)}, with {@code --session} resolved
     * in {@code log} from a unique prefix to the whole id ({@link SessionArgument}).
     */
    public CallFilter filter(AuditLog log, TimeArgs.Period period, String tool, String outcome, boolean writes)
            throws SQLException {
        return filter(period, tool, outcome, writes, session == null ? null : SessionArgument.resolve(log, session));
    }

    /** As above, with {@code --session} resolved from a unique prefix in any source of sessions. */
    public CallFilter filter(String where, SessionArgument.PrefixLookup sessions, TimeArgs.Period period, String tool,
            String outcome, boolean writes) throws SQLException {
        return filter(period, tool, outcome, writes, session == null ? null : SessionArgument.resolve(session, where,
                sessions));
    }

    private CallFilter filter(TimeArgs.Period period, String tool, String outcome, boolean writes, String sessionId) {
        if (outcome != null && CallOutcome.ofWireName(outcome).isEmpty()) {
            throw new IllegalArgumentException("--outcome " + outcome + " is not an outcome; use ok, tool_error, error,"
                    + " timeout, cancelled, denied or incomplete.");
        }
        return new CallFilter(profile, account, tool, sessionId, outcome, period.since(), period.until(), writes);
    }
}
