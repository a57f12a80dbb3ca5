package dev.mcpaudit.schema;

/** Every kind of event the log holds; {@link #wireName()} is what is stored in {@code events.type}. */
public enum EventType {
    SESSION_STARTED("session.started"),
    CLIENT_INITIALIZED("client.initialized"),
    CALL_REQUESTED("call.requested"),
    CALL_COMPLETED("call.completed"),
    CALL_REJECTED("call.rejected"),
    /** A write on a --confirm-writes profile: the user's decision, before the call is sent or refused (FORMAT.md). */
    CALL_APPROVAL("call.approval"),
    SESSION_ENDED("session.ended"),
    /** With --record-results: upstream's answer to a profile session's initialize (FORMAT.md). */
    UPSTREAM_INITIALIZED("upstream.initialized"),
    /** With --record-results: one page of upstream's tools/list answer (FORMAT.md). */
    TOOLS_LISTED("tools.listed"),
    CHECKPOINT("checkpoint"),
    /** A payload replaced by `audit-cli purge` (schema/FORMAT.md, "Purging a payload"). */
    PAYLOAD_PURGED("payload.purged");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
