package dev.mcpaudit.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.schema.ChainProblem.Kind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tamper matrix: an attacker with write access to the file edits, deletes, inserts, reorders,
 * truncates or rewrites events (dropping the append-only triggers first), and the verifier must name
 * what was done and where. Signed checkpoints close the two gaps a chain alone cannot see.
 */
class ChainVerifierTamperTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = 20;

    @TempDir
    Path dir;

    private Path db;
    private CheckpointKeys.SigningKey key;

    @BeforeEach
    void writeLog() throws Exception {
        db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            for (int i = 1; i <= EVENTS; i++) {
                EventType type = i % 2 == 1 ? EventType.CALL_REQUESTED : EventType.CALL_COMPLETED;
                String callId = "call-" + ((i + 1) / 2);
                log.appender().append(NewEvent.now(type, "session-1", callId,
                        JSON.createObjectNode().put("n", i).put("profile", "prod").put("tool", "aws___call_aws")));
            }
        }
        key = CheckpointKeys.generate(dir.resolve("checkpoint.key"), dir.resolve("checkpoint.pub"));
    }

    // --- untampered ---

    @Test
    void untamperedLogVerifiesIntactWithItsRange() {
        AuditLog log = AuditLog.openReadOnly(db);
        VerificationReport report = verify(log, null, null);
        assertThat(report.problems()).isEmpty();
        assertThat(report.intact()).isTrue();
        assertThat(report.logId()).isEqualTo(log.logId()).matches("[0-9a-f]{32}");
        assertThat(report.eventsChecked()).isEqualTo(EVENTS);
        assertThat(report.firstSeq()).isEqualTo(1);
        assertThat(report.lastSeq()).isEqualTo(EVENTS);
        assertThat(EventTime.parse(report.firstTime())).isBeforeOrEqualTo(EventTime.parse(report.lastTime()));
        assertThat(report.checkpoint()).isEmpty();
    }

    @Test
    void untamperedLogVerifiesIntactAgainstItsCheckpoint() {
        AuditLog log = AuditLog.openReadOnly(db);
        Checkpoint cp = checkpoint(log);
        VerificationReport report = verify(log, cp, key.publicKey());
        assertThat(report.problems()).isEmpty();
        assertThat(report.checkpoint()).contains(cp);
    }

    @Test
    void checkpointOfAnEarlierHeadStillVerifiesAfterMoreAppends() {
        Checkpoint cp = checkpoint(AuditLog.openReadOnly(db));
        try (AuditLog log = AuditLog.openForAppend(db)) {
            log.appender().append(NewEvent.now(EventType.SESSION_ENDED, "session-1", null, JSON.createObjectNode()));
        }
        VerificationReport report = verify(AuditLog.openReadOnly(db), cp, key.publicKey());
        assertThat(report.problems()).isEmpty();
        assertThat(report.lastSeq()).isEqualTo(EVENTS + 1);
    }

    @Test
    void emptyLogVerifiesIntact() {
        Path empty = dir.resolve("empty.db");
        AuditLog.openForAppend(empty).close();
        VerificationReport report = verify(AuditLog.openReadOnly(empty), null, null);
        assertThat(report.intact()).isTrue();
        assertThat(report.eventsChecked()).isZero();
        assertThat(report.firstSeq()).isZero();
    }

    // --- edits ---

    @Test
    void editedPayloadIsReportedAsEditedAtThatSeq() throws Exception {
        tamper(c -> exec(c, "UPDATE events SET payload = '{\"n\":7,\"profile\":\"dev\",\"tool\":\"aws___call_aws\"}' WHERE seq = 7"));
        assertProblems(verify(), tuple(7L, Kind.EDITED));
    }

    @Test
    void editedPayloadWithItsOwnHashRecomputedBreaksTheLinkOfTheNextEvent() throws Exception {
        tamper(c -> {
            StoredEvent e = row(c, 7);
            update(c, rehashed(e, "{\"n\":7,\"profile\":\"dev\",\"tool\":\"aws___call_aws\"}", e.prevHash()));
        });
        assertProblems(verify(), tuple(8L, Kind.BROKEN_LINK));
    }

    // --- hash rule 2: the hash covers payload_sha256, which covers the payload ---

    @Test
    void editedPayloadDigestIsReportedAsEdited() throws Exception {
        tamper(c -> exec(c, "UPDATE events SET payload_sha256 = '" + "ab".repeat(32) + "' WHERE seq = 6"));
        assertProblems(verify(), tuple(6L, Kind.EDITED));
    }

    @Test
    void editedSaltIsReportedAsEdited() throws Exception {
        tamper(c -> exec(c, "UPDATE events SET payload_salt = '" + "00".repeat(16) + "' WHERE seq = 6"));
        VerificationReport report = verify();
        assertProblems(report, tuple(6L, Kind.EDITED));
        assertThat(report.problems().get(0).detail()).contains("no payload.purged event covers it");
    }

    @Test
    void payloadReplacedAndSaltDroppedWithoutAPurgeRecordIsReportedAsEdited() throws Exception {
        tamper(c -> exec(c, "UPDATE events SET payload = '{\"n\":\"[PURGED:21]\"}', payload_salt = NULL WHERE seq = 6"));
        VerificationReport report = verify();
        assertProblems(report, tuple(6L, Kind.EDITED));
        assertThat(report.problems().get(0).detail()).contains("replaced outside audit-cli purge");
    }

    @Test
    void eventMovedBackToHashRule1IsReportedAsEdited() throws Exception {
        tamper(c -> exec(c, "UPDATE events SET hash_rule = 1 WHERE seq = 6"));
        assertProblems(verify(), tuple(6L, Kind.EDITED));
    }

    @Test
    void unknownHashRuleOrMalformedDigestIsReportedAsMalformed() throws Exception {
        tamper(c -> {
            exec(c, "UPDATE events SET hash_rule = 3 WHERE seq = 4");
            exec(c, "UPDATE events SET payload_sha256 = NULL WHERE seq = 9");
            exec(c, "UPDATE events SET payload_salt = 'not hex' WHERE seq = 12");
        });
        assertProblems(verify(), tuple(4L, Kind.MALFORMED), tuple(9L, Kind.MALFORMED), tuple(12L, Kind.MALFORMED));
    }

    @Test
    void editedSessionIdIsReportedAsEdited() throws Exception {
        tamper(c -> exec(c, "UPDATE events SET session_id = 'someone-else' WHERE seq = 3"));
        assertProblems(verify(), tuple(3L, Kind.EDITED));
    }

    @Test
    void malformedHashIsReportedAsMalformed() throws Exception {
        tamper(c -> exec(c, "UPDATE events SET hash = upper(hash) WHERE seq = 5"));
        VerificationReport report = verify();
        assertThat(report.intact()).isFalse();
        assertThat(report.problems()).extracting(ChainProblem::seq, ChainProblem::kind).contains(tuple(5L, Kind.MALFORMED));
    }

    @Test
    void emptiedColumnsInATableRebuiltWithoutConstraintsAreReportedAsMalformed() throws Exception {
        tamper(c -> {
            exec(c, "PRAGMA legacy_alter_table = ON"); // the rename must not re-check the views meanwhile
            exec(c, "CREATE TABLE loose AS SELECT * FROM events");
            exec(c, "DROP TABLE events");
            exec(c, "ALTER TABLE loose RENAME TO events");
            exec(c, "UPDATE events SET payload = NULL WHERE seq = 4");
            exec(c, "UPDATE events SET time = NULL, hash = NULL WHERE seq = 9");
        });
        VerificationReport report = verify();
        assertThat(report.problems()).extracting(ChainProblem::seq, ChainProblem::kind)
                .contains(tuple(4L, Kind.MALFORMED), tuple(9L, Kind.MALFORMED));
        assertThat(report.eventsChecked()).isEqualTo(EVENTS);
    }

    // --- deletions ---

    @Test
    void deletedMiddleEventIsReportedAsDeletedAtThatSeq() throws Exception {
        tamper(c -> exec(c, "DELETE FROM events WHERE seq = 7"));
        VerificationReport report = verify();
        assertProblems(report, tuple(7L, Kind.DELETED));
        assertThat(report.problems().get(0).detail()).contains("seq 7");
    }

    @Test
    void severalDeletedEventsAreReportedAsOneDeletedRange() throws Exception {
        tamper(c -> exec(c, "DELETE FROM events WHERE seq BETWEEN 7 AND 9"));
        VerificationReport report = verify();
        assertProblems(report, tuple(7L, Kind.DELETED));
        assertThat(report.problems().get(0).detail()).contains("7 to 9").contains("3 events");
    }

    @Test
    void deletedMiddleEventWithLaterEventsRenumberedIsReportedAsBrokenLink() throws Exception {
        tamper(c -> {
            exec(c, "DELETE FROM events WHERE seq = 7");
            renumber(c, 8, -1);
        });
        VerificationReport report = verify();
        assertProblems(report, tuple(7L, Kind.BROKEN_LINK));
        assertThat(report.eventsChecked()).isEqualTo(EVENTS - 1);
        assertThat(report.lastSeq()).isEqualTo(EVENTS - 1);
    }

    @Test
    void deletedFirstEventIsReportedAsDeleted() throws Exception {
        tamper(c -> exec(c, "DELETE FROM events WHERE seq = 1"));
        assertProblems(verify(), tuple(1L, Kind.DELETED));
    }

    // --- insertion and reordering ---

    @Test
    void forgedEventInsertedInTheMiddleWithAValidHashIsReportedAsInsertedAtItsSeq() throws Exception {
        tamper(c -> {
            StoredEvent before = row(c, 7);
            renumber(c, 8, +1);
            String eventId = UUID.randomUUID().toString();
            String time = before.time();
            String payload = "{\"n\":0,\"profile\":\"prod\",\"tool\":\"aws___call_aws\"}";
            insert(c, 8, eventId, "call.requested", time, "session-1", "forged", payload, before.hash(),
                    hash(before.hash(), eventId, "call.requested", time, "session-1", "forged", payload));
        });
        VerificationReport report = verify();
        assertProblems(report, tuple(8L, Kind.INSERTED));
        assertThat(report.eventsChecked()).isEqualTo(EVENTS + 1);
    }

    @Test
    void twoForgedEventsInsertedTogetherAreDetected() throws Exception {
        tamper(c -> {
            StoredEvent before = row(c, 7);
            renumber(c, 8, +2);
            String prev = before.hash();
            for (long seq = 8; seq <= 9; seq++) {
                String eventId = UUID.randomUUID().toString();
                String h = hash(prev, eventId, "call.requested", before.time(), "session-1", "forged-" + seq, "{}");
                insert(c, seq, eventId, "call.requested", before.time(), "session-1", "forged-" + seq, "{}", prev, h);
                prev = h;
            }
        });
        VerificationReport report = verify();
        assertProblems(report, tuple(8L, Kind.INSERTED));
        assertThat(report.problems().get(0).detail()).contains("seq 8 to 9");
        assertThat(report.eventsChecked()).isEqualTo(EVENTS + 2);
    }

    @Test
    void forgedEventInsertedBeforeTheFirstIsReportedAsInsertedAtSeq1() throws Exception {
        tamper(c -> {
            renumber(c, 1, +1);
            String eventId = UUID.randomUUID().toString();
            String time = "2020-01-01T00:00:00.000Z";
            insert(c, 1, eventId, "session.started", time, "session-0", null, "{}", ChainHash.GENESIS,
                    hash(ChainHash.GENESIS, eventId, "session.started", time, "session-0", null, "{}"));
        });
        assertProblems(verify(), tuple(1L, Kind.INSERTED));
    }

    @Test
    void forgedEventsWithASeqBelowOneAreReportedAsInsertedAndNothingElse() throws Exception {
        tamper(c -> {
            forge(c, 0, ChainHash.GENESIS);
            forge(c, -3, ChainHash.GENESIS);
            forge(c, Long.MIN_VALUE, ChainHash.GENESIS); // the smallest rowid there is
        });
        assertProblems(verify(), tuple(Long.MIN_VALUE, Kind.INSERTED), tuple(-3L, Kind.INSERTED), tuple(0L, Kind.INSERTED));
    }

    @Test
    void forgedEventWithAHugeSeqIsReportedAsADeletedRangeAndQuickly() throws Exception {
        long huge = 300_000_000_000_000L;
        tamper(c -> forge(c, huge, row(c, EVENTS).hash()));
        long t0 = System.nanoTime();
        VerificationReport report = verify();
        assertProblems(report, tuple((long) EVENTS + 1, Kind.DELETED));
        assertThat(report.problems().get(0).detail()).contains("to " + (huge - 1));
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ms").isLessThan(10_000);
    }

    @Test
    void rowsWithoutAnIntegerSeqInATableRebuiltWithoutConstraintsAreNotSkipped() throws Exception {
        tamper(c -> {
            exec(c, "PRAGMA legacy_alter_table = ON");
            exec(c, "CREATE TABLE loose AS SELECT * FROM events");
            exec(c, "DROP TABLE events");
            exec(c, "ALTER TABLE loose RENAME TO events");
            exec(c, "UPDATE events SET seq = NULL WHERE seq = 7");
            exec(c, "UPDATE events SET seq = 'x' WHERE seq = 12");
        });
        VerificationReport report = verify();
        assertThat(report.intact()).isFalse();
        assertThat(report.eventsChecked()).isEqualTo(EVENTS);
        assertThat(report.problems()).extracting(ChainProblem::seq, ChainProblem::kind)
                .contains(tuple(7L, Kind.DELETED), tuple(12L, Kind.DELETED));
    }

    /** A well-formed event at {@code seq} whose hash is right for its content and {@code prevHash}. */
    private static void forge(Connection c, long seq, String prevHash) throws SQLException {
        String eventId = UUID.randomUUID().toString();
        String time = "2020-01-01T00:00:00.000Z";
        insert(c, seq, eventId, "session.started", time, "session-0", null, "{}", prevHash,
                hash(prevHash, eventId, "session.started", time, "session-0", null, "{}"));
    }

    @Test
    void swappedAdjacentEventsAreReportedAsReordered() throws Exception {
        tamper(c -> {
            StoredEvent ten = row(c, 10);
            StoredEvent eleven = row(c, 11);
            exec(c, "DELETE FROM events WHERE seq IN (10, 11)");
            insert(c, 10, eleven);
            insert(c, 11, ten);
        });
        VerificationReport report = verify();
        assertThat(report.intact()).isFalse();
        assertThat(report.problems()).extracting(ChainProblem::kind).containsOnly(Kind.REORDERED);
        assertThat(report.problems()).extracting(ChainProblem::seq).contains(10L, 11L).allMatch(s -> s >= 10 && s <= 12);
    }

    // --- the tail, and rewrites: what only a checkpoint can see ---

    @Test
    void deletedTailWithoutACheckpointIsInvisibleBecauseAChainAloneCannotSeeIt() throws Exception {
        tamper(c -> exec(c, "DELETE FROM events WHERE seq > 15"));
        VerificationReport report = verify();
        assertThat(report.intact()).isTrue();
        assertThat(report.eventsChecked()).isEqualTo(15);
        assertThat(report.lastSeq()).isEqualTo(15);
    }

    @Test
    void deletedTailAfterACheckpointCoveringItIsReportedAsTruncated() throws Exception {
        Checkpoint cp = checkpoint(AuditLog.openReadOnly(db));
        tamper(c -> exec(c, "DELETE FROM events WHERE seq > 15"));
        VerificationReport report = verify(AuditLog.openReadOnly(db), cp, key.publicKey());
        assertProblems(report, tuple((long) EVENTS, Kind.TRUNCATED));
        assertThat(report.problems().get(0).detail()).contains("16").contains("20");
    }

    @Test
    void everyEventDeletedAfterACheckpointIsReportedAsTruncated() throws Exception {
        Checkpoint cp = checkpoint(AuditLog.openReadOnly(db));
        tamper(c -> exec(c, "DELETE FROM events"));
        VerificationReport report = verify(AuditLog.openReadOnly(db), cp, key.publicKey());
        assertProblems(report, tuple((long) EVENTS, Kind.TRUNCATED));
        assertThat(report.eventsChecked()).isZero();
    }

    @Test
    void fullRewriteWithAllHashesRecomputedIsInvisibleWithoutACheckpoint() throws Exception {
        rewriteEverythingFrom(5);
        VerificationReport report = verify();
        assertThat(report.problems()).isEmpty();
        assertThat(report.eventsChecked()).isEqualTo(EVENTS);
    }

    @Test
    void fullRewriteWithAllHashesRecomputedIsReportedAsRewrittenAgainstACheckpoint() throws Exception {
        Checkpoint cp = checkpoint(AuditLog.openReadOnly(db));
        rewriteEverythingFrom(5);
        VerificationReport report = verify(AuditLog.openReadOnly(db), cp, key.publicKey());
        assertProblems(report, tuple((long) EVENTS, Kind.REWRITTEN));
    }

    @Test
    void truncatedThenRefilledLogIsReportedAsRewrittenAgainstACheckpoint() throws Exception {
        Checkpoint cp = checkpoint(AuditLog.openReadOnly(db));
        tamper(c -> exec(c, "DELETE FROM events WHERE seq > 15"));
        try (AuditLog log = AuditLog.openForAppend(db)) {
            for (int i = 0; i < 10; i++) {
                log.appender().append(NewEvent.now(EventType.CALL_REQUESTED, "session-2", "c" + i, JSON.createObjectNode()));
            }
        }
        VerificationReport report = verify(AuditLog.openReadOnly(db), cp, key.publicKey());
        assertProblems(report, tuple((long) EVENTS, Kind.REWRITTEN));
    }

    // --- untrustworthy checkpoints ---

    @Test
    void checkpointSignedByAnotherKeyIsBad() throws Exception {
        CheckpointKeys.SigningKey other = CheckpointKeys.generate(dir.resolve("other.key"), dir.resolve("other.pub"));
        AuditLog log = AuditLog.openReadOnly(db);
        Checkpoint byOther = Checkpoint.sign(log.logId(), log.head().orElseThrow(), EventTime.format(Instant.now()),
                other.privateKey(), other.publicKey());
        assertProblems(verify(log, byOther, key.publicKey()), tuple((long) EVENTS, Kind.BAD_CHECKPOINT));

        // Claiming our key id does not help a signature made with another key.
        Checkpoint claimed = new Checkpoint(byOther.logId(), byOther.seq(), byOther.hash(), byOther.time(),
                CheckpointKeys.keyId(key.publicKey()), byOther.signature());
        assertProblems(verify(log, claimed, key.publicKey()), tuple((long) EVENTS, Kind.BAD_CHECKPOINT));
    }

    @Test
    void checkpointWithoutAPublicKeyIsBad() {
        AuditLog log = AuditLog.openReadOnly(db);
        assertProblems(verify(log, checkpoint(log), null), tuple((long) EVENTS, Kind.BAD_CHECKPOINT));
    }

    @Test
    void checkpointOfAnotherLogIsBad() {
        Path otherDb = dir.resolve("other.db");
        try (AuditLog other = AuditLog.openForAppend(otherDb)) {
            for (int i = 0; i < EVENTS; i++) {
                other.appender().append(NewEvent.now(EventType.CALL_REQUESTED, "s", "c" + i, JSON.createObjectNode()));
            }
        }
        AuditLog other = AuditLog.openReadOnly(otherDb);
        Checkpoint ofOther = checkpoint(other);
        AuditLog log = AuditLog.openReadOnly(db);
        assertThat(ofOther.logId()).isNotEqualTo(log.logId());

        VerificationReport report = verify(log, ofOther, key.publicKey());
        assertProblems(report, tuple((long) EVENTS, Kind.BAD_CHECKPOINT));
        assertThat(report.problems().get(0).detail()).contains(other.logId()).contains(log.logId());
    }

    // --- checkpoints recorded in the log, checked with the public key alone ---

    @Test
    void recordedCheckpointsAreCountedWithoutAKeyAndCheckedWithIt() {
        record(key);
        record(key);

        VerificationReport without = verify(AuditLog.openReadOnly(db), null, null);
        VerificationReport with = verify(AuditLog.openReadOnly(db), null, key.publicKey());

        assertThat(without.intact()).isTrue();
        assertThat(without.checkpointEvents()).isEqualTo(2);
        assertThat(without.checkpointEventsChecked()).isZero();
        assertThat(with.problems()).isEmpty();
        assertThat(with.checkpointEvents()).isEqualTo(2);
        assertThat(with.checkpointEventsChecked()).isEqualTo(2);
        assertThat(with.checkpoint()).isEmpty();
    }

    @Test
    void fullRewriteIsReportedAsRewrittenByTheCheckpointRecordedInTheLog() throws Exception {
        record(key);
        rewriteEverythingFrom(5);

        assertThat(verify().problems()).as("the chain alone still links").isEmpty();
        VerificationReport report = verify(AuditLog.openReadOnly(db), null, key.publicKey());
        assertProblems(report, tuple((long) EVENTS, Kind.REWRITTEN));
        assertThat(report.problems().get(0).detail()).contains("recorded at seq " + (EVENTS + 1));
    }

    @Test
    void recordedCheckpointWithAForgedSignatureIsBad() throws Exception {
        record(key);
        CheckpointKeys.SigningKey other = CheckpointKeys.generate(dir.resolve("other.key"), dir.resolve("other.pub"));
        // Someone without the private key records a checkpoint that claims our key id.
        try (AuditLog log = AuditLog.openForAppend(db)) {
            Checkpoint forged = Checkpoint.sign(log.logId(), log.head().orElseThrow(), EventTime.format(Instant.now()),
                    other.privateKey(), other.publicKey());
            log.appender().append(NewEvent.now(EventType.CHECKPOINT, "forger", null, JSON.createObjectNode()
                    .put("seq", forged.seq()).put("hash", forged.hash()).put("signed_at", forged.time())
                    .put("key_id", CheckpointKeys.keyId(key.publicKey())).put("signature", forged.signature())));
        }

        VerificationReport report = verify(AuditLog.openReadOnly(db), null, key.publicKey());

        assertProblems(report, tuple((long) EVENTS + 2, Kind.BAD_CHECKPOINT));
        assertThat(report.problems().get(0).detail()).contains("signature does not verify");
        assertThat(report.checkpointEventsChecked()).isEqualTo(2);
    }

    @Test
    void recordedCheckpointOfAnotherKeyIsCountedButNotChecked() throws Exception {
        record(CheckpointKeys.generate(dir.resolve("old.key"), dir.resolve("old.pub")));
        record(key);

        VerificationReport report = verify(AuditLog.openReadOnly(db), null, key.publicKey());

        assertThat(report.problems()).isEmpty();
        assertThat(report.checkpointEvents()).isEqualTo(2);
        assertThat(report.checkpointEventsChecked()).isEqualTo(1);
    }

    @Test
    void recordedCheckpointWithAnUnreadablePayloadIsBad() throws Exception {
        try (AuditLog log = AuditLog.openForAppend(db)) {
            log.appender().append(NewEvent.now(EventType.CHECKPOINT, "s", null, JSON.createObjectNode().put("seq", "x")));
        }

        assertProblems(verify(AuditLog.openReadOnly(db), null, key.publicKey()),
                tuple((long) EVENTS + 1, Kind.BAD_CHECKPOINT));
    }

    // --- checkpoint text ---

    @Test
    void checkpointTextRoundTrips() {
        Checkpoint cp = checkpoint(AuditLog.openReadOnly(db));
        String text = cp.toText();
        assertThat(text).startsWith("mcp-audit-proxy checkpoint v1\n").contains("\nseq " + EVENTS + "\n");
        Checkpoint parsed = Checkpoint.parse(text);
        assertThat(parsed).isEqualTo(cp);
        assertThat(parsed.signatureValid(key.publicKey())).isTrue();
        // Windows line endings, as after a round trip through some editors, parse the same.
        assertThat(Checkpoint.parse(text.replace("\n", "\r\n"))).isEqualTo(cp);
    }

    @Test
    void checkpointTextWithItsSeqChangedFailsSignatureVerification() {
        AuditLog log = AuditLog.openReadOnly(db);
        Checkpoint cp = checkpoint(log);
        Checkpoint forged = Checkpoint.parse(cp.toText().replace("\nseq " + EVENTS + "\n", "\nseq 15\n"));
        assertThat(forged.seq()).isEqualTo(15);
        assertThat(forged.signatureValid(key.publicKey())).isFalse();
        assertProblems(verify(log, forged, key.publicKey()), tuple(15L, Kind.BAD_CHECKPOINT));
    }

    @Test
    void malformedCheckpointTextIsRejectedNamingTheLine() {
        String text = checkpoint(AuditLog.openReadOnly(db)).toText();
        assertThatThrownBy(() -> Checkpoint.parse("hello\n" + text))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first line");
        assertThatThrownBy(() -> Checkpoint.parse(text.replaceFirst("log_id ", "logid ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
        assertThatThrownBy(() -> Checkpoint.parse(text.replace("\nseq " + EVENTS + "\n", "\nseq twenty\n")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 3").hasMessageContaining("seq");
        assertThatThrownBy(() -> Checkpoint.parse(text.replaceFirst("\nhash ([0-9a-f]{10})", "\nhash XYZ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 4").hasMessageContaining("hash");
        assertThatThrownBy(() -> Checkpoint.parse(text.replaceFirst("\ntime ", "\nwhen ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 5");
        assertThatThrownBy(() -> Checkpoint.parse(text.replace("\n\n", "\nextra\n")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lines 6-7");
        assertThatThrownBy(() -> Checkpoint.parse(text.replaceFirst("\u2014 (\\S+) ", "\u2014 $1 extra ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 7");
        assertThatThrownBy(() -> Checkpoint.parse(text.lines().limit(5).reduce("", (a, b) -> a + b + "\n")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // --- helpers ---

    private Checkpoint checkpoint(AuditLog log) {
        return Checkpoint.sign(log.logId(), log.head().orElseThrow(), EventTime.format(Instant.now()),
                key.privateKey(), key.publicKey());
    }

    /** Signs the head with {@code signer} and records it in the log, as `audit-cli checkpoint` does. */
    private void record(CheckpointKeys.SigningKey signer) {
        try (AuditLog log = AuditLog.openForAppend(db)) {
            Checkpoint cp = Checkpoint.sign(log.logId(), log.head().orElseThrow(), EventTime.format(Instant.now()),
                    signer.privateKey(), signer.publicKey());
            log.appender().append(NewEvent.now(EventType.CHECKPOINT, "audit-cli", null, JSON.createObjectNode()
                    .put("seq", cp.seq()).put("hash", cp.hash()).put("signed_at", cp.time())
                    .put("key_id", cp.keyId()).put("signature", cp.signature())));
        }
    }

    private VerificationReport verify() {
        return verify(AuditLog.openReadOnly(db), null, null);
    }

    /** The check under test; subclasses run the whole matrix with other segment sizes. */
    VerificationReport verify(AuditLog log, Checkpoint checkpoint, java.security.PublicKey publicKey) {
        return ChainVerifier.verify(log, checkpoint, publicKey);
    }

    private static void assertProblems(VerificationReport report, org.assertj.core.groups.Tuple... expected) {
        assertThat(report.intact()).isFalse();
        assertThat(report.problems()).extracting(ChainProblem::seq, ChainProblem::kind).containsExactly(expected);
        assertThat(report.problems()).allSatisfy(p -> assertThat(p.detail()).isNotBlank());
    }

    @FunctionalInterface
    private interface Tampering {
        void apply(Connection c) throws SQLException;
    }

    /** Writes to the file the way an attacker with write access would: raw SQL, triggers dropped. */
    private void tamper(Tampering tampering) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            exec(c, "DROP TRIGGER events_no_update");
            exec(c, "DROP TRIGGER events_no_delete");
            exec(c, "DROP TRIGGER events_append_only_in_order");
            exec(c, "DROP TRIGGER events_hash_rule_complete");
            tampering.apply(c);
        }
    }

    /** Edits the payload of {@code fromSeq} and recomputes every hash from there on, so every link holds. */
    private void rewriteEverythingFrom(long fromSeq) throws SQLException {
        tamper(c -> {
            List<StoredEvent> all = new ArrayList<>();
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT " + AuditLog.COLUMNS + " FROM events ORDER BY seq")) {
                while (rs.next()) {
                    all.add(read(rs));
                }
            }
            String prev = ChainHash.GENESIS;
            for (StoredEvent e : all) {
                String payload = e.seq() == fromSeq ? "{\"n\":5,\"profile\":\"dev\",\"tool\":\"aws___run_script\"}" : e.payload();
                StoredEvent rewritten = rehashed(e, payload, prev);
                update(c, rewritten);
                prev = rewritten.hash();
            }
        });
    }

    /**
     * {@code e} with {@code payload} and {@code prev}, and every field its hash rule derives from them
     * recomputed (a fresh salt under rule 2), as an attacker who knows the format would write it.
     */
    static StoredEvent rehashed(StoredEvent e, String payload, String prev) {
        if (e.hashRule() != ChainHash.RULE_PAYLOAD_DIGEST) {
            return new StoredEvent(e.seq(), e.eventId(), e.type(), e.time(), e.sessionId(), e.callId(), payload, prev,
                    hash(prev, e.eventId(), e.type(), e.time(), e.sessionId(), e.callId(), payload));
        }
        String salt = java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(16));
        String digest = ChainHash.payloadSha256(salt, payload);
        String hash = ChainHash.next(prev, ChainHash.canonicalEventV2(e.eventId(), e.type(), e.time(), e.sessionId(),
                e.callId(), digest));
        return new StoredEvent(e.seq(), e.eventId(), e.type(), e.time(), e.sessionId(), e.callId(), payload, prev, hash,
                ChainHash.RULE_PAYLOAD_DIGEST, salt, digest);
    }

    private static String hash(String prev, String eventId, String type, String time, String session, String callId,
            String payload) {
        return ChainHash.next(prev, ChainHash.canonicalEvent(eventId, type, time, session, callId, payload));
    }

    /** Moves every row from {@code fromSeq} on by {@code delta}, in two steps so no seq collides. */
    private static void renumber(Connection c, long fromSeq, long delta) throws SQLException {
        exec(c, "UPDATE events SET seq = seq + 1000000 WHERE seq >= " + fromSeq);
        exec(c, "UPDATE events SET seq = seq - 1000000 + (" + delta + ") WHERE seq >= 1000000");
    }

    private static StoredEvent row(Connection c, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + AuditLog.COLUMNS + " FROM events WHERE seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("row %s exists", seq).isTrue();
                return read(rs);
            }
        }
    }

    private static StoredEvent read(ResultSet rs) throws SQLException {
        return AuditLog.stored(rs);
    }

    /** Puts {@code e} back at {@code seq}, every column as it was. */
    private static void insert(Connection c, long seq, StoredEvent e) throws SQLException {
        insert(c, seq, e.eventId(), e.type(), e.time(), e.sessionId(), e.callId(), e.payload(), e.prevHash(), e.hash());
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE events SET hash_rule = ?, payload_salt = ?, payload_sha256 = ? WHERE seq = ?")) {
            ps.setInt(1, e.hashRule());
            ps.setString(2, e.payloadSalt());
            ps.setString(3, e.payloadSha256());
            ps.setLong(4, seq);
            ps.executeUpdate();
        }
    }

    /** Overwrites the row at {@code e.seq()} with every column of {@code e}. */
    private static void update(Connection c, StoredEvent e) throws SQLException {
        update(c, e.seq(), e.eventId(), e.type(), e.time(), e.sessionId(), e.callId(), e.payload(), e.prevHash(), e.hash());
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE events SET hash_rule = ?, payload_salt = ?, payload_sha256 = ? WHERE seq = ?")) {
            ps.setInt(1, e.hashRule());
            ps.setString(2, e.payloadSalt());
            ps.setString(3, e.payloadSha256());
            ps.setLong(4, e.seq());
            ps.executeUpdate();
        }
    }

    private static void insert(Connection c, long seq, String eventId, String type, String time, String session,
            String callId, String payload, String prevHash, String hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO events(event_id, type, time, session_id,"
                + " call_id, payload, prev_hash, hash, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bind(ps, eventId, type, time, session, callId, payload, prevHash, hash);
            ps.setLong(9, seq);
            ps.executeUpdate();
        }
    }

    private static void update(Connection c, long seq, String eventId, String type, String time, String session,
            String callId, String payload, String prevHash, String hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE events SET event_id = ?, type = ?, time = ?,"
                + " session_id = ?, call_id = ?, payload = ?, prev_hash = ?, hash = ? WHERE seq = ?")) {
            bind(ps, eventId, type, time, session, callId, payload, prevHash, hash);
            ps.setLong(9, seq);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private static void bind(PreparedStatement ps, String eventId, String type, String time, String session,
            String callId, String payload, String prevHash, String hash) throws SQLException {
        ps.setString(1, eventId);
        ps.setString(2, type);
        ps.setString(3, time);
        ps.setString(4, session);
        ps.setString(5, callId);
        ps.setString(6, payload);
        ps.setString(7, prevHash);
        ps.setString(8, hash);
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
