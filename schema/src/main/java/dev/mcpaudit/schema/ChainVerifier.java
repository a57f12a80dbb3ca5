package dev.mcpaudit.schema;

import dev.mcpaudit.schema.ChainProblem.Kind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Recomputes every hash of the chain and names each problem with its seq, like
 * {@code aws cloudtrail validate-logs}. Separate from the writer on purpose: it trusts nothing stored
 * but the bytes it re-hashes. One streaming pass checks everything; only when links are broken does
 * a second pass index the hashes to tell insertions, reorderings and deletions apart.
 */
public final class ChainVerifier {

    /** Anything that can list a log's events in seq order, more than once (the database, an export). */
    @FunctionalInterface
    public interface EventSource {
        void scan(Consumer<StoredEvent> sink);
    }

    private ChainVerifier() {}

    public static VerificationReport verify(AuditLog log) {
        return verify(log.logId(), log::scanEvents, null, null);
    }

    public static VerificationReport verify(AuditLog log, Checkpoint checkpoint, PublicKey publicKey) {
        return verify(log.logId(), log::scanEvents, checkpoint, publicKey);
    }

    /**
     * @param checkpoint optional (null); when given, {@code publicKey} must be too
     */
    public static VerificationReport verify(String logId, EventSource events, Checkpoint checkpoint, PublicKey publicKey) {
        Pass pass = new Pass(checkpoint == null ? -1 : checkpoint.seq());
        events.scan(pass);
        List<ChainProblem> problems = new ArrayList<>(pass.problems);
        if (!pass.brokenLinks.isEmpty()) {
            problems.addAll(classify(events, pass.brokenLinks));
        }
        if (checkpoint != null) {
            problems.addAll(checkAgainst(checkpoint, publicKey, logId, pass));
        }
        problems.sort((a, b) -> Long.compare(a.seq(), b.seq()));
        return new VerificationReport(logId, pass.count, pass.firstSeq, pass.lastSeq, pass.firstTime, pass.lastTime,
                problems, Optional.ofNullable(checkpoint));
    }

    /** The streaming pass: seq continuity, each row's own hash, and each link to its predecessor. */
    private static final class Pass implements Consumer<StoredEvent> {
        private final long checkpointSeq;
        private final MessageDigest sha256 = CanonicalJson.sha256();
        final List<ChainProblem> problems = new ArrayList<>();
        final List<StoredEvent> brokenLinks = new ArrayList<>();
        long count;
        long firstSeq;
        long lastSeq;
        String firstTime;
        String lastTime;
        String hashAtCheckpoint;
        private long expectedSeq = 1;
        private String previousHash = ChainHash.GENESIS;

        Pass(long checkpointSeq) {
            this.checkpointSeq = checkpointSeq;
        }

        @Override
        public void accept(StoredEvent e) {
            if (count++ == 0) {
                firstSeq = e.seq();
                firstTime = e.time();
            }
            lastSeq = e.seq();
            lastTime = e.time();
            if (e.seq() == checkpointSeq) {
                hashAtCheckpoint = e.hash();
            }
            boolean gap = e.seq() != expectedSeq;
            if (gap) {
                problems.add(new ChainProblem(expectedSeq, Kind.DELETED, e.seq() - expectedSeq == 1
                        ? "seq " + expectedSeq + " is missing: the event was deleted"
                        : "seq " + expectedSeq + " to " + (e.seq() - 1) + " are missing: "
                                + (e.seq() - expectedSeq) + " events were deleted"));
            }
            if (!ChainHash.isHash(e.hash()) || !ChainHash.isHash(e.prevHash())) {
                problems.add(new ChainProblem(e.seq(), Kind.MALFORMED,
                        "hash or prev_hash is not 64 lowercase hex digits: the row was altered"));
            } else {
                String canonical = ChainHash.canonicalEvent(
                        e.eventId(), e.type(), e.time(), e.sessionId(), e.callId(), e.payload());
                String recomputed = ChainHash.next(sha256, e.prevHash(), canonical.getBytes(StandardCharsets.UTF_8));
                if (!recomputed.equals(e.hash())) {
                    problems.add(new ChainProblem(e.seq(), Kind.EDITED,
                            "content does not match its hash: the event was edited after it was written"));
                }
                // Across a gap the predecessor is gone; the DELETED finding already explains the link.
                if (!gap && !e.prevHash().equals(previousHash)) {
                    brokenLinks.add(e);
                }
            }
            expectedSeq = e.seq() + 1;
            previousHash = e.hash();
        }
    }

    /** Second pass, only after tampering: finds where each broken link really points. */
    private static List<ChainProblem> classify(EventSource events, List<StoredEvent> brokenLinks) {
        Map<String, Long> seqByHash = new HashMap<>();
        Map<Long, String> prevHashBySeq = new HashMap<>();
        events.scan(e -> {
            seqByHash.putIfAbsent(e.hash(), e.seq());
            prevHashBySeq.put(e.seq(), e.prevHash());
        });
        List<ChainProblem> out = new ArrayList<>();
        for (StoredEvent e : brokenLinks) {
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

    private static List<ChainProblem> checkAgainst(Checkpoint cp, PublicKey key, String logId, Pass pass) {
        if (key == null || !cp.signatureValid(key)) {
            return List.of(new ChainProblem(cp.seq(), Kind.BAD_CHECKPOINT, "the checkpoint's signature does not verify"
                    + " with the given public key (key id " + cp.keyId() + "); it proves nothing"));
        }
        if (!cp.logId().equals(logId)) {
            return List.of(new ChainProblem(cp.seq(), Kind.BAD_CHECKPOINT, "the checkpoint is for log " + cp.logId()
                    + " but this is log " + logId + ": the file was replaced, or the wrong checkpoint was given"));
        }
        if (pass.count == 0 || pass.lastSeq < cp.seq()) {
            long from = pass.count == 0 ? 1 : pass.lastSeq + 1;
            return List.of(new ChainProblem(cp.seq(), Kind.TRUNCATED, "the log ends at seq " + (from - 1)
                    + " but the checkpoint signed at " + cp.time() + " covers seq " + cp.seq() + ": events " + from
                    + " to " + cp.seq() + " were removed"));
        }
        if (pass.hashAtCheckpoint == null) {
            return List.of(); // that seq was deleted: already reported as DELETED
        }
        if (!pass.hashAtCheckpoint.equals(cp.hash())) {
            return List.of(new ChainProblem(cp.seq(), Kind.REWRITTEN, "the hash at seq " + cp.seq()
                    + " differs from the checkpoint signed at " + cp.time()
                    + ": the chain up to that point was rewritten"));
        }
        return List.of();
    }
}
