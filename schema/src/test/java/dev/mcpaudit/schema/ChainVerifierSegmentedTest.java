package dev.mcpaudit.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log is verified in segments on several threads and the segments are joined afterwards: the whole
 * tamper matrix again with segments of 3 events and of 1 event, so that every kind of tampering also
 * falls on a segment's edge; and ids that need escaping in the canonical form, which the verifier
 * hashes from the stored bytes.
 */
class ChainVerifierSegmentedTest {

    @Nested
    class SegmentsOfThree extends ChainVerifierTamperTest {
        @Override
        VerificationReport verify(AuditLog log, Checkpoint checkpoint, PublicKey publicKey) {
            return ChainVerifier.verify(log, checkpoint, publicKey, 3, 2);
        }
    }

    @Nested
    class SegmentsOfOne extends ChainVerifierTamperTest {
        @Override
        VerificationReport verify(AuditLog log, Checkpoint checkpoint, PublicKey publicKey) {
            return ChainVerifier.verify(log, checkpoint, publicKey, 1, 4);
        }
    }

    @Test
    void bytesThatDecodeToTheSameCharacterAsTheOriginalStillCountAsAnEdit(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            log.appender().append(NewEvent.now(EventType.CALL_REQUESTED, "s", "a\"\uFFFD",
                    new ObjectMapper().createObjectNode().put("n", 1)));
        }
        // U+FFFD is EF BF BD; a lone FF byte, invalid UTF-8, decodes to U+FFFD again.
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
                java.sql.Statement st = c.createStatement()) {
            st.execute("DROP TRIGGER events_no_update");
            st.execute("UPDATE events SET call_id = CAST(replace(CAST(call_id AS BLOB), X'EFBFBD', X'FF') AS TEXT)");
        }
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            assertThat(ChainVerifier.verify(log).problems()).extracting(ChainProblem::kind)
                    .containsExactly(ChainProblem.Kind.EDITED);
        }
    }

    @Test
    void idsWithQuotesBackslashesControlAndNonAsciiCharactersVerify(@TempDir Path dir) {
        Path db = dir.resolve("audit.db");
        ObjectMapper json = new ObjectMapper();
        try (AuditLog log = AuditLog.openForAppend(db)) {
            String[] sessions = {"plain-session", "quo\"te", "back\\slash", "tab\there", "ünïcødé-会话", "nul\u0001x"};
            for (int i = 0; i < 30; i++) {
                String session = sessions[i % sessions.length];
                log.appender().append(NewEvent.now(EventType.CALL_REQUESTED, session, "call \"" + i + "\" ✓",
                        json.createObjectNode().put("n", i).put("text", "snow ☃ and \"quotes\"")));
            }
        }
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            VerificationReport segmented = ChainVerifier.verify(log, null, null, 4, 3);
            List<StoredEvent> rows = new ArrayList<>();
            log.scanEvents(rows::add);
            VerificationReport oneByOne = ChainVerifier.verify(log.logId(), sink -> rows.forEach(sink), null, null);

            assertThat(segmented.problems()).isEmpty();
            assertThat(segmented.eventsChecked()).isEqualTo(30);
            assertThat(segmented).usingRecursiveComparison().isEqualTo(oneByOne);
        }
    }
}
