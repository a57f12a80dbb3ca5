package dev.mcpaudit.schema.query;

import java.nio.charset.StandardCharsets;

/**
 * One call of a report's scope, with what the report groups it by: a row of the {@code calls} view
 * for the scope (its call.requested or call.rejected event). Ids and time are kept as the stored
 * bytes until asked for, since a scope can hold a million calls. {@code outcome} and
 * {@code refused} are settled once the whole log has been read ({@link ScopeReader}).
 */
final class ScopedCall {
    final long seq;
    /** Dropped once the completion is found in the scan ({@link #completed}): a million ids are worth not keeping. */
    private byte[] callId;
    final String sessionId;
    private final byte[] startedAt;
    final SqlValue profile;
    final SqlValue accountId;
    final SqlValue tool;
    /** {@link CallGroup#command()}. */
    final String command;
    /** For a denied call only: whether its call.rejected event had an account_source. */
    final boolean hasAccountSource;
    /** Wire name, or null (a completion without an outcome). */
    SqlValue outcome;
    /** Whether a call.completed was found for a call.requested (else it is incomplete). */
    boolean completionFound;
    /** Denied calls only: the profile is a refused aws_profile value ({@link RefusedProfiles}). */
    boolean refused;
    /** Denied calls only: in scope only if {@link #refused} (it matched the profile as a look-alike). */
    boolean inScopeIfRefused;

    ScopedCall(long seq, byte[] callId, String sessionId, byte[] startedAt, SqlValue profile, SqlValue accountId,
            SqlValue tool, String command, boolean hasAccountSource, SqlValue outcome) {
        this.seq = seq;
        this.callId = callId;
        this.sessionId = sessionId;
        this.startedAt = startedAt;
        this.profile = profile;
        this.accountId = accountId;
        this.tool = tool;
        this.command = command;
        this.hasAccountSource = hasAccountSource;
        this.outcome = outcome;
    }

    /** The call's completion was read, with this outcome (null when it has none). */
    void completed(SqlValue outcome) {
        this.outcome = outcome;
        this.completionFound = true;
        this.callId = null;
    }

    boolean denied() {
        return outcome != null && outcome.isText(CallOutcome.DENIED.wireName());
    }

    /** Null once {@link #completed} in the scan. */
    String callId() {
        return callId == null ? null : new String(callId, StandardCharsets.UTF_8);
    }

    byte[] startedAtBytes() {
        return startedAt;
    }

    String startedAt() {
        return startedAt == null ? null : new String(startedAt, StandardCharsets.UTF_8);
    }
}
