package dev.mcpaudit.schema;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.mcpaudit.schema.PurgeRefusedException.Reason;
import java.nio.file.Path;
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
 *
 * <p>Then the files are searched, byte for byte, for each string the purge removed (8 characters or
 * more, as stored). A copy in another event's live payload is reported (the same value recorded
 * twice: purge that one too). A copy nowhere live is a stale one in space SQLite no longer uses, left
 * by a writer that ran without {@code secure_delete} (a proxy of the previous version): the file is
 * then rebuilt with {@code VACUUM} and searched again.
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
     * @param vacuum rebuild the file afterwards even if no stale copy is found (to finish a purge whose
     *     rebuild could not run)
     */
    public record Request(long seq, List<String> pointers, String reason, String osUser, boolean vacuum) {
        public Request {
            pointers = List.copyOf(pointers);
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(osUser, "osUser");
        }

        public Request(long seq, List<String> pointers, String reason, String osUser) {
            this(seq, pointers, reason, osUser, false);
        }
    }

    /**
     * What a purge did.
     *
     * @param purgeSeq seq of the payload.purged event appended; 0 when every pointer was purged already
     * @param purged the pointers purged now
     * @param alreadyPurged the pointers that held a purge marker already (left as they were)
     * @param filesClean whether the checkpoint after the purge ran and the purged strings are in no
     *     space of the database file or its WAL but the live payloads of {@code alsoIn}
     * @param alsoIn events not purged whose payload holds one of the purged strings too (at most 20)
     * @param vacuumed whether the file was rebuilt (stale copies were found, or it was asked for)
     * @param staleCopies copies of a purged string were found in space no event uses, and the rebuild
     *     that removes them could not run (another process had the log open in a transaction)
     */
    public record Result(long seq, String type, String callId, long purgeSeq, List<String> purged,
            List<String> alreadyPurged, boolean filesClean, List<Long> alsoIn, boolean vacuumed, boolean staleCopies) {}

    /** What the transaction did, and the strings it removed. */
    private record Done(Result result, List<String> removed) {}

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
            Done done;
            st.execute("BEGIN IMMEDIATE");
            try {
                done = purgeInTransaction(c, st, log, redactor, request, asked);
                st.execute(done.result().purgeSeq() == 0 ? "ROLLBACK" : "COMMIT");
            } catch (SQLException | RuntimeException e) {
                try {
                    st.execute("ROLLBACK");
                } catch (SQLException ignored) {
                    // The transaction may already be over.
                }
                throw e;
            }
            Result r = done.result();
            if (!checkpoint(st)) {
                return new Result(r.seq(), r.type(), r.callId(), r.purgeSeq(), r.purged(), r.alreadyPurged(), false,
                        List.of(), false, false);
            }
            List<Path> files = List.of(log.path(), Path.of(log.path() + "-wal"));
            List<String> found = FileScan.find(files, done.removed());
            List<Long> alsoIn = found.isEmpty() ? List.of() : liveCopies(c, found);
            boolean stale = !found.isEmpty() && alsoIn.isEmpty();
            boolean vacuumed = false;
            if (stale || request.vacuum()) {
                try {
                    st.execute("VACUUM");
                    vacuumed = checkpoint(st);
                } catch (SQLException e) {
                    vacuumed = false; // reported: the caller says how to finish
                }
                if (!vacuumed) {
                    return new Result(r.seq(), r.type(), r.callId(), r.purgeSeq(), r.purged(), r.alreadyPurged(), false,
                            alsoIn, false, stale);
                }
                stale = stale && !FileScan.find(files, done.removed()).isEmpty();
            }
            return new Result(r.seq(), r.type(), r.callId(), r.purgeSeq(), r.purged(), r.alreadyPurged(), !stale,
                    alsoIn, vacuumed, stale);
        } catch (SQLException e) {
            throw SqliteErrors.explain(log.path(), "purge seq " + request.seq(), e);
        } catch (java.io.IOException e) {
            throw new AuditLogException(AuditLogException.Reason.UNAVAILABLE, "audit log " + log.path() + " was purged,"
                    + " but could not be read back to check that the old value is gone: " + e.getMessage(), e);
        }
    }

    /** Events whose live payload holds one of {@code strings} (as stored), in seq order, at most 20. */
    private static List<Long> liveCopies(Connection c, List<String> strings) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT seq FROM events WHERE ");
        for (int i = 0; i < strings.size(); i++) {
            sql.append(i == 0 ? "" : " OR ").append("instr(payload, ?) > 0");
        }
        sql.append(" ORDER BY seq LIMIT 20");
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < strings.size(); i++) {
                ps.setString(i + 1, strings.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    /**
     * The strings a purge removes, as the stored canonical JSON holds them (escaped, without quotes):
     * every string of 8 characters or more at or below the purged pointers. Shorter ones ("ok", "prod")
     * are too common to tell a leftover from another event's field.
     */
    static List<String> removedStrings(List<JsonNode> values) {
        java.util.Set<String> out = new LinkedHashSet<>();
        java.util.ArrayDeque<JsonNode> todo = new java.util.ArrayDeque<>(values);
        while (!todo.isEmpty()) {
            JsonNode v = todo.pop();
            if (v.isTextual() && v.textValue().length() >= 8 && !Purges.isMarker(v)) {
                StringBuilder quoted = new StringBuilder();
                CanonicalJson.appendQuoted(quoted, v.textValue());
                out.add(quoted.substring(1, quoted.length() - 1));
            } else if (v.isContainerNode()) {
                v.elements().forEachRemaining(todo::add);
            }
        }
        return List.copyOf(out);
    }

    /** A TRUNCATE checkpoint: every WAL frame copied into the database file, then the WAL emptied. */
    private static boolean checkpoint(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            return rs.next() && rs.getInt(1) == 0;
        }
    }

    private static Done purgeInTransaction(Connection c, Statement st, AuditLog log,
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
            return new Done(new Result(seq, row.type(), row.callId(), 0, List.of(), already, false, List.of(), false,
                    false), List.of());
        }
        long purgeSeq = head.seq() + 1;
        List<String> removed = removedStrings(purge.stream().map(payload::at).toList());
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
        return new Done(new Result(seq, row.type(), row.callId(), purgeSeq, purge, already, false, List.of(), false,
                false), removed);
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
