package dev.mcpaudit.schema;

/** One finding of {@link ChainVerifier}: where it is, what kind, and a sentence explaining it. */
public record ChainProblem(long seq, Kind kind, String detail) {

    public enum Kind {
        /** The row's content no longer matches its own hash. */
        EDITED,
        /** Sequence numbers are missing: rows were deleted. */
        DELETED,
        /** A row claims the same predecessor as the row after it: it was slipped in. */
        INSERTED,
        /** A row links to a predecessor stored elsewhere in the file. */
        REORDERED,
        /** A row's predecessor is nowhere in the file: deleted, or replaced by a re-hashed copy. */
        BROKEN_LINK,
        /** A row's hash fields are not 64 lowercase hex digits, or a column is empty. */
        MALFORMED,
        /** The log ends before a signed checkpoint's position. */
        TRUNCATED,
        /** The hash at a signed checkpoint's position differs: the chain was rewritten. */
        REWRITTEN,
        /** The checkpoint itself cannot be trusted (bad signature, other log, unknown key). */
        BAD_CHECKPOINT,
        /** A payload.purged event that does not hold together with the event it names. */
        BAD_PURGE;

        /** Lower-case, dash-separated, for output that is read or parsed. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }
}
