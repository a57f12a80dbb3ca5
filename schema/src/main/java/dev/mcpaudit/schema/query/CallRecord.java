package dev.mcpaudit.schema.query;

/**
 * One row of the {@code calls} view, named as its columns are ({@code call_id} is {@code callId}).
 * {@code args} and {@code result} are JSON text as recorded (or a purge marker's text);
 * {@code durationMs} is as stored, an integer or a real number; {@code ended_at}, {@code durationMs},
 * {@code error}, {@code resultSha256} and {@code result} are null for a call that never completed.
 * {@code profileRefused}: a denied call whose {@code profile} is the refused {@code aws_profile} value
 * the agent asked for, not a profile ({@link RefusedProfiles}).
 */
public record CallRecord(
        String callId,
        String sessionId,
        String startedAt,
        String endedAt,
        Number durationMs,
        String profile,
        String accountId,
        String accountSource,
        String region,
        String service,
        String tool,
        String args,
        String argsFingerprint,
        String outcome,
        String error,
        String resultSha256,
        String result,
        boolean profileRefused) {}
