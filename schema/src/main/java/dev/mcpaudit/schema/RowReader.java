package dev.mcpaudit.schema;

import java.util.function.Consumer;

/**
 * Reads the rows of a whole-log scan as they pass, so that what is computed from them is exactly what
 * the scan read: {@code audit-cli report} aggregates the rows that {@link ChainVerifier} checks, in the
 * same pass ({@link ChainVerifier#verify(AuditLog, Checkpoint, java.security.PublicKey,
 * java.util.concurrent.atomic.AtomicLong, RowReader)}), or those of {@link EventScan#inSegments} when
 * it does not verify.
 */
@FunctionalInterface
public interface RowReader {
    /** Reads nothing. */
    RowReader NONE = index -> row -> {};

    /**
     * The consumer of the segment numbered {@code index} (0 is the first, lowest seqs): a run of
     * consecutive seqs, fed in seq order on one thread. Segments run on several threads at once, so
     * each consumer keeps its own state; the caller merges them in index order afterwards.
     */
    Consumer<RawEvent> segment(int index);
}
