package dev.mcpaudit.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Reads the whole of {@code events} in segments of consecutive seqs, one read connection and thread
 * per segment on as many threads as there are cores: the scan that {@link ChainVerifier} checks and
 * that a report reads.
 */
public final class EventScan {
    /** Events per segment: enough that opening a segment's connection is noise. */
    static final long SEGMENT_EVENTS = 100_000;

    private EventScan() {}

    /** Feeds every row to {@code reader}, segment by segment, without checking the chain. */
    public static void inSegments(AuditLog log, RowReader reader) {
        inSegments(log, reader, SEGMENT_EVENTS);
    }

    /** As above, in segments of about {@code segmentEvents} events (tests use tiny ones to put edges everywhere). */
    public static void inSegments(AuditLog log, RowReader reader, long segmentEvents) {
        if (!log.seqIsRowid()) {
            Consumer<RawEvent> whole = reader.segment(0);
            log.scanEvents(e -> whole.accept(RawEvent.of(e)));
            return;
        }
        run(log, segmentEvents, Runtime.getRuntime().availableProcessors(), reader::segment);
    }

    /**
     * Scans rows {@code 1..head} in segments (the first and last open-ended, so no row is left out,
     * whatever its seq), each into the consumer {@code segment} makes for its index; returns them in
     * index order. Only for a table whose seq is its rowid ({@link AuditLog#seqIsRowid}).
     */
    static <S extends Consumer<RawEvent>> List<S> run(AuditLog log, long segmentEvents, int threads,
            IntFunction<S> segment) {
        long head = log.head().map(ChainHead::seq).orElse(0L);
        // Bounded by the threads, not by the head: one forged row with a huge seq must not make
        // billions of empty segments; the segments are then uneven, and still cover every seq.
        int segmentCount = (int) Math.min(head <= 0 ? 1 : (head - 1) / segmentEvents + 1, 8L * Math.max(1, threads));
        long size = Math.max(1, head / segmentCount + (head % segmentCount == 0 ? 0 : 1)); // rounded up
        IntFunction<S> scan = i -> {
            S consumer = segment.apply(i);
            log.scanRawEvents(i == 0 ? Long.MIN_VALUE : i * size + 1,
                    i == segmentCount - 1 ? Long.MAX_VALUE : (i + 1) * size, consumer);
            return consumer;
        };
        List<S> segments = new ArrayList<>(segmentCount);
        int workers = Math.min(threads, segmentCount);
        if (workers <= 1) {
            for (int i = 0; i < segmentCount; i++) {
                segments.add(scan.apply(i));
            }
            return segments;
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "event-scan");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<S>> scans = new ArrayList<>();
            for (int i = 0; i < segmentCount; i++) {
                int index = i;
                scans.add(pool.submit(() -> scan.apply(index)));
            }
            for (Future<S> f : scans) {
                segments.add(await(f));
            }
        } finally {
            pool.shutdownNow(); // after a failure, the segments not yet started never are
        }
        return segments;
    }

    /** A segment's scan, or what it threw. */
    private static <S> S await(Future<S> scan) {
        try {
            return scan.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the log", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }
}
