package dev.mcpaudit.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.schema.ChainProblem.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The purge path end to end on real files: a value that leaked into a recorded call is purged, the
 * chain still verifies and reports the purge as a notice, the value is gone from the database file,
 * its WAL and its free pages, and every other change to a payload is still a finding.
 */
class PayloadPurgeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path dir;

    Path db;
    /** What leaked: not secret-looking, so redaction let it through (customer data, an internal name). */
    String leak;
    /** seq of the call.requested event whose args hold the leak, and of its call.completed. */
    long requested;
    long completed;

    @BeforeEach
    void recordALeak() {
        db = dir.resolve("audit.db");
        leak = "leaked-" + HexFormat.of().formatHex(new byte[] {12, 34, 56, 78, 90, 12, 34, 56}) + "-customer-Jane-Leakwell";
        try (AuditLog log = AuditLog.openForAppend(db)) {
            append(log, EventType.SESSION_STARTED, null, JSON.createObjectNode().put("os_user", "alice"));
            for (int i = 0; i < 3; i++) {
                call(log, "c" + i, "aws s3 ls s3://bucket-" + i, "ok");
            }
            requested = call(log, "c-leak", "aws s3 cp notes.txt s3://bucket/" + leak, "uploaded " + leak) - 1;
            completed = requested + 1;
            for (int i = 3; i < 6; i++) {
                call(log, "c" + i, "aws s3 ls s3://bucket-" + i, "ok");
            }
        }
    }

    // --- the round trip ---

    @Test
    void purgedLogVerifiesWithANoticeAndTheRestOfTheLogIsUnchanged() throws Exception {
        List<StoredEvent> before = events();

        PayloadPurge.Result result = purge(requested, List.of(), "customer name pasted into a command");

        assertThat(result.purged()).containsExactly("/args");
        assertThat(result.alreadyPurged()).isEmpty();
        assertThat(result.filesClean()).isTrue();
        assertThat(result.alsoIn()).isEmpty();
        assertThat(result.vacuumed()).isFalse();
        long purgeSeq = before.size() + 1;
        assertThat(result.purgeSeq()).isEqualTo(purgeSeq);

        List<StoredEvent> after = events();
        assertThat(after).hasSize(before.size() + 1);
        for (int i = 0; i < before.size(); i++) {
            StoredEvent b = before.get(i);
            StoredEvent a = after.get(i);
            if (b.seq() != requested) {
                assertThat(a).as("seq %s is untouched", b.seq()).isEqualTo(b);
                continue;
            }
            // Only the payload and its salt changed; everything the hash covers is as it was.
            assertThat(a.hash()).isEqualTo(b.hash());
            assertThat(a.prevHash()).isEqualTo(b.prevHash());
            assertThat(a.payloadSha256()).isEqualTo(b.payloadSha256());
            assertThat(a.eventId()).isEqualTo(b.eventId());
            assertThat(a.payloadSalt()).isNull();
            JsonNode purged = JSON.readTree(a.payload());
            assertThat(purged.get("args").asText()).isEqualTo("[PURGED:" + purgeSeq + "]");
            assertThat(purged.get("tool").asText()).as("the rest of the payload stays readable").isEqualTo("aws___call_aws");
            assertThat(a.payload()).doesNotContain(leak);
        }
        StoredEvent record = after.get(after.size() - 1);
        assertThat(record.type()).isEqualTo("payload.purged");
        assertThat(record.callId()).as("shown with the call it purged").isEqualTo("c-leak");
        JsonNode p = JSON.readTree(record.payload());
        assertThat(p.get("seq").asLong()).isEqualTo(requested);
        assertThat(p.get("event_id").asText()).isEqualTo(before.get((int) requested - 1).eventId());
        assertThat(p.get("pointers")).containsExactly(JSON.getNodeFactory().textNode("/args"));
        assertThat(p.get("reason").asText()).isEqualTo("customer name pasted into a command");
        assertThat(p.get("os_user").asText()).isEqualTo("alice");
        assertThat(p.get("original_payload_sha256").asText()).isEqualTo(before.get((int) requested - 1).payloadSha256());
        assertThat(p.get("purged_payload_sha256").asText()).isEqualTo(ChainHash.sha256Hex(after.get((int) requested - 1).payload()));

        VerificationReport report = verify();
        assertThat(report.problems()).isEmpty();
        assertThat(report.intact()).isTrue();
        assertThat(report.purges()).containsExactly(new PurgeNotice(requested, "call.requested", purgeSeq,
                List.of("/args"), "customer name pasted into a command", "alice", record.time()));
        assertThat(SchemaCheck.check(AuditLog.openReadOnly(db))).isEmpty();
        // Checked in segments of one event on 4 threads, the purged row and its record apart: the same verdict.
        VerificationReport segmented = ChainVerifier.verify(AuditLog.openReadOnly(db), null, null, 1, 4);
        assertThat(segmented.problems()).isEmpty();
        assertThat(segmented.purges()).isEqualTo(report.purges());
    }

    @Test
    void theValueIsGoneFromTheDatabaseItsWalAndItsFreePagesWithTheLogClosed() throws Exception {
        assertThat(filesHolding(leak)).as("before the purge").isNotEmpty();

        purge(requested, List.of(), "leak");
        purge(completed, List.of(), "leak");

        assertThat(filesHolding(leak)).as("after the purge").isEmpty();
        assertThat(verify().purges()).hasSize(2);
    }

    @Test
    void theValueIsGoneWhileAProxyStillHasTheLogOpenAndItsEventsInTheWal() throws Exception {
        try (AuditLog proxy = AuditLog.openForAppend(db)) {
            // Written by the running proxy: sits in the WAL, never checkpointed into the file yet.
            String walLeak = "leaked-in-the-wal-" + leak;
            long seq = call(proxy, "c-wal", "aws s3 cp a.txt s3://bucket/" + walLeak, "ok") - 1;
            assertThat(Path.of(db + "-wal")).exists();
            assertThat(filesHolding(walLeak)).contains(db.getFileName() + "-wal");

            PayloadPurge.Result result = purge(seq, List.of("/args/cli_command"), "leak");

            assertThat(result.filesClean()).isTrue();
            assertThat(filesHolding(walLeak)).isEmpty();
            // The proxy goes on appending after the purge, and the chain stays whole.
            call(proxy, "c-after", "aws s3 ls", "ok");
        }
        VerificationReport report = verify();
        assertThat(report.problems()).isEmpty();
        assertThat(report.purges()).extracting(PurgeNotice::pointers).containsExactly(List.of("/args/cli_command"));
    }

    @Test
    void aLongResultInOverflowPagesIsGoneFromTheFreedPagesToo() throws Exception {
        String big;
        long seq;
        Random random = new Random(7);
        StringBuilder text = new StringBuilder();
        while (text.length() < 40_000) {
            text.append("row ").append(random.nextInt(1_000_000)).append(" ok; ");
        }
        big = "overflow-" + leak;
        text.append(big);
        try (AuditLog log = AuditLog.openForAppend(db)) {
            ObjectNode result = JSON.createObjectNode();
            result.putArray("content").addObject().put("type", "text").put("text", text.toString());
            ObjectNode payload = JSON.createObjectNode().put("outcome", "ok");
            payload.set("result", result);
            seq = append(log, EventType.CALL_COMPLETED, "c-big", payload);
        }
        assertThat(filesHolding(big)).isNotEmpty();
        assertThat(pragma("freelist_count")).isZero();

        purge(seq, List.of(), "a 40 KB result with a customer's name in it");

        assertThat(pragma("freelist_count")).as("the result's overflow pages are free now, and stay in the file")
                .isGreaterThan(5);
        assertThat(filesHolding(big)).isEmpty();
        assertThat(verify().problems()).isEmpty();
    }

    @Test
    void theSameValueRecordedInAnotherEventIsNamedAfterThePurge() throws Exception {
        long again;
        try (AuditLog log = AuditLog.openForAppend(db)) {
            // The agent ran the same command once more.
            again = call(log, "c-again", "aws s3 cp notes.txt s3://bucket/" + leak, "ok") - 1;
        }

        PayloadPurge.Result result = purge(requested, List.of(), "leak");

        assertThat(result.alsoIn()).containsExactly(again);
        assertThat(result.vacuumed()).as("a live copy is no stale one: nothing to rebuild").isFalse();
        assertThat(purge(again, List.of(), "leak").alsoIn()).isEmpty();
        assertThat(filesHolding("s3://bucket/" + leak)).isEmpty();
    }

    @Test
    void copiesAWriterWithoutSecureDeleteLeftInUnusedSpaceAreFoundAndTheFileIsRebuilt() throws Exception {
        Path fresh = dir.resolve("fresh.db");
        long seq;
        try (AuditLog log = AuditLog.openForAppend(fresh)) {
            seq = call(log, "c-leak", "aws s3 cp a.txt s3://bucket/" + leak, "ok") - 1;
        }
        // A proxy of the previous version (rule 1, no secure_delete) appends on: the table's root page
        // splits in its hands, and the copy of the leak's row it held stays in the page's unused space.
        appendAsAnOldProxy(fresh, 40);
        try (AuditLog log = AuditLog.openForAppend(fresh)) {
            PayloadPurge.Result result = PayloadPurge.purge(log, new PayloadPurge.Request(seq, List.of("/args"), "leak", "alice"));

            assertThat(result.vacuumed()).as("a stale copy was found, so the file was rebuilt").isTrue();
            assertThat(result.filesClean()).isTrue();
            assertThat(result.staleCopies()).isFalse();
        }
        db = fresh;
        assertThat(filesHolding(leak)).isEmpty();
        VerificationReport report = verify();
        assertThat(report.problems()).isEmpty();
        assertThat(report.purges()).hasSize(1);
    }

    @Test
    void purgingAgainWithMorePointersAddsASecondRecordAndBothAreNotices() throws Exception {
        purge(completed, List.of("/result"), "first");
        PayloadPurge.Result second = purge(completed, List.of("/result", "/error"), "the error text too");

        assertThat(second.purged()).containsExactly("/error");
        assertThat(second.alreadyPurged()).containsExactly("/result");
        VerificationReport report = verify();
        assertThat(report.problems()).isEmpty();
        assertThat(report.purges()).extracting(PurgeNotice::seq, PurgeNotice::pointers, PurgeNotice::reason)
                .containsExactly(tuple(completed, List.of("/result"), "first"),
                        tuple(completed, List.of("/error"), "the error text too"));
    }

    @Test
    void purgingWhatIsPurgedAlreadyAppendsNothing() throws Exception {
        purge(requested, List.of(), "once");
        long head = events().size();

        PayloadPurge.Result again = purge(requested, List.of(), "twice");

        assertThat(again.purgeSeq()).isZero();
        assertThat(again.purged()).isEmpty();
        assertThat(again.alreadyPurged()).containsExactly("/args");
        assertThat(again.filesClean()).isTrue();
        assertThat(events()).hasSize((int) head);
    }

    // --- refusals: nothing changes ---

    @Test
    void anEventWrittenUnderHashRule1IsRefusedSayingWhyAndWhatToDo() throws Exception {
        Path old = dir.resolve("old.db");
        long seq;
        try (AuditLog v2 = AuditLog.openForAppend(old, AuditLog.DEFAULT_BUSY_TIMEOUT, 2)) {
            seq = call(v2, "c-old", "aws s3 cp x s3://b/" + leak, "ok") - 1;
        }
        AuditLog.openForAppend(old).close(); // upgraded: new events would be rule 2, this one stays rule 1
        byte[] bytes = Files.readAllBytes(old);

        PurgeRefusedException e;
        try (AuditLog log = AuditLog.openForAppend(old)) {
            e = catchThrowableOfType(PurgeRefusedException.class, () -> PayloadPurge.purge(log,
                    new PayloadPurge.Request(seq, List.of(), "leak", "alice")));
        }

        assertThat(e.reason()).isEqualTo(PurgeRefusedException.Reason.OLD_RULE);
        assertThat(e.getMessage()).contains("hash rule 1").contains("cannot be purged").contains("Rotate")
                .contains("retire the log");
        assertThat(Files.readAllBytes(old)).isEqualTo(bytes);
    }

    @Test
    void unknownSeqMissingPointerAndUnpurgeableEventsAreRefused() throws Exception {
        List<StoredEvent> before = events();
        assertRefused(999, List.of(), PurgeRefusedException.Reason.NO_SUCH_EVENT, "no event at seq 999",
                "seq 1 to " + before.size());
        assertRefused(requested, List.of("/args/nope"), PurgeRefusedException.Reason.NO_SUCH_POINTER,
                "nothing at /args/nope", "/args");
        assertRefused(1, List.of(), PurgeRefusedException.Reason.NO_SUCH_POINTER, "neither /args nor /result",
                "--pointer", "/os_user");

        purge(requested, List.of(), "leak");
        long purgeSeq = before.size() + 1;
        assertRefused(purgeSeq, List.of("/reason"), PurgeRefusedException.Reason.NOT_PURGEABLE, "payload.purged",
                "never purged");
        assertThat(events()).hasSize(before.size() + 1);
    }

    @Test
    void badPointersAndABlankReasonAreUsageErrors() {
        try (AuditLog log = AuditLog.openForAppend(db)) {
            assertThatThrownBy(() -> PayloadPurge.purge(log, new PayloadPurge.Request(requested, List.of("args"), "x", "a")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON pointer");
            assertThatThrownBy(() -> PayloadPurge.purge(log, new PayloadPurge.Request(requested, List.of(""), "x", "a")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole payload");
            assertThatThrownBy(() -> PayloadPurge.purge(log,
                    new PayloadPurge.Request(requested, List.of("/args", "/args/cli_command"), "x", "a")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlap");
            assertThatThrownBy(() -> PayloadPurge.purge(log, new PayloadPurge.Request(requested, List.of(), " ", "a")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
        }
    }

    @Test
    void aReaderInTheMiddleOfAReadIsWaitedForThenThePurgeIsRefusedAndNothingChanges() throws Exception {
        try (AuditLog proxy = AuditLog.openForAppend(db, Duration.ofMillis(300))) {
            call(proxy, "c-wal", "aws s3 ls", "ok"); // frames in the WAL, so a reader reads from it
            List<StoredEvent> before = events();
            try (Connection reader = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = reader.createStatement()) {
                st.execute("BEGIN");
                st.executeQuery("SELECT count(*) FROM events").close(); // holds its snapshot until rollback

                PurgeRefusedException e = catchThrowableOfType(PurgeRefusedException.class, () -> PayloadPurge.purge(proxy,
                        new PayloadPurge.Request(requested, List.of(), "leak", "alice")));

                assertThat(e.reason()).isEqualTo(PurgeRefusedException.Reason.BUSY);
                assertThat(e.getMessage()).contains("nothing was changed").contains("stop the proxy");
                st.execute("ROLLBACK");
            }
            assertThat(events()).isEqualTo(before);
        }
    }

    // --- the schema keeps refusing every other change ---

    @Test
    void anOrdinaryUpdateIsStillRefusedBeforeAndRightAfterAPurge() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            assertThatThrownBy(() -> exec(c, "UPDATE events SET payload = '{}', payload_salt = NULL WHERE seq = " + requested))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
        }
        purge(requested, List.of(), "leak");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            // The newest event names seq `requested`, yet only its payload could change, and other rows not at all.
            assertThatThrownBy(() -> exec(c, "UPDATE events SET time = '2020-01-01T00:00:00.000Z' WHERE seq = " + requested))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> exec(c, "UPDATE events SET payload = '{}', payload_salt = NULL WHERE seq = " + completed))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            // In order after the head, so that only the rule-2 trigger can refuse it: no salt, no digest.
            assertThatThrownBy(() -> exec(c, "INSERT INTO events(seq, event_id, type, time, session_id, payload, prev_hash,"
                    + " hash, hash_rule) SELECT seq + 1, 'x', 't', 't', 's', '{}', hash, 'h', 2 FROM events"
                    + " ORDER BY seq DESC LIMIT 1"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("rule 2 with payload_salt and payload_sha256");
        }
    }

    // --- what verify makes of changes that did not go through the purge path ---

    @Test
    void editingTheReplacementAfterAPurgeIsAFailure() throws Exception {
        long purgeSeq = purge(requested, List.of(), "leak").purgeSeq();
        // The newest event still names that seq, so even the trigger lets this one through: verify must not.
        sql("UPDATE events SET payload = json_set(payload, '$.profile', 'dev') WHERE seq = " + requested);

        VerificationReport report = verify();

        assertThat(report.problems()).extracting(ChainProblem::seq, ChainProblem::kind)
                .containsExactly(tuple(requested, Kind.EDITED));
        assertThat(report.problems().get(0).detail()).contains("purged at seq " + purgeSeq).contains("changed since");
        assertThat(report.purges()).isEmpty();
    }

    @Test
    void editingThePurgeRecordIsAFailure() throws Exception {
        long purgeSeq = purge(requested, List.of(), "leak").purgeSeq();
        dropTriggers();
        sql("UPDATE events SET payload = json_set(payload, '$.reason', 'routine clean-up') WHERE seq = " + purgeSeq);

        VerificationReport report = verify();

        assertThat(report.intact()).isFalse();
        assertThat(report.problems()).extracting(ChainProblem::seq, ChainProblem::kind)
                .containsExactly(tuple(requested, Kind.EDITED), tuple(purgeSeq, Kind.EDITED));
        assertThat(report.purges()).isEmpty();
    }

    @Test
    void deletingThePurgeRecordIsAFailure() throws Exception {
        long purgeSeq = purge(requested, List.of(), "leak").purgeSeq();
        dropTriggers();
        // The record was the newest event, so the chain alone cannot see it go; the purged payload can.
        sql("DELETE FROM events WHERE seq = " + purgeSeq);

        VerificationReport report = verify();

        assertThat(report.problems()).extracting(ChainProblem::seq, ChainProblem::kind)
                .containsExactly(tuple(requested, Kind.EDITED));
        assertThat(report.problems().get(0).detail()).contains("no payload.purged event covers it");
    }

    @Test
    void forgingAPurgeRecordThatDoesNotMatchTheReplacementIsAFailure() throws Exception {
        long purgeSeq = purge(requested, List.of(), "leak").purgeSeq();
        // Someone rewrites the payload with another "purge" of their own and appends no record for it.
        dropTriggers();
        sql("UPDATE events SET payload = '{\"args\":\"[PURGED:" + purgeSeq + "]\"}' WHERE seq = " + requested);

        assertThat(verify().problems()).extracting(ChainProblem::seq, ChainProblem::kind)
                .containsExactly(tuple(requested, Kind.EDITED));
    }

    @Test
    void puttingTheOriginalPayloadBackAfterAPurgeIsABadPurge() throws Exception {
        StoredEvent original = events().get((int) requested - 1);
        long purgeSeq = purge(requested, List.of(), "leak").purgeSeq();
        dropTriggers();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                var ps = c.prepareStatement("UPDATE events SET payload = ?, payload_salt = ? WHERE seq = ?")) {
            ps.setString(1, original.payload());
            ps.setString(2, original.payloadSalt());
            ps.setLong(3, requested);
            ps.executeUpdate();
        }

        VerificationReport report = verify();

        assertThat(report.problems()).extracting(ChainProblem::seq, ChainProblem::kind)
                .containsExactly(tuple(purgeSeq, Kind.BAD_PURGE));
        assertThat(report.problems().get(0).detail()).contains("still holds the payload its hash commits to");
    }

    @Test
    void anEventWrittenUnderRule1AndEditedIsStillEdited() throws Exception {
        Path old = dir.resolve("old.db");
        try (AuditLog v2 = AuditLog.openForAppend(old, AuditLog.DEFAULT_BUSY_TIMEOUT, 2)) {
            call(v2, "c-old", "aws s3 ls", "ok");
        }
        AuditLog.openForAppend(old).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old)) {
            exec(c, "DROP TRIGGER events_no_update");
            exec(c, "UPDATE events SET payload = '{\"args\":\"[PURGED:3]\"}' WHERE seq = 1");
        }

        assertThat(ChainVerifier.verify(AuditLog.openReadOnly(old)).problems())
                .extracting(ChainProblem::seq, ChainProblem::kind).containsExactly(tuple(1L, Kind.EDITED));
    }

    // --- helpers ---

    private PayloadPurge.Result purge(long seq, List<String> pointers, String reason) {
        try (AuditLog log = AuditLog.openForAppend(db)) {
            return PayloadPurge.purge(log, new PayloadPurge.Request(seq, pointers, reason, "alice"));
        }
    }

    private void assertRefused(long seq, List<String> pointers, PurgeRefusedException.Reason reason, String... says) {
        PurgeRefusedException e;
        try (AuditLog log = AuditLog.openForAppend(db)) {
            e = catchThrowableOfType(PurgeRefusedException.class,
                    () -> PayloadPurge.purge(log, new PayloadPurge.Request(seq, pointers, "why", "alice")));
        }
        assertThat(e).as("purge of seq %s %s is refused", seq, pointers).isNotNull();
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.getMessage()).contains(says);
    }

    private VerificationReport verify() {
        return ChainVerifier.verify(AuditLog.openReadOnly(db));
    }

    private List<StoredEvent> events() {
        List<StoredEvent> out = new ArrayList<>();
        AuditLog.openReadOnly(db).scanEvents(out::add);
        return out;
    }

    /** The names of the log's files (database, WAL, shared memory) whose bytes contain {@code value}. */
    private List<String> filesHolding(String value) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path f : List.of(db, Path.of(db + "-wal"), Path.of(db + "-shm"))) {
            if (Files.exists(f) && new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(value)) {
                out.add(f.getFileName().toString());
            }
        }
        return out;
    }

    private long pragma(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
                var rs = st.executeQuery("PRAGMA " + name)) {
            return rs.getLong(1);
        }
    }

    /** Appends a call's two events; returns the seq of its call.completed. */
    private static long call(AuditLog log, String callId, String command, String resultText) {
        ObjectNode requestedPayload = JSON.createObjectNode().put("tool", "aws___call_aws").put("profile", "prod");
        requestedPayload.putObject("args").put("cli_command", command);
        append(log, EventType.CALL_REQUESTED, callId, requestedPayload);
        ObjectNode completedPayload = JSON.createObjectNode().put("outcome", "ok").put("error", "none");
        completedPayload.putObject("result").putArray("content").addObject().put("type", "text").put("text", resultText);
        return append(log, EventType.CALL_COMPLETED, callId, completedPayload);
    }

    private static long append(AuditLog log, EventType type, String callId, ObjectNode payload) {
        return log.appender().append(new NewEvent(type, T0, "s1", callId, payload)).seq();
    }

    /** Rule-1 events appended over plain JDBC, as version 0.1.0 wrote them (no secure_delete). */
    private static void appendAsAnOldProxy(Path file, int events) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            for (int i = 0; i < events; i++) {
                long seq;
                String prev;
                try (var rs = st.executeQuery("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")) {
                    seq = rs.getLong(1) + 1;
                    prev = rs.getString(2);
                }
                String eventId = java.util.UUID.randomUUID().toString();
                String time = "2026-12-01T11:00:00.000Z";
                String payload = "{\"args\":{\"cli_command\":\"aws s3 ls s3://bucket-" + i + "/" + "x".repeat(200)
                        + "\"},\"tool\":\"aws___call_aws\"}";
                String hash = ChainHash.next(prev, ChainHash.canonicalEvent(eventId, "call.requested", time, "old", "o" + i,
                        payload));
                try (var ps = c.prepareStatement("INSERT INTO events(seq, event_id, type, time, session_id, call_id,"
                        + " payload, prev_hash, hash) VALUES (?, ?, 'call.requested', ?, 'old', ?, ?, ?, ?)")) {
                    ps.setLong(1, seq);
                    ps.setString(2, eventId);
                    ps.setString(3, time);
                    ps.setString(4, "o" + i);
                    ps.setString(5, payload);
                    ps.setString(6, prev);
                    ps.setString(7, hash);
                    ps.executeUpdate();
                }
            }
        }
    }

    private void dropTriggers() throws SQLException {
        sql("DROP TRIGGER events_no_update", "DROP TRIGGER events_no_delete", "DROP TRIGGER events_append_only_in_order");
    }

    private void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            for (String s : statements) {
                exec(c, s);
            }
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
