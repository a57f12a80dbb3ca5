package dev.mcpaudit.schema;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.schema.ChainProblem.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What a purge leaves behind, and how the verifier tells it from tampering (schema/FORMAT.md,
 * "Purging a payload"). A purge replaces the values at some JSON pointers of a rule-2 event's payload
 * by {@code "[PURGED:<seq of the purge event>]"}, removes the event's salt, and appends a
 * {@code payload.purged} event naming the event, the pointers, why, who, and the digests before and
 * after. The event's hash does not change: it covers {@code payload_sha256}, not the payload.
 */
public final class Purges {
    /** Types whose payload cannot be purged: the purge record itself, and signed checkpoints. */
    static final Set<String> UNPURGEABLE = Set.of(EventType.PAYLOAD_PURGED.wireName(), EventType.CHECKPOINT.wireName());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MARKER = Pattern.compile("\\[PURGED:[1-9][0-9]*]");

    private Purges() {}

    /** What replaces a purged value: {@code [PURGED:<seq of the payload.purged event>]}. */
    public static String marker(long purgeSeq) {
        return "[PURGED:" + purgeSeq + "]";
    }

    /** Whether a value is a purge marker, i.e. was purged already. */
    public static boolean isMarker(JsonNode value) {
        return value != null && value.isTextual() && isMarker(value.textValue());
    }

    /** Whether {@code text} is a purge marker, exactly (no whitespace around it); false for null. */
    public static boolean isMarker(String text) {
        return text != null && MARKER.matcher(text).matches();
    }

    /**
     * The payload of a {@code payload.purged} event.
     *
     * @param eventSeq the payload.purged event's own seq
     * @param time the payload.purged event's time
     * @param seq the purged event
     * @param eventId the purged event's event_id
     * @param originalPayloadSha256 the purged event's payload_sha256 (salted; the chain's commitment)
     * @param purgedPayloadSha256 plain SHA-256 of the payload the purge stored
     */
    public record Record(long eventSeq, String time, long seq, String eventId, List<String> pointers, String reason,
            String osUser, String originalPayloadSha256, String purgedPayloadSha256) {

        public Record {
            pointers = List.copyOf(pointers);
        }

        /** The record in a payload.purged event's payload, or null when it holds none. */
        public static Record parse(long eventSeq, String time, String payload) {
            try {
                JsonNode p = JSON.readTree(payload);
                JsonNode seq = p.path("seq");
                JsonNode pointers = p.path("pointers");
                String eventId = p.path("event_id").textValue();
                String reason = p.path("reason").textValue();
                String osUser = p.path("os_user").textValue();
                String original = p.path("original_payload_sha256").textValue();
                String purged = p.path("purged_payload_sha256").textValue();
                if (!seq.canConvertToExactIntegral() || !seq.canConvertToLong() || seq.longValue() < 1 || eventId == null
                        || reason == null || osUser == null || !ChainHash.isHash(original) || !ChainHash.isHash(purged)
                        || !pointers.isArray() || pointers.isEmpty()) {
                    return null;
                }
                List<String> list = new ArrayList<>();
                for (JsonNode ptr : pointers) {
                    if (!ptr.isTextual() || pointer(ptr.textValue()) == null) {
                        return null;
                    }
                    list.add(ptr.textValue());
                }
                return new Record(eventSeq, time, seq.longValue(), eventId, list, reason, osUser, original, purged);
            } catch (java.io.IOException | RuntimeException e) {
                return null;
            }
        }
    }

    /** An RFC 6901 pointer to something below the root, or null when {@code text} is not one. */
    static JsonPointer pointer(String text) {
        try {
            JsonPointer p = JsonPointer.compile(text);
            return p.matches() ? null : p; // the root: the whole payload is never purged
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** An intact payload.purged event as the verifier read it. */
    record Recorded(long seq, String time, String payload) {}

    /**
     * A rule-2 row whose hash holds but whose payload does not hash to its payload_sha256 (or whose
     * salt is gone): purged through the purge path, or edited.
     *
     * @param payloadSha256 the row's stored payload_sha256
     * @param plainSha256 plain SHA-256 of the row's stored payload
     */
    record Mismatch(long seq, String eventId, String type, String payloadSha256, String plainSha256, boolean saltPresent) {}

    /**
     * Decides, once every row is read, which mismatched payloads are purges (returned, in the order of
     * the purges) and which are tampering, and checks that every payload.purged event holds together
     * with the event it names; adds each problem to {@code problems}.
     */
    static List<PurgeNotice> check(List<Recorded> recorded, List<Mismatch> mismatches, ChainVerifier.RowLookup rows,
            List<ChainProblem> problems) {
        if (recorded.isEmpty() && mismatches.isEmpty()) {
            return List.of();
        }
        Set<Long> alreadyFound = new HashSet<>();
        problems.forEach(p -> alreadyFound.add(p.seq()));
        Map<Long, List<Record>> byTarget = new TreeMap<>();
        for (Recorded r : recorded) {
            Record p = Record.parse(r.seq(), r.time(), r.payload());
            if (p == null) {
                problems.add(new ChainProblem(r.seq(), Kind.BAD_PURGE, "the payload.purged event at seq " + r.seq()
                        + " does not hold a purge record (seq, event_id, pointers, reason, os_user,"
                        + " original_payload_sha256, purged_payload_sha256): it was altered"));
            } else if (p.seq() >= r.seq()) {
                problems.add(new ChainProblem(r.seq(), Kind.BAD_PURGE, "the payload.purged event at seq " + r.seq()
                        + " names seq " + p.seq() + ", which is not before it: a purge can only name an earlier event"));
            } else {
                byTarget.computeIfAbsent(p.seq(), k -> new ArrayList<>()).add(p);
            }
        }
        Map<Long, Mismatch> mismatched = new HashMap<>();
        mismatches.forEach(m -> mismatched.put(m.seq(), m));
        Set<Long> wanted = new TreeSet<>(byTarget.keySet());
        Map<Long, StoredEvent> stored = wanted.isEmpty() ? Map.of() : rows.eventsAt(wanted);

        List<PurgeNotice> notices = new ArrayList<>();
        for (Mismatch m : mismatches) {
            List<Record> claims = byTarget.getOrDefault(m.seq(), List.of());
            if (claims.isEmpty()) {
                problems.add(new ChainProblem(m.seq(), Kind.EDITED, m.saltPresent()
                        ? "its payload does not match the payload_sha256 its hash commits to, and no payload.purged"
                                + " event covers it: the payload was edited after it was written"
                        : "its payload_salt was removed and its payload does not match the payload_sha256 its hash"
                                + " commits to, and no payload.purged event covers it: the payload was replaced outside"
                                + " audit-cli purge"));
                continue;
            }
            List<Record> valid = new ArrayList<>();
            for (Record p : claims) {
                if (UNPURGEABLE.contains(m.type())) {
                    problems.add(new ChainProblem(p.eventSeq(), Kind.BAD_PURGE, "the payload.purged event at seq "
                            + p.eventSeq() + " names seq " + m.seq() + ", a " + m.type() + " event, whose payload"
                            + " cannot be purged"));
                } else if (!p.eventId().equals(m.eventId())) {
                    problems.add(new ChainProblem(p.eventSeq(), Kind.BAD_PURGE, "the payload.purged event at seq "
                            + p.eventSeq() + " names seq " + m.seq() + " as event " + p.eventId() + ", but seq "
                            + m.seq() + " is event " + m.eventId()));
                } else if (!p.originalPayloadSha256().equals(m.payloadSha256())) {
                    problems.add(new ChainProblem(p.eventSeq(), Kind.BAD_PURGE, "the payload.purged event at seq "
                            + p.eventSeq() + " records original_payload_sha256 " + p.originalPayloadSha256()
                            + " for seq " + m.seq() + ", whose payload_sha256 is " + m.payloadSha256()));
                } else {
                    valid.add(p);
                }
            }
            if (valid.isEmpty()) {
                problems.add(new ChainProblem(m.seq(), Kind.EDITED, "its payload does not match the payload_sha256"
                        + " its hash commits to, and no valid payload.purged event covers it: the payload was edited"));
                continue;
            }
            Record last = valid.get(valid.size() - 1);
            if (m.saltPresent()) {
                problems.add(new ChainProblem(m.seq(), Kind.EDITED, "its payload was purged at seq " + last.eventSeq()
                        + ", yet it still has a payload_salt and its payload does not match its payload_sha256: it was"
                        + " changed outside audit-cli purge"));
            } else if (!last.purgedPayloadSha256().equals(m.plainSha256())) {
                problems.add(new ChainProblem(m.seq(), Kind.EDITED, "its payload was purged at seq " + last.eventSeq()
                        + " and changed since: it no longer matches the purged_payload_sha256 the purge recorded"));
            } else {
                String missing = missingMarker(stored.get(m.seq()), last);
                if (missing != null) {
                    problems.add(new ChainProblem(last.eventSeq(), Kind.BAD_PURGE, "the payload.purged event at seq "
                            + last.eventSeq() + " says it purged " + missing + " of seq " + m.seq() + ", but seq "
                            + m.seq() + " does not hold " + marker(last.eventSeq()) + " there"));
                } else {
                    for (Record p : valid) {
                        notices.add(new PurgeNotice(m.seq(), m.type(), p.eventSeq(), p.pointers(), p.reason(),
                                p.osUser(), p.time()));
                    }
                }
            }
        }
        byTarget.forEach((target, claims) -> {
            if (mismatched.containsKey(target) || alreadyFound.contains(target)) {
                return; // decided above, or the row itself is already reported (edited, malformed, deleted)
            }
            StoredEvent row = stored.get(target);
            for (Record p : claims) {
                problems.add(new ChainProblem(p.eventSeq(), Kind.BAD_PURGE, row == null
                        ? "the payload.purged event at seq " + p.eventSeq() + " names seq " + target
                                + ", which is not in the log"
                        : "the payload.purged event at seq " + p.eventSeq() + " records a purge of seq " + target
                                + ", but seq " + target + " still holds the payload its hash commits to"
                                + (row.hashRule() == ChainHash.RULE_PAYLOAD
                                        ? " (it uses hash rule 1, which cannot be purged)"
                                        : ": the purge was never applied, or the payload was put back")));
            }
        });
        notices.sort(Comparator.comparingLong(PurgeNotice::purgedBySeq));
        return notices;
    }

    /** The first of {@code r}'s pointers where {@code row}'s payload does not hold r's marker; null when none. */
    private static String missingMarker(StoredEvent row, Record r) {
        JsonNode payload;
        try {
            payload = row == null ? null : JSON.readTree(row.payload());
        } catch (java.io.IOException e) {
            payload = null;
        }
        for (String ptr : r.pointers()) {
            JsonNode v = payload == null ? null : payload.at(ptr);
            if (v == null || !v.isTextual() || !v.textValue().equals(marker(r.eventSeq()))) {
                return ptr;
            }
        }
        return null;
    }
}
