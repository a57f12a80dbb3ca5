package dev.mcpaudit.schema.query;

/**
 * One call a report lists, found by the seq of its call.requested or call.rejected event; columns as
 * in the {@code calls} view ({@code error} is the reason of a denied call). {@code profileRefused}: a
 * denied call whose {@code profile} is the refused {@code aws_profile} value it asked for ({@link RefusedProfiles}).
 */
public record ListedCall(long seq, String callId, String sessionId, String startedAt, String profile, String accountId,
        String region, String tool, String args, String outcome, String error, boolean profileRefused) {}
