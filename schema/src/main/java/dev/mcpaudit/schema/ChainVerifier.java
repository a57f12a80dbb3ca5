package dev.mcpaudit.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.schema.ChainProblem.Kind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Recomputes every hash of the chain and names each problem with its seq, like
 * {@code aws cloudtrail validate-logs}. Separate from the writer on purpose: it trusts nothing stored
 * but the bytes it re-hashes. A log is checked in segments of consecutive seqs on every core (each
 * row's hash and its link to the row before depend on nothing else), and the segments' ends are
 * joined afterwards; only when links are broken does a second pass index the hashes to tell
 * insertions, reorderings and deletions apart.
 */
public final class ChainVerifier {
    static final long PROGRESS_STEP = 4_096;
    private static final byte[] GENESIS = ChainHash.GENESIS.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHECKPOINT_TYPE = EventType.CHECKPOINT.wireName().getBytes(StandardCharsets.UTF_8);
    private static final byte[] PURGED_TYPE = EventType.PAYLOAD_PURGED.wireName().getBytes(StandardCharsets.UTF_8);
    private static final ObjectMapper RECORDED = new ObjectMapper();

    /** Anything that can list a log's events in seq order, more than once (the database, an export). */
    @FunctionalInterface
    public interface EventSource {
        void scan(Consumer<StoredEvent> sink);
    }

    /** The stored row at each of some seqs (absent when no row has that seq). */
    @FunctionalInterface
    interface RowLookup {
        Map<Long, StoredEvent> eventsAt(Set<Long> seqs);
    }

    private ChainVerifier() {}

    public static VerificationReport verify(AuditLog log) {
        return verify(log, null, null);
    }

    /**
     * @param checkpoint optional (null); when given, {@code publicKey} must be too
     * @param publicKey optional (null); when given, every checkpoint event in the log that names this
     *     key is checked too: its signature, and its hash against the stored hash at its seq
     */
    public static VerificationReport verify(AuditLog log, Checkpoint checkpoint, PublicKey publicKey) {
        return verify(log, checkpoint, publicKey, new AtomicLong());
    }

    /**
     * As above, counting the events checked so far in {@code checked}, for a progress bar; the count
     * advances in steps of {@value #PROGRESS_STEP} events, from every thread.
     */
    public static VerificationReport verify(AuditLog log, Checkpoint checkpoint, PublicKey publicKey, AtomicLong checked) {
        return verify(log, checkpoint, publicKey, checked, RowReader.NONE);
    }

    /**
     * As above, handing every row it checks to {@code reader} as well, in the same pass: what the
     * reader computes is from exactly the rows this verification covers.
     */
    public static VerificationReport verify(AuditLog log, Checkpoint checkpoint, PublicKey publicKey, AtomicLong checked,
            RowReader reader) {
        return verify(log, checkpoint, publicKey, EventScan.SEGMENT_EVENTS, Runtime.getRuntime().availableProcessors(),
                checked, reader);
    }

    /** Test seam: the segment size and the number of threads. */
    static VerificationReport verify(AuditLog log, Checkpoint checkpoint, PublicKey publicKey, long segmentEvents,
            int threads) {
        return verify(log, checkpoint, publicKey, segmentEvents, threads, new AtomicLong(), RowReader.NONE);
    }

    private static VerificationReport verify(AuditLog log, Checkpoint checkpoint, PublicKey publicKey,
            long segmentEvents, int threads, AtomicLong checked, RowReader reader) {
        long checkpointSeq = checkpoint == null ? -1 : checkpoint.seq();
        if (!log.seqIsRowid()) {
            // The table was rebuilt: seq may be NULL, text or repeated, so no range of seqs is safe to
            // split on. One pass in seq order, as an export is checked.
            Segment whole = new Segment(checkpointSeq, checked, alongside(reader, 0));
            log.scanEvents(e -> whole.accept(RawEvent.of(e)));
            return conclude(log.logId(), new Segment[] {whole}, log::scanEvents, log::eventsAt, checkpoint, publicKey);
        }
        List<Segment> segments = EventScan.run(log, segmentEvents, threads,
                i -> new Segment(checkpointSeq, checked, alongside(reader, i)));
        return conclude(log.logId(), segments.toArray(Segment[]::new), log::scanEvents, log::eventsAt, checkpoint,
                publicKey);
    }

    /**
     * What reads segment {@code index}'s rows besides the verifier; null when nothing does, so that the
     * verifier's loop has no call to make (a report's reader, run earlier in the same JVM, must not
     * leave it with a call site the JIT can no longer inline).
     */
    private static Consumer<RawEvent> alongside(RowReader reader, int index) {
        return reader == RowReader.NONE ? null : reader.segment(index);
    }

    /**
     * One pass in seq order over any source of events (an export file).
     *
     * @param checkpoint optional (null); when given, {@code publicKey} must be too
     * @param publicKey optional (null); checks the checkpoint events in {@code events} too, as above
     */
    public static VerificationReport verify(String logId, EventSource events, Checkpoint checkpoint, PublicKey publicKey) {
        return verify(logId, events, seqs -> scanRows(events, seqs), checkpoint, publicKey);
    }

    private static VerificationReport verify(String logId, EventSource events, RowLookup rows, Checkpoint checkpoint,
            PublicKey publicKey) {
        Segment whole = new Segment(checkpoint == null ? -1 : checkpoint.seq(), new AtomicLong());
        events.scan(e -> whole.accept(RawEvent.of(e)));
        return conclude(logId, new Segment[] {whole}, events, rows, checkpoint, publicKey);
    }

    /** The rows at {@code seqs}, by one more pass over {@code events} (an export: no index to ask). */
    private static Map<Long, StoredEvent> scanRows(EventSource events, Set<Long> seqs) {
        Map<Long, StoredEvent> out = new HashMap<>();
        events.scan(e -> {
            if (seqs.contains(e.seq())) {
                out.putIfAbsent(e.seq(), e);
            }
        });
        return out;
    }

    /** Joins the segments in seq order: each one's first row must follow the last row of the one before. */
    private static VerificationReport conclude(String logId, Segment[] segments, EventSource events, RowLookup rows,
            Checkpoint checkpoint, PublicKey publicKey) {
        List<ChainProblem> problems = new ArrayList<>();
        List<BrokenLink> brokenLinks = new ArrayList<>();
        Segment first = null;
        Segment last = null;
        long lastSeq = 0;
        byte[] lastHash = GENESIS;
        String hashAtCheckpoint = null;
        long count = 0;
        List<RecordedCheckpoint> recorded = new ArrayList<>();
        List<Purges.Recorded> purgeEvents = new ArrayList<>();
        List<Purges.Mismatch> mismatches = new ArrayList<>();
        for (Segment s : segments) {
            problems.addAll(s.problems);
            recorded.addAll(s.checkpoints);
            purgeEvents.addAll(s.purges);
            mismatches.addAll(s.mismatches);
            count += s.count;
            hashAtCheckpoint = s.hashAtCheckpoint != null ? s.hashAtCheckpoint : hashAtCheckpoint;
            if (s.chained == 0) {
                continue;
            }
            first = first == null ? s : first;
            last = s;
            if (s.firstSeq != lastSeq + 1) {
                problems.add(gap(lastSeq + 1, s.firstSeq));
            } else if (s.firstLinkCheckable && !Arrays.equals(s.firstPrevHash, lastHash)) {
                brokenLinks.add(new BrokenLink(s.firstSeq, new String(s.firstPrevHash, StandardCharsets.UTF_8)));
            }
            brokenLinks.addAll(s.brokenLinks); // after the join link, which comes first in seq: the list stays in order
            lastSeq = s.lastSeq;
            lastHash = s.lastHash;
        }
        if (!brokenLinks.isEmpty()) {
            problems.addAll(classify(events, brokenLinks));
        }
        if (checkpoint != null) {
            problems.addAll(checkAgainst(checkpoint, publicKey, logId, count, lastSeq, hashAtCheckpoint));
        }
        List<PurgeNotice> purges = Purges.check(purgeEvents, mismatches, rows, problems);
        int checked = publicKey == null ? 0 : checkRecorded(recorded, publicKey, logId, rows, problems);
        problems.sort((a, b) -> Long.compare(a.seq(), b.seq()));
        return new VerificationReport(logId, count, first == null ? 0 : first.firstSeq, lastSeq,
                first == null ? null : first.firstTime, last == null ? null : last.lastTime(), problems,
                Optional.ofNullable(checkpoint), recorded.size(), checked, purges);
    }

    /** A {@code checkpoint} event as stored: its seq and payload. */
    private record RecordedCheckpoint(long seq, String payload) {}

    /**
     * Checks the checkpoint events that name {@code key} (those signed with other keys cannot be
     * checked with it and are only counted): the signature over this log's id and the recorded seq,
     * hash and time; a seq before the event's own; and the stored hash at that seq. Adds each problem
     * and returns how many were checked.
     */
    private static int checkRecorded(List<RecordedCheckpoint> recorded, PublicKey key, String logId, RowLookup rows,
            List<ChainProblem> problems) {
        String keyId = CheckpointKeys.keyId(key);
        Map<Long, Checkpoint> signed = new java.util.LinkedHashMap<>(); // by the event's seq
        int checked = 0;
        for (RecordedCheckpoint r : recorded) {
            Checkpoint cp = parseRecorded(logId, r.payload());
            if (cp == null) {
                problems.add(new ChainProblem(r.seq(), Kind.BAD_CHECKPOINT, "the checkpoint event at seq " + r.seq()
                        + " does not hold a checkpoint (seq, hash, signed_at, key_id, signature): it was altered"));
                continue;
            }
            if (!cp.keyId().equals(keyId)) {
                continue;
            }
            checked++;
            if (!cp.signatureValid(key)) {
                problems.add(new ChainProblem(r.seq(), Kind.BAD_CHECKPOINT, "the checkpoint event at seq " + r.seq()
                        + " names key " + keyId + " but its signature does not verify with it: it was forged or altered"));
            } else if (cp.seq() < 1 || cp.seq() >= r.seq()) {
                problems.add(new ChainProblem(r.seq(), Kind.BAD_CHECKPOINT, "the checkpoint event at seq " + r.seq()
                        + " covers seq " + cp.seq() + ", which is not before it: the event was moved"));
            } else {
                signed.put(r.seq(), cp);
            }
        }
        if (!signed.isEmpty()) {
            Map<Long, StoredEvent> stored = rows.eventsAt(new java.util.TreeSet<>(
                    signed.values().stream().map(Checkpoint::seq).toList()));
            signed.forEach((at, cp) -> {
                StoredEvent row = stored.get(cp.seq());
                String hash = row == null ? null : row.hash();
                // No row at that seq: deleted (reported as such), or before the start of a partial export.
                if (hash != null && !hash.equals(cp.hash())) {
                    problems.add(new ChainProblem(cp.seq(), Kind.REWRITTEN, "the hash at seq " + cp.seq()
                            + " differs from the one the checkpoint signed at " + cp.time() + " (recorded at seq " + at
                            + ") holds: the chain up to that point was rewritten"));
                }
            });
        }
        return checked;
    }

    /** The checkpoint a {@code checkpoint} event's payload records, or null when it holds none. */
    private static Checkpoint parseRecorded(String logId, String payload) {
        try {
            JsonNode p = RECORDED.readTree(payload);
            JsonNode seq = p.path("seq");
            String hash = p.path("hash").textValue();
            String time = p.path("signed_at").textValue();
            String keyId = p.path("key_id").textValue();
            String signature = p.path("signature").textValue();
            if (!seq.canConvertToExactIntegral() || !seq.canConvertToLong() || !ChainHash.isHash(hash) || time == null
                    || keyId == null || signature == null) {
                return null;
            }
            return new Checkpoint(logId, seq.longValue(), hash, time, keyId, signature);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** The row at {@code actual} came where {@code expected} should have. */
    private static ChainProblem gap(long expected, long actual) {
        if (actual < expected) { // only in a rebuilt table, where seq can repeat
            return new ChainProblem(actual, Kind.INSERTED, "seq " + actual + " appears again, after seq "
                    + (expected - 1) + ": the event was inserted");
        }
        return new ChainProblem(expected, Kind.DELETED, actual - expected == 1
                ? "seq " + expected + " is missing: the event was deleted"
                : "seq " + expected + " to " + (actual - 1) + " are missing: " + (actual - expected)
                        + " events were deleted");
    }

    /** A row whose prev_hash is not its predecessor's hash. */
    private record BrokenLink(long seq, String prevHash) {}

    /**
     * One run of consecutive rows: seq continuity, each row's own hash, and each link to its
     * predecessor inside the run. The link of its first row is checked when runs are joined.
     */
    private static final class Segment implements Consumer<RawEvent> {
        private final long checkpointSeq;
        private final MessageDigest sha256 = CanonicalJson.sha256();
        private final ChainHash.Scratch scratch = new ChainHash.Scratch();
        final List<ChainProblem> problems = new ArrayList<>();
        final List<BrokenLink> brokenLinks = new ArrayList<>();
        /** Every row seen; {@code chained} leaves out rows with a seq below 1, which no chain has. */
        long count;
        long chained;
        long firstSeq;
        byte[] firstPrevHash;
        boolean firstLinkCheckable;
        String firstTime;
        long lastSeq;
        byte[] lastHash;
        private byte[] lastTimeBytes;
        String hashAtCheckpoint;
        final List<RecordedCheckpoint> checkpoints = new ArrayList<>();
        /** Intact payload.purged events. */
        final List<Purges.Recorded> purges = new ArrayList<>();
        /** Rule-2 rows whose hash holds but whose payload does not match payload_sha256: purged, or edited. */
        final List<Purges.Mismatch> mismatches = new ArrayList<>();

        /** Shared by the segments: events checked so far, for a progress bar. */
        private final AtomicLong checked;
        /** Reads each row after it is checked ({@link RowReader}); null when nothing does. */
        private final Consumer<RawEvent> alongside;

        Segment(long checkpointSeq, AtomicLong checked, Consumer<RawEvent> alongside) {
            this.checkpointSeq = checkpointSeq;
            this.checked = checked;
            this.alongside = alongside;
        }

        /** A segment whose rows nothing else reads. */
        Segment(long checkpointSeq, AtomicLong checked) {
            this(checkpointSeq, checked, null);
        }

        String lastTime() {
            return lastTimeBytes == null ? null : new String(lastTimeBytes, StandardCharsets.UTF_8);
        }

        @Override
        public void accept(RawEvent e) {
            check(e);
            if (alongside != null) {
                alongside.accept(e);
            }
        }

        private void check(RawEvent e) {
            count++;
            if (count % PROGRESS_STEP == 0) { // in steps: one shared counter per event would slow every thread
                checked.addAndGet(PROGRESS_STEP);
            }
            if (e.seq() < 1) {
                problems.add(new ChainProblem(e.seq(), Kind.INSERTED, "seq " + e.seq() + " is below 1, where every"
                        + " log starts: the event was inserted"));
                return;
            }
            boolean digest = e.hashRule() == ChainHash.RULE_PAYLOAD_DIGEST;
            // Nearly every row is intact, and an intact row proves its own form: its hash and payload
            // digest equal digests just computed (so are lowercase hex), its prev_hash and salt were
            // decoded as lowercase hex. Only a row that fails is checked column by column.
            boolean intact = intact(e, digest);
            // NOT NULL holds only as long as nobody rebuilds the table; a verifier must not trust it.
            boolean wellFormed = intact || ChainHash.isHash(e.hash()) && ChainHash.isHash(e.prevHash())
                    && e.eventId() != null && e.type() != null && e.time() != null && e.sessionId() != null
                    && e.payload() != null && e.hashRule() != 0 && (!digest || ChainHash.isHash(e.payloadSha256())
                            && (e.payloadSalt() == null || ChainHash.isSalt(e.payloadSalt())));
            boolean gap = false;
            if (chained++ == 0) {
                firstSeq = e.seq();
                firstPrevHash = e.prevHash();
                firstLinkCheckable = wellFormed;
                firstTime = e.time() == null ? null : new String(e.time(), StandardCharsets.UTF_8);
            } else {
                gap = e.seq() != lastSeq + 1;
                if (gap) {
                    problems.add(gap(lastSeq + 1, e.seq()));
                }
            }
            if (e.seq() == checkpointSeq && e.hash() != null) {
                hashAtCheckpoint = new String(e.hash(), StandardCharsets.UTF_8);
            }
            if (wellFormed && Arrays.equals(e.type(), CHECKPOINT_TYPE)) {
                checkpoints.add(new RecordedCheckpoint(e.seq(), new String(e.payload(), StandardCharsets.UTF_8)));
            }
            if (!wellFormed) {
                problems.add(new ChainProblem(e.seq(), Kind.MALFORMED, "a column is empty, hash or prev_hash is"
                        + " not 64 lowercase hex digits, or hash_rule, payload_salt or payload_sha256 are not what"
                        + " its hash rule needs: the row was altered"));
            } else {
                if (intact) {
                    if (Arrays.equals(e.type(), PURGED_TYPE)) {
                        purges.add(new Purges.Recorded(e.seq(), utf8(e.time()), utf8(e.payload())));
                    }
                } else if (!ChainHash.hashMatches(sha256, scratch, e)) {
                    problems.add(new ChainProblem(e.seq(), Kind.EDITED,
                            "content does not match its hash: the event was edited after it was written"));
                } else if (digest && !ChainHash.payloadMatches(sha256, e)) {
                    // Purged (if a payload.purged event says so), else edited: decided once all rows are read.
                    mismatches.add(new Purges.Mismatch(e.seq(), utf8(e.eventId()), utf8(e.type()),
                            utf8(e.payloadSha256()), ChainHash.sha256Hex(sha256, e.payload()), e.payloadSalt() != null));
                } else if (Arrays.equals(e.type(), PURGED_TYPE)) {
                    purges.add(new Purges.Recorded(e.seq(), utf8(e.time()), utf8(e.payload())));
                }
                // Across a gap the predecessor is gone; the DELETED finding already explains the link.
                if (chained > 1 && !gap && !Arrays.equals(e.prevHash(), lastHash)) {
                    brokenLinks.add(new BrokenLink(e.seq(), new String(e.prevHash(), StandardCharsets.UTF_8)));
                }
            }
            lastSeq = e.seq();
            lastHash = e.hash();
            lastTimeBytes = e.time();
        }

        /** Every column present, the hash recomputes, and under rule 2 the payload matches its digest. */
        private boolean intact(RawEvent e, boolean digest) {
            return e.eventId() != null && e.type() != null && e.time() != null && e.sessionId() != null
                    && e.payload() != null && e.hashRule() != 0 && is64(e.hash()) && is64(e.prevHash())
                    && (!digest || is64(e.payloadSha256()) && e.payloadSalt() != null)
                    && (digest ? ChainHash.payloadMatches(sha256, e) && ChainHash.hashMatches(sha256, scratch, e, true)
                            : ChainHash.hashMatches(sha256, scratch, e));
        }

        private static boolean is64(byte[] b) {
            return b != null && b.length == 64;
        }
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Second pass, only after tampering: finds where each broken link really points. */
    private static List<ChainProblem> classify(EventSource events, List<BrokenLink> brokenLinks) {
        Map<String, Long> seqByHash = new HashMap<>();
        Map<Long, String> prevHashBySeq = new HashMap<>();
        events.scan(e -> {
            seqByHash.putIfAbsent(e.hash(), e.seq());
            prevHashBySeq.put(e.seq(), e.prevHash());
        });
        List<ChainProblem> out = new ArrayList<>();
        for (BrokenLink e : brokenLinks) {
            long k = e.seq();
            Long linked = e.prevHash().equals(ChainHash.GENESIS) ? Long.valueOf(0) : seqByHash.get(e.prevHash());
            if (linked != null && linked < k - 1 && e.prevHash().equals(prevHashBySeq.get(linked + 1))) {
                // Rows linked+1..k-1 hang off the same predecessor as row k: they were slipped in.
                long first = linked + 1;
                out.add(new ChainProblem(first, Kind.INSERTED, (first == k - 1 ? "seq " + first + " is"
                        : "seq " + first + " to " + (k - 1) + " are") + " not part of the chain: they claim the same"
                        + " predecessor as seq " + k + ", so they were inserted"));
            } else if (linked != null) {
                out.add(new ChainProblem(k, Kind.REORDERED, "seq " + k + " follows "
                        + (linked == 0 ? "the start of the log" : "seq " + linked)
                        + " in the chain, not seq " + (k - 1) + ": events were reordered"));
            } else {
                out.add(new ChainProblem(k, Kind.BROKEN_LINK, "the event that preceded seq " + k
                        + " in the chain is not in the log: it was deleted, or replaced by an edited and re-hashed copy"));
            }
        }
        return out;
    }

    private static List<ChainProblem> checkAgainst(Checkpoint cp, PublicKey key, String logId, long count, long lastSeq,
            String hashAtCheckpoint) {
        if (key == null || !cp.signatureValid(key)) {
            return List.of(new ChainProblem(cp.seq(), Kind.BAD_CHECKPOINT, "the checkpoint's signature does not verify"
                    + " with the given public key (key id " + cp.keyId() + "); it proves nothing"));
        }
        if (!cp.logId().equals(logId)) {
            return List.of(new ChainProblem(cp.seq(), Kind.BAD_CHECKPOINT, "the checkpoint is for log " + cp.logId()
                    + " but this is log " + logId + ": the file was replaced, or the wrong checkpoint was given"));
        }
        if (count == 0 || lastSeq < cp.seq()) {
            long from = count == 0 ? 1 : lastSeq + 1;
            return List.of(new ChainProblem(cp.seq(), Kind.TRUNCATED, "the log ends at seq " + (from - 1)
                    + " but the checkpoint signed at " + cp.time() + " covers seq " + cp.seq() + ": events " + from
                    + " to " + cp.seq() + " were removed"));
        }
        if (hashAtCheckpoint == null) {
            return List.of(); // that seq was deleted: already reported as DELETED
        }
        if (!hashAtCheckpoint.equals(cp.hash())) {
            return List.of(new ChainProblem(cp.seq(), Kind.REWRITTEN, "the hash at seq " + cp.seq()
                    + " differs from the checkpoint signed at " + cp.time()
                    + ": the chain up to that point was rewritten"));
        }
        return List.of();
    }
}
