package dev.mcpaudit.cli.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.fixtures.SyntheticCalls;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.ChainHash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyAndCheckpointCommandTest {
    @TempDir
    Path dir;

    Path db;

    @BeforeEach
    void recordSomeCalls() {
        db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            SyntheticCalls.fill(log, 50, 7, Instant.parse("2026-11-01T09:00:00Z"));
        }
    }

    @Test
    void intactLogVerifiesWithExitZeroAndSaysWhatItChecked() {
        CliRun run = CliRun.of("--db", db.toString(), "verify");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Checked seq 1 to ").contains("0 problems: the log is intact.")
                .contains("Note: without a checkpoint kept outside the log (--checkpoint), removal of the newest events"
                        + " (tail truncation) and a rewrite of the whole chain cannot be detected");
    }

    @Test
    void whatAChainCannotShowIsSaidWhateverTheVerdictAndInJson() throws Exception {
        tamper("DROP TRIGGER events_no_update", "UPDATE events SET payload = '{}' WHERE seq = 5");

        CliRun text = CliRun.of("--db", db.toString(), "verify");
        JsonNode json = new ObjectMapper().readTree(CliRun.of("--db", db.toString(), "verify", "--format", "json").out());

        assertThat(text.exitCode()).isEqualTo(1);
        assertThat(text.out()).contains("the log is NOT intact").contains("tail truncation) and a rewrite of the whole"
                + " chain cannot be detected");
        assertThat(json.get("note").asText()).contains("tail truncation").contains("rewrite of the whole chain");
    }

    @Test
    void publicKeyAloneChecksTheCheckpointsRecordedInTheLogAndCatchesAWholeChainRewrite() throws Exception {
        Path key = dir.resolve("cp.key");
        assertThat(CliRun.of("keygen", "--key", key.toString()).exitCode()).isZero();
        CliRun made = CliRun.of("--db", db.toString(), "checkpoint", "--key", key.toString(), "--out",
                dir.resolve("day1.checkpoint").toString());
        assertThat(made.exitCode()).as(made.err()).isZero();
        JsonNode verified = new ObjectMapper().readTree(CliRun.of("--db", db.toString(), "verify", "--public-key",
                key + ".pub", "--format", "json").out());
        String keyId = verified.path("checkpoint_events").path("public_key_id").asText();
        long recordedAt = verified.path("last_seq").asLong(); // the checkpoint event is the newest

        CliRun before = CliRun.of("--db", db.toString(), "verify", "--public-key", key + ".pub");
        assertThat(before.exitCode()).as(before.out()).isZero();
        assertThat(before.out()).contains("Checkpoints recorded in the log: 1 of 1 checked against key " + keyId + ".");
        assertThat(CliRun.of("--db", db.toString(), "verify").out())
                .contains("The log records 1 checkpoint; pass --public-key to check it.");

        rewriteChainFrom(10);
        CliRun plain = CliRun.of("--db", db.toString(), "verify");
        CliRun withKey = CliRun.of("--db", db.toString(), "verify", "--public-key", key + ".pub");

        assertThat(plain.exitCode()).as("every link and the schema hold").isZero();
        assertThat(plain.out()).contains("a rewrite of the whole chain cannot be detected");
        assertThat(withKey.exitCode()).isEqualTo(1);
        assertThat(withKey.out()).contains("INVALID (rewritten)").contains("recorded at seq " + recordedAt);
    }

    @Test
    void editedEventIsReportedWithItsSeqAndExitOne() throws Exception {
        tamper("DROP TRIGGER events_no_update", "UPDATE events SET payload = json_set(payload, '$.profile', 'sandbox') WHERE seq = 5");

        CliRun run = CliRun.of("--db", db.toString(), "verify");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("seq 5 INVALID (edited)").contains("the log is NOT intact");
    }

    @Test
    void checkpointDetectsRemovalOfTheNewestEvents() throws Exception {
        Path key = dir.resolve("cp.key");
        assertThat(CliRun.of("keygen", "--key", key.toString()).exitCode()).isZero();
        Path checkpoint = dir.resolve("today.checkpoint");
        CliRun made = CliRun.of("--db", db.toString(), "checkpoint", "--key", key.toString(), "--out", checkpoint.toString());
        assertThat(made.exitCode()).as(made.err()).isZero();
        assertThat(Files.readString(checkpoint)).startsWith("mcp-audit-proxy checkpoint v1\n");

        String[] verifyWithCheckpoint = {"--db", db.toString(), "verify", "--checkpoint", checkpoint.toString(),
            "--public-key", key + ".pub"};
        assertThat(CliRun.of(verifyWithCheckpoint).exitCode()).isZero();

        // A careful tamperer puts the trigger back, so that the schema looks untouched too.
        String trigger = query("SELECT sql FROM sqlite_master WHERE name = 'events_no_delete'");
        tamper("DROP TRIGGER events_no_delete", "DELETE FROM events WHERE seq > 40", trigger);
        CliRun plain = CliRun.of("--db", db.toString(), "verify");
        CliRun against = CliRun.of(verifyWithCheckpoint);

        assertThat(plain.exitCode()).as("a chain alone cannot see a cut tail").isZero();
        assertThat(against.exitCode()).isEqualTo(1);
        assertThat(against.out()).contains("INVALID (truncated)").contains("the log ends at seq 40");
    }

    @Test
    void jsonOutputIsParseableAndCarriesTheVerdict() throws Exception {
        tamper("DROP TRIGGER events_no_delete", "DELETE FROM events WHERE seq = 3");

        CliRun run = CliRun.of("--db", db.toString(), "verify", "--format", "json");
        JsonNode json = new ObjectMapper().readTree(run.out());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(json.get("intact").asBoolean()).isFalse();
        assertThat(json.get("problems").get(0).get("seq").asLong()).isEqualTo(3);
        assertThat(json.get("problems").get(0).get("kind").asText()).isEqualTo("deleted");
    }

    @Test
    void missingLogIsAnEnvironmentErrorAndIsNotCreated() {
        Path missing = dir.resolve("nope/audit.db");

        CliRun run = CliRun.of("--db", missing.toString(), "verify");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("no audit log at");
        assertThat(missing).doesNotExist();
    }

    @Test
    void callsViewRewrittenToHideProdIsAFindingWhileReportStillCountsTheProdCalls() throws Exception {
        String view = query("SELECT sql FROM sqlite_master WHERE name = 'calls'");
        tamper("DROP VIEW calls", "CREATE VIEW calls AS SELECT * FROM (" + view.substring(view.indexOf(" AS") + 3)
                + ") WHERE profile IS NOT 'prod'");
        long prodCalls = new ObjectMapper().readTree(CliRun.of("--db", db.toString(), "report", "--profile", "prod",
                "--format", "json").out()).path("totals").path("calls").asLong();

        CliRun calls = CliRun.of("--db", db.toString(), "calls", "--profile", "prod");
        CliRun verify = CliRun.of("--db", db.toString(), "verify");
        JsonNode json = new ObjectMapper().readTree(CliRun.of("--db", db.toString(), "verify", "--format", "json").out());

        assertThat(prodCalls).as("the report reads the events, which still hold the prod calls").isPositive();
        assertThat(calls.out()).as("what the rewritten view does").startsWith("No calls match");
        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.out()).contains("schema INVALID (altered): view calls differs from the one schema version")
                .contains("1 problem found: the log is NOT intact");
        assertThat(json.get("intact").asBoolean()).isFalse();
        assertThat(json.get("problems")).isEmpty();
        assertThat(json.get("schema_problems").get(0).get("name").asText()).isEqualTo("calls");
        assertThat(json.get("schema_problems").get(0).get("kind").asText()).isEqualTo("altered");
    }

    @Test
    void everyDroppedTriggerIsAFindingEvenWhenNoEventWasTouched() throws Exception {
        tamper("DROP TRIGGER events_no_update", "DROP TRIGGER events_no_delete", "DROP TRIGGER events_append_only_in_order",
                "DROP TRIGGER log_meta_no_update", "DROP TRIGGER log_meta_no_delete");

        CliRun run = CliRun.of("--db", db.toString(), "verify");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("schema INVALID (missing): trigger events_no_update is missing")
                .contains("trigger events_no_delete is missing").contains("trigger events_append_only_in_order is missing")
                .contains("trigger log_meta_no_update is missing").contains("trigger log_meta_no_delete is missing")
                .contains("5 problems found: the log is NOT intact");
    }

    // --- permissions ---

    @Test
    void logAndWalOpenToOthersAreWarnedAboutWithoutFailingVerification() throws Exception {
        Path wal = Path.of(db + "-wal");
        try (AuditLog proxy = AuditLog.openForAppend(db)) {
            SyntheticCalls.fill(proxy, 1, 1, Instant.parse("2026-11-02T09:00:00Z")); // the WAL exists while it is open
            Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
            Files.setPosixFilePermissions(wal, PosixFilePermissions.fromString("rw-rw----"));

            CliRun text = CliRun.of("--db", db.toString(), "verify");
            JsonNode json = new ObjectMapper().readTree(CliRun.of("--db", db.toString(), "verify", "--format", "json").out());

            assertThat(text.exitCode()).isZero();
            assertThat(text.err()).contains("audit-cli: warning: " + db + " can be read by its group and others"
                    + " (rw-r--r--) although it holds every recorded call; run `chmod 600 " + db + "`")
                    .contains("audit-cli: warning: " + wal + " can be read and written by its group (rw-rw----)");
            assertThat(text.out()).contains("the log is intact");
            assertThat(json.get("warnings")).hasSize(2);
            assertThat(json.get("intact").asBoolean()).isTrue();
        }
    }

    @Test
    void ownerOnlyLogHasNoWarnings() throws Exception {
        CliRun run = CliRun.of("--db", db.toString(), "verify");
        JsonNode json = new ObjectMapper().readTree(CliRun.of("--db", db.toString(), "verify", "--format", "json").out());

        assertThat(run.err()).isEmpty();
        assertThat(json.get("warnings")).isEmpty();
    }

    // --- checkpoint verifies first, and a failure writes nothing ---

    @Test
    void checkpointRefusesALogWithAnEditedEventAndWritesNothing() throws Exception {
        Path key = keygen();
        String trigger = query("SELECT sql FROM sqlite_master WHERE name = 'events_no_update'");
        tamper("DROP TRIGGER events_no_update", "UPDATE events SET payload = json_set(payload, '$.profile', 'sandbox')"
                + " WHERE seq = 5", trigger);

        assertCheckpointRefusedWritingNothing(key, "seq 5 INVALID (edited)", "1 problem");
    }

    @Test
    void checkpointRefusesAWholeChainRewriteThatAnEarlierCheckpointInTheLogExposes() throws Exception {
        Path key = keygen();
        Path day1 = dir.resolve("day1.checkpoint");
        assertThat(CliRun.of("--db", db.toString(), "checkpoint", "--key", key.toString(), "--out", day1.toString())
                .exitCode()).isZero();
        rewriteChainFrom(3);

        assertCheckpointRefusedWritingNothing(key, "INVALID (rewritten)", "1 problem");
        assertThat(CliRun.of("--db", db.toString(), "verify", "--checkpoint", day1.toString(), "--public-key",
                key + ".pub").exitCode()).as("the day-1 checkpoint still exposes the rewrite").isEqualTo(1);
    }

    @Test
    void checkpointRefusesALogWithoutItsTriggers() throws Exception {
        Path key = keygen();
        tamper("DROP TRIGGER events_no_delete");

        assertCheckpointRefusedWritingNothing(key, "schema INVALID (missing): trigger events_no_delete", "1 problem");
    }

    @Test
    void checkpointOfACorruptFileFailsAndWritesNothing() throws Exception {
        Path key = keygen();
        corruptThePageHolding(query("SELECT hash FROM events WHERE seq = 5"));
        byte[] before = Files.readAllBytes(db);
        Path out = dir.resolve("new.checkpoint");

        CliRun run = CliRun.of("--db", db.toString(), "checkpoint", "--key", key.toString(), "--out", out.toString());

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("corrupt");
        assertThat(run.out()).isEmpty();
        assertThat(out).doesNotExist();
        assertThat(Files.readAllBytes(db)).isEqualTo(before);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void checkpointOfAnIntactLogIsRecordedAndWrittenOwnerOnly() throws Exception {
        Path key = keygen();
        Path out = dir.resolve("ok.checkpoint");

        CliRun run = CliRun.of("--db", db.toString(), "checkpoint", "--key", key.toString(), "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(query("SELECT count(*) FROM events WHERE type = 'checkpoint'")).isEqualTo("1");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
                .isEqualTo("rw-------");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void upgradeOfALogAtTheCurrentSchemaWritesNothing() throws Exception {
        byte[] before = Files.readAllBytes(db);

        CliRun run = CliRun.of("--db", db.toString(), "upgrade");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("is at the current schema; nothing to do.");
        assertThat(Files.readAllBytes(db)).isEqualTo(before);
    }

    private void assertCheckpointRefusedWritingNothing(Path key, String finding, String count) throws Exception {
        byte[] before = Files.readAllBytes(db);
        String checkpoints = query("SELECT count(*) FROM events WHERE type = 'checkpoint'");
        Path out = dir.resolve("new.checkpoint");

        CliRun run = CliRun.of("--db", db.toString(), "checkpoint", "--key", key.toString(), "--out", out.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(finding).contains("does not verify (" + count)
                .contains("so it was not signed and nothing was written");
        assertThat(run.out()).isEmpty();
        assertThat(out).doesNotExist();
        assertThat(leftovers()).isEmpty();
        assertThat(query("SELECT count(*) FROM events WHERE type = 'checkpoint'")).isEqualTo(checkpoints);
        assertThat(Files.readAllBytes(db)).isEqualTo(before);
    }

    private Path keygen() {
        Path key = dir.resolve("cp.key");
        assertThat(CliRun.of("keygen", "--key", key.toString()).exitCode()).isZero();
        return key;
    }

    /** Temporary files a command left beside its output. */
    private List<String> leftovers() throws Exception {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
        }
    }

    /** Makes the b-tree page that stores {@code text} unreadable, as a disk error would. */
    private void corruptThePageHolding(String text) throws Exception {
        byte[] file = Files.readAllBytes(db);
        int pageSize = Integer.parseInt(query("PRAGMA page_size"));
        int at = new String(file, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf(text);
        assertThat(at).as("%s is in the file", text).isPositive();
        int page = at / pageSize * pageSize;
        for (int i = 0; i < 8; i++) {
            file[page + i] = (byte) 0xFF; // the b-tree page header: no valid page type
        }
        Files.write(db, file);
    }

    @Test
    void checkpointWithoutPublicKeyIsAUsageError() {
        CliRun run = CliRun.of("--db", db.toString(), "verify", "--checkpoint", "x.checkpoint");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--checkpoint needs --public-key");
    }

    @Test
    void keygenNeverOverwritesAKey() {
        Path key = dir.resolve("k");
        assertThat(CliRun.of("keygen", "--key", key.toString()).exitCode()).isZero();

        CliRun again = CliRun.of("keygen", "--key", key.toString());

        assertThat(again.exitCode()).isEqualTo(3);
        assertThat(again.err()).contains("never overwritten");
    }

    /**
     * What someone with write access and time does: edits the payload at {@code fromSeq}, recomputes every
     * hash from there to the head, and puts the trigger back, so that chain and schema both look intact.
     */
    private void rewriteChainFrom(long fromSeq) throws Exception {
        String trigger = query("SELECT sql FROM sqlite_master WHERE name = 'events_no_update'");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("DROP TRIGGER events_no_update");
            String prev;
            try (java.sql.ResultSet rs = st.executeQuery("SELECT hash FROM events WHERE seq = " + (fromSeq - 1))) {
                prev = rs.getString(1);
            }
            List<String[]> rows = new ArrayList<>();
            try (java.sql.ResultSet rs = st.executeQuery("SELECT seq, event_id, type, time, session_id, call_id, payload"
                    + " FROM events WHERE seq >= " + fromSeq + " ORDER BY seq")) {
                while (rs.next()) {
                    rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7)});
                }
            }
            try (java.sql.PreparedStatement ps = c.prepareStatement(
                    "UPDATE events SET payload = ?, prev_hash = ?, hash = ?, payload_salt = ?, payload_sha256 = ? WHERE seq = ?")) {
                for (String[] r : rows) {
                    String payload = Long.parseLong(r[0]) == fromSeq ? "{\"profile\":\"sandbox\"}" : r[6];
                    // Hash rule 2, as the proxy writes: a fresh salt, the payload's digest, the hash over the digest.
                    String salt = "5a".repeat(16);
                    String digest = ChainHash.payloadSha256(salt, payload);
                    String hash = ChainHash.next(prev, ChainHash.canonicalEventV2(r[1], r[2], r[3], r[4], r[5], digest));
                    ps.setString(1, payload);
                    ps.setString(2, prev);
                    ps.setString(3, hash);
                    ps.setString(4, salt);
                    ps.setString(5, digest);
                    ps.setLong(6, Long.parseLong(r[0]));
                    ps.executeUpdate();
                    prev = hash;
                }
            }
            st.execute(trigger);
        }
    }

    private String query(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery(sql)) {
            return rs.getString(1);
        }
    }

    private void tamper(String... sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
