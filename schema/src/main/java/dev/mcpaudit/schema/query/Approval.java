package dev.mcpaudit.schema.query;

/**
 * One {@code call.approval} event as audit-cli shows it: the user's decision on a write to a
 * protected profile (schema/FORMAT.md). Fields the event lacks are null.
 *
 * @param decision accept, decline, cancel, timeout, no-capability or fallback-allowed
 * @param client the answering client's {@code clientInfo} as "name version"
 */
public record Approval(long seq, String callId, String sessionId, String time, String profile, String accountId,
        String tool, String args, String decision, String reason, String message, Number answerMs, String client) {

    /** What a listing shows: approved (accept), unasked (fallback-allowed), declined (anything else). */
    public String shown() {
        if ("accept".equals(decision)) {
            return "approved";
        }
        return "fallback-allowed".equals(decision) ? "unasked" : "declined";
    }

    /** Whether the call was sent after it: accepted, or let through unasked. */
    public boolean sent() {
        return "accept".equals(decision) || "fallback-allowed".equals(decision);
    }
}
