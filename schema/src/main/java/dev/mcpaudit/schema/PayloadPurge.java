package dev.mcpaudit.schema;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.mcpaudit.schema.PurgeRefusedException.Reason;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The purge path (schema/FORMAT.md, "Purging a payload"): replaces the values at some JSON pointers of
 * one rule-2 event's payload with {@code [PURGED:<seq>]}, drops its salt and appends a
 * {@code payload.purged} event, in one transaction; then makes sure the old bytes are gone from the
 * database file and its WAL. The event's hash is unchanged (it covers {@code payload_sha256}, not the
 * payload), so the chain still verifies and the verifier reports the purge as a notice.
 *
 * <p>Where the old bytes could be: the table page holding the row (rewritten by the UPDATE; with
 * {@code secure_delete} the space the old cell leaves is zeroed), overflow pages of a long payload
 * (freed, and zeroed by {@code secure_delete}), the database file's copy of those pages (overwritten
 * by the checkpoint), and WAL frames written before (dropped when the checkpoint truncates the WAL).
 * The checkpoint cannot run while another process holds a read transaction on an older snapshot, so
 * it is tried before anything changes (refused: nothing changed) and after the commit (reported when
 * it could not run: purging the same seq again finishes it).
 */
public final class PayloadPurge {
    /** What is purged when no pointer is given: whichever of these the payload has. */
    public static final List<String> DEFAULT_POINTERS = List.of("/args", "/result");

    private static final ObjectMapper JSON = new ObjectMapper();

    private PayloadPurge() {}

    /**
     * @param pointers RFC 6901 pointers into the payload; empty for {@link #DEFAULT_POINTERS}
     * @param reason why, in the user's words (recorded in the log)
     * @param osUser who purges (recorded in the log)
     */
    public record Request(long seq, List<String> pointers, String reason, String osUser) {
        public Request {
            pointers = List.copyOf(pointers);
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(osUser, "osUser");
        }
    }

    /**
     * What a purge did.
     *
     * @param purgeSeq seq of the payload.purged event appended; 0 when every pointer was purged already
     * @param purged the pointers purged now
     * @param alreadyPurged the pointers that held a purge marker already (left as they were)
     * @param filesClean whether the checkpoint after the purge ran, so that the old bytes are gone from
     *     the database file and its WAL
     */
    public record Result(long seq, String type, String callId, long purgeSeq, List<String> purged,
            List<String> alreadyPurged, boolean filesClean) {}

    /**
     * Purges as asked, or throws {@link PurgeRefusedException} having changed nothing. The log must be
     * open for appending (its redactor redacts the payload.purged event as every event is).
     *
     * @throws IllegalArgumentException a pointer is not an RFC 6901 pointer below the root, pointers
     *     overlap, or the reason is blank
     */
    public static Result purge(AuditLog log, Request request) {
        if (request.reason().isBlank()) {
            throw new IllegalArgumentException("the reason for a purge is recorded in the log and cannot be empty.");
        }
        List<String> asked = distinct(request.pointers());
        for (String p : asked) {
            if (Purges.pointer(p) == null) {
                throw new IllegalArgumentException(p.isEmpty()
                        ? "the whole payload cannot be purged; name the values to remove, e.g. --pointer /args."
                        : "'" + p + "' is not a JSON pointer (RFC 6901) such as /args or /result/content/0/text.");
            }
        }
        for (String a : asked) {
            for (String b : asked) {
                if (!a.equals(b) && b.startsWith(a + "/")) {
                    throw new IllegalArgumentException("pointers " + a + " and " + b + " overlap; " + a
                            + " alone purges both.");
                }
            }
        }
        var redactor = log.redactor();
        try (Connection c = AuditLog.connect(log.path(), false, log.busyTimeout()); Statement st = c.createStatement()) {
            st.execute("PRAGMA secure_delete = ON");
            if (!checkpoint(st)) {
                throw new PurgeRefusedException(Reason.BUSY, "audit log " + log.path() + " is being read or written by"
                        + " another process (a running report or verify, or a proxy in the middle of a write), so the"
                        + " old value could not be overwritten at once; nothing was changed. Retry when it is done, or"
                        + " stop the proxy first.");
            }
            Result result;
            st.execute("BEGIN IMMEDIATE");
            try {
                result = purgeInTransaction(c, st, log, redactor, request, asked);
                st.execute(result.purgeSeq() == 0 ? "ROLLBACK" : "COMMIT");
            } catch (SQLException | RuntimeException e) {
                try {
                    st.execute("ROLLBACK");
                } catch (SQLException ignored) {
                    // The transaction may already be over.
                }
                throw e;
            }
            boolean clean = checkpoint(st);
            return new Result(result.seq(), result.type(), result.callId(), result.purgeSeq(), result.purged(),
                    result.alreadyPurged(), clean);
        } catch (SQLException e) {
            throw SqliteErrors.explain(log.path(), "purge seq " + request.seq(), e);
        }
    }

    /** A TRUNCATE checkpoint: every WAL frame copied into the database file, then the WAL emptied. */
    private static boolean checkpoint(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            return rs.next() && rs.getInt(1) == 0;
        }
    }

    private static Result purgeInTransaction(Connection c, Statement st, AuditLog log,
            dev.mcpaudit.schema.redact.Redactor redactor, Request request, List<String> asked) throws SQLException {
        ChainHead head = EventAppender.readHead(st);
        long seq = request.seq();
        StoredEvent row;
        try (PreparedStatement ps = c.prepareStatement("SELECT " + AuditLog.COLUMNS + " FROM events WHERE seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                row = rs.next() ? AuditLog.stored(rs) : null;
            }
        }
        if (row == null) {
            throw new PurgeRefusedException(Reason.NO_SUCH_EVENT, "audit log " + log.path() + " has no event at seq "
                    + seq + (head.seq() == 0 ? "; it has no events" : "; its events are seq 1 to " + head.seq())
                    + ". Find the event with `audit-cli show CALL_ID`.");
        }
        if (Purges.UNPURGEABLE.contains(row.type())) {
            throw new PurgeRefusedException(Reason.NOT_PURGEABLE, "seq " + seq + " is a " + row.type() + " event: "
                    + (row.type().equals(EventType.CHECKPOINT.wireName())
                            ? "a signed checkpoint holds no call data, and changing it would void its signature."
                            : "the record of a purge is evidence of it and is never purged itself."));
        }
        if (row.hashRule() != ChainHash.RULE_PAYLOAD_DIGEST) {
            throw new PurgeRefusedException(Reason.OLD_RULE, "seq " + seq + " was written under hash rule 1, before"
                    + " this log was upgraded to schema version 3: its hash covers the payload's bytes, so changing"
                    + " them would break the chain at seq " + seq + ", and it cannot be purged. Rotate the leaked"
                    + " credential; to get the value off this disk, retire the log (sign a checkpoint of it with"
                    + " `audit-cli checkpoint`, then move the file to protected storage or delete it): the proxy"
                    + " starts a new log, whose events can be purged.");
        }
        JsonNode parsed;
        try {
            parsed = JSON.readTree(row.payload());
        } catch (java.io.IOException e) {
            parsed = null;
        }
        if (!(parsed instanceof ObjectNode payload) || !CanonicalJson.canonicalize(parsed).equals(row.payload())) {
            throw new IllegalStateException("seq " + seq + "'s payload is not the canonical JSON object the writer"
                    + " stores; run `audit-cli verify` to find out what happened to it.");
        }
        List<String> pointers = asked;
        if (pointers.isEmpty()) {
            pointers = DEFAULT_POINTERS.stream().filter(p -> !payload.at(p).isMissingNode()).toList();
            if (pointers.isEmpty()) {
                throw new PurgeRefusedException(Reason.NO_SUCH_POINTER, "seq " + seq + " (" + row.type() + ") has"
                        + " neither /args nor /result; name what to purge with --pointer (its fields: "
                        + fields(payload) + ").");
            }
        }
        List<String> purge = new ArrayList<>();
        List<String> already = new ArrayList<>();
        for (String p : pointers) {
            JsonNode v = payload.at(p);
            if (v.isMissingNode()) {
                throw new PurgeRefusedException(Reason.NO_SUCH_POINTER, "seq " + seq + " (" + row.type() + ") has"
                        + " nothing at " + p + "; its fields are " + fields(payload) + ", and a pointer names a"
                        + " value inside them, e.g. /args/cli_command (RFC 6901).");
            }
            (Purges.isMarker(v) ? already : purge).add(p);
        }
        if (purge.isEmpty()) {
            return new Result(seq, row.type(), row.callId(), 0, List.of(), already, false);
        }
        long purgeSeq = head.seq() + 1;
        TextNode marker = TextNode.valueOf(Purges.marker(purgeSeq));
        for (String p : purge) {
            JsonPointer ptr = JsonPointer.compile(p);
            JsonNode parent = payload.at(ptr.head());
            if (parent instanceof ObjectNode o) {
                o.set(ptr.last().getMatchingProperty(), marker);
            } else {
                ((ArrayNode) parent).set(ptr.last().getMatchingIndex(), marker);
            }
        }
        String purgedPayload = CanonicalJson.canonicalize(payload);
        ObjectNode record = JSON.createObjectNode()
                .put("seq", seq)
                .put("event_id", row.eventId())
                .put("reason", request.reason())
                .put("os_user", request.osUser())
                .put("original_payload_sha256", row.payloadSha256())
                .put("purged_payload_sha256", ChainHash.sha256Hex(purgedPayload));
        purge.forEach(record.putArray("pointers")::add);
        EventAppender.Prepared event = EventAppender.Prepared.of(new NewEvent(EventType.PAYLOAD_PURGED, Instant.now(),
                "audit-cli-" + UUID.randomUUID(), row.callId(), record), redactor, ChainHash.RULE_PAYLOAD_DIGEST);
        Purges.Record written = Purges.Record.parse(purgeSeq, event.time(), event.payload());
        if (written == null || !written.pointers().equals(purge)
                || !written.purgedPayloadSha256().equals(record.get("purged_payload_sha256").textValue())) {
            throw new IllegalArgumentException("redaction would hide part of the purge record (a pointer looks like a"
                    + " secret to it); name the values with pointers that do not contain secret-looking text.");
        }
        try (PreparedStatement insert = c.prepareStatement(EventAppender.insertSql(ChainHash.RULE_PAYLOAD_DIGEST))) {
            EventAppender.insert(insert, CanonicalJson.sha256(), purgeSeq, head.hash(), event);
        }
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE events SET payload = ?, payload_salt = NULL WHERE seq = ?")) {
            update.setString(1, purgedPayload);
            update.setLong(2, seq);
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("seq " + seq + " was not updated");
            }
        }
        return new Result(seq, row.type(), row.callId(), purgeSeq, purge, already, false);
    }

    private static List<String> distinct(List<String> pointers) {
        return List.copyOf(new LinkedHashSet<>(pointers));
    }

    /** "/args, /profile, …": the payload's top-level fields as pointers. */
    private static String fields(JsonNode payload) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = payload.fieldNames(); it.hasNext(); ) {
            out.add("/" + it.next().replace("~", "~0").replace("/", "~1"));
        }
        return out.isEmpty() ? "none" : String.join(", ", out);
    }
}
