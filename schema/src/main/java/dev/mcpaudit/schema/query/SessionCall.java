package dev.mcpaudit.schema.query;

/**
 * One call of a session in log order, with what a comparison of two sessions needs beyond the
 * {@code calls} view: the {@code seq} of its first event (its {@code call.requested}, or its
 * {@code call.rejected} for a denied call), the JSON-RPC {@code method} and, for methods other than
 * {@code tools/call}, the {@code target}. {@code args} and {@code result} are JSON text as recorded
 * (or a purge marker's text); fields the log does not hold are null.
 */
public record SessionCall(
        long seq,
        String callId,
        String startedAt,
        String method,
        String tool,
        String target,
        String profile,
        String accountId,
        String region,
        String args,
        String outcome,
        String error,
        String resultSha256,
        String result) {}
