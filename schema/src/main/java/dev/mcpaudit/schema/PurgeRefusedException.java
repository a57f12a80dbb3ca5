package dev.mcpaudit.schema;

/**
 * {@link PayloadPurge} would not purge, and changed nothing. The message is one sentence for a person:
 * why, and what to do instead.
 */
public final class PurgeRefusedException extends RuntimeException {

    public enum Reason {
        /** No event at that seq. */
        NO_SUCH_EVENT,
        /** The event uses hash rule 1: its hash covers its payload's bytes. */
        OLD_RULE,
        /** A payload.purged or checkpoint event. */
        NOT_PURGEABLE,
        /** A pointer that names nothing in the payload (or no default pointer does). */
        NO_SUCH_POINTER,
        /** Another process is reading or writing, so the old bytes could not be overwritten at once. */
        BUSY
    }

    private final Reason reason;

    public PurgeRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
