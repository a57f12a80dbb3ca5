package dev.mcpaudit.cli.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.fixtures.SyntheticCalls;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.ChainHash;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `audit-cli purge` as its users meet it: a database password redaction did not recognise reached the
 * log; its owner purges it; `verify` still passes and says so, `show`, `report` and `export` show the
 * purge, and the password is in none of the log's files any more.
 */
class PurgeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LEAK = "hunter2-Orchid-Basement-7731";

    @TempDir
    Path dir;

    Path db;
    String callId;
    long requestedSeq;

    @BeforeEach
    void recordCallsAndOneLeak() {
        db = dir.resolve("audit.db");
        callId = UUID.randomUUID().toString();
        try (AuditLog log = AuditLog.openForAppend(db)) {
            SyntheticCalls.fill(log, 40, 3, Instant.parse("2026-11-01T09:00:00Z"));
            ObjectNode requested = JSON.createObjectNode().put("tool", "aws___call_aws").put("profile", "prod")
                    .put("account_id", "777788889999");
            // A password pasted where no redaction rule looks for one (an object key): it went to the log as it was.
            requested.putObject("args").put("cli_command", "aws s3 cp orders.sql s3://backups/" + LEAK + "/orders.sql");
            requestedSeq = log.appender().append(new NewEvent(EventType.CALL_REQUESTED,
                    Instant.parse("2026-11-01T10:00:00Z"), "s-leak", callId, requested)).seq();
            log.appender().append(new NewEvent(EventType.CALL_COMPLETED, Instant.parse("2026-11-01T10:00:01Z"), "s-leak",
                    callId, JSON.createObjectNode().put("outcome", "ok").put("duration_ms", 900)));
        }
    }

    @AfterEach
    void restoreTheUser() {
        PurgeCommand.currentUser = () -> ProcessHandle.current().info().user().orElse(System.getProperty("user.name"));
    }

    @Test
    void leakPurgeVerifyAndAByteScanOfTheFiles() throws Exception {
        assertThat(filesHolding(LEAK)).as("the leak is on disk").isNotEmpty();
        assertThat(cli("verify").exitCode()).isZero();

        CliRun purge = cli("purge", "--seq", Long.toString(requestedSeq), "--reason", "DB password in a command, INC-42");

        assertThat(purge.exitCode()).as(purge.err()).isZero();
        long purgeSeq = requestedSeq + 2;
        assertThat(purge.out()).contains("Purged /args of seq " + requestedSeq + " (call.requested, call " + callId + ")")
                .contains("recorded as payload.purged at seq " + purgeSeq)
                .contains("no longer in audit.db, its WAL or its free pages");
        assertThat(filesHolding(LEAK)).as("after the purge, in audit.db, -wal and -shm").isEmpty();

        CliRun verify = cli("verify");
        assertThat(verify.exitCode()).as(verify.out()).isZero();
        assertThat(verify.out()).contains("seq " + requestedSeq + " PURGED (notice): /args of this call.requested event"
                        + " replaced by `audit-cli purge` (payload.purged at seq " + purgeSeq)
                .contains("DB password in a command, INC-42")
                .contains("0 problems, 1 purge (notices): the log is intact.");
        JsonNode json = JSON.readTree(cli("verify", "--format", "json").out());
        assertThat(json.get("intact").asBoolean()).isTrue();
        assertThat(json.get("problems")).isEmpty();
        JsonNode notice = json.get("notices").get(0);
        assertThat(notice.get("seq").asLong()).isEqualTo(requestedSeq);
        assertThat(notice.get("kind").asText()).isEqualTo("purged");
        assertThat(notice.get("purged_by_seq").asLong()).isEqualTo(purgeSeq);
        assertThat(notice.get("pointers").get(0).asText()).isEqualTo("/args");
        assertThat(notice.get("reason").asText()).isEqualTo("DB password in a command, INC-42");
        assertThat(notice.get("os_user").asText()).isEqualTo(PurgeCommand.currentUser.get());
    }

    @Test
    void showReportAndExportShowThePurge() throws Exception {
        assertThat(cli("purge", "--seq", Long.toString(requestedSeq), "--reason", "INC-42").exitCode()).isZero();
        long purgeSeq = requestedSeq + 2;

        CliRun show = cli("show", callId);
        assertThat(show.out()).contains("call.requested  (seq " + requestedSeq + ")")
                .contains("PURGED /args at seq " + purgeSeq)
                .contains("args: [PURGED:" + purgeSeq + "]")
                .contains("payload.purged  (seq " + purgeSeq + ")")
                .contains("reason: INC-42")
                .doesNotContain(LEAK);
        JsonNode shown = JSON.readTree(cli("show", callId, "--format", "json").out());
        assertThat(shown.get("events").get(0).get("purged_by").get(0).asLong()).isEqualTo(purgeSeq);

        CliRun report = cli("report");
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(report.out()).contains("## Purged payloads (1)")
                .contains("`/args of call.requested seq " + requestedSeq + "`")
                .contains("INC-42")
                .contains("1 payload purged with `audit-cli purge`: notices, not problems")
                .contains("`[PURGED:" + purgeSeq + "]`") // the mutating call's arguments, as they now read
                .doesNotContain(LEAK);
        // With its command gone nothing shows the call was only a read: it stays among the writes.
        assertThat(report.out()).contains("`(purged)` | yes");
        assertThat(cli("calls", "--writes", "--format", "json").out()).contains(callId);
        JsonNode reportJson = JSON.readTree(cli("report", "--format", "json").out());
        assertThat(reportJson.get("purges").get("total").asLong()).isEqualTo(1);
        assertThat(reportJson.get("purges").get("rows").get(0).get("purge_seq").asLong()).isEqualTo(purgeSeq);
        assertThat(reportJson.get("verification").get("purges").asLong()).isEqualTo(1);
        assertThat(cli("report", "--profile", "dev").out()).as("a scope without the call lists no purge")
                .contains("## Purged payloads (0)");

        Path export = dir.resolve("all.jsonl");
        assertThat(cli("export", "--out", export.toString()).exitCode()).isZero();
        List<String> lines = Files.readAllLines(export);
        JsonNode purgedRow = JSON.readTree(lines.get((int) requestedSeq));
        assertThat(purgedRow.get("purged_by_seq").asLong()).isEqualTo(purgeSeq);
        assertThat(purgedRow.get("payload_salt").isNull()).isTrue();
        assertThat(JSON.readTree(lines.get((int) purgeSeq)).get("type").asText()).isEqualTo("payload.purged");
        assertThat(String.join("\n", lines)).doesNotContain(LEAK);
        CliRun verifyExport = cli("verify", "--jsonl", export.toString());
        assertThat(verifyExport.exitCode()).as(verifyExport.out()).isZero();
        assertThat(verifyExport.out()).contains("seq " + requestedSeq + " PURGED (notice)")
                .contains("1 purge (notices): the export is intact.");
    }

    @Test
    void anyOtherChangeToAPayloadStaysAFailureAfterAPurge() throws Exception {
        assertThat(cli("purge", "--seq", Long.toString(requestedSeq), "--reason", "INC-42").exitCode()).isZero();
        sql("DROP TRIGGER events_no_update", "UPDATE events SET payload = json_set(payload, '$.profile', 'sandbox')"
                + " WHERE seq = 5");

        CliRun verify = cli("verify");

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.out()).contains("seq 5 INVALID (edited)").contains("no payload.purged event covers it")
                .contains("seq " + requestedSeq + " PURGED (notice)")
                .contains("schema INVALID (missing): trigger events_no_update")
                .contains("2 problems found, 1 purge (notices): the log is NOT intact.");
    }

    @Test
    void purgingTheSameEventAgainChangesNothing() throws Exception {
        assertThat(cli("purge", "--seq", Long.toString(requestedSeq), "--reason", "INC-42").exitCode()).isZero();
        long events = count();

        CliRun again = cli("purge", "--seq", Long.toString(requestedSeq), "--reason", "INC-42");

        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("Nothing new to purge: /args of seq " + requestedSeq);
        assertThat(count()).isEqualTo(events);
    }

    @Test
    void theSameValueInAnotherEventIsNamedWithExitOne() throws Exception {
        long again;
        try (AuditLog log = AuditLog.openForAppend(db)) {
            ObjectNode requested = JSON.createObjectNode().put("tool", "aws___call_aws").put("profile", "prod");
            requested.putObject("args").put("cli_command", "aws s3 cp orders.sql s3://backups/" + LEAK + "/orders.sql");
            again = log.appender().append(NewEvent.now(EventType.CALL_REQUESTED, "s-leak", "c-again", requested)).seq();
        }

        CliRun first = cli("purge", "--seq", Long.toString(requestedSeq), "--reason", "INC-42");

        assertThat(first.exitCode()).isEqualTo(1);
        assertThat(first.err()).contains("the purged value is also recorded in seq " + again + ", which was not purged");
        assertThat(filesHolding(LEAK)).isNotEmpty();

        CliRun second = cli("purge", "--seq", Long.toString(again), "--reason", "INC-42");

        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(filesHolding(LEAK)).isEmpty();
        assertThat(cli("verify").out()).contains("0 problems, 2 purges (notices)");
    }

    // --- refusals: exit code, one sentence, nothing changed ---

    @Test
    void anEventWrittenUnderHashRule1IsRefusedSayingSo() throws Exception {
        long oldSeq = appendRule1Event("aws s3 cp backup.sql s3://b/" + LEAK);
        byte[] before = Files.readAllBytes(db);

        CliRun purge = cli("purge", "--seq", Long.toString(oldSeq), "--reason", "INC-42");

        assertThat(purge.exitCode()).isEqualTo(2);
        assertThat(purge.err()).contains("seq " + oldSeq + " was written under hash rule 1").contains("cannot be purged")
                .contains("Rotate the leaked credential");
        assertThat(Files.readAllBytes(db)).isEqualTo(before);
        assertThat(cli("verify").exitCode()).as("rule-1 events still verify").isZero();
    }

    @Test
    void unknownSeqMissingPointerAndMissingReasonAreUsageErrors() throws Exception {
        CliRun unknown = cli("purge", "--seq", "9999", "--reason", "x");
        CliRun pointer = cli("purge", "--seq", Long.toString(requestedSeq), "--pointer", "/result", "--reason", "x");
        CliRun noReason = cli("purge", "--seq", Long.toString(requestedSeq));

        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("no event at seq 9999");
        assertThat(pointer.exitCode()).isEqualTo(2);
        assertThat(pointer.err()).contains("nothing at /result").contains("/args");
        assertThat(noReason.exitCode()).isEqualTo(2);
        assertThat(noReason.err()).contains("--reason");
        assertThat(filesHolding(LEAK)).isNotEmpty();
    }

    @Test
    void aLogThatDoesNotVerifyIsNotPurged() throws Exception {
        sql("DROP TRIGGER events_no_delete", "DELETE FROM events WHERE seq = 3");
        long events = count();

        CliRun purge = cli("purge", "--seq", Long.toString(requestedSeq), "--reason", "INC-42");

        assertThat(purge.exitCode()).isEqualTo(1);
        assertThat(purge.err()).contains("seq 3 INVALID (deleted)").contains("does not verify")
                .contains("nothing was purged");
        assertThat(count()).isEqualTo(events);
        assertThat(filesHolding(LEAK)).isNotEmpty();
    }

    @Test
    void someoneWhoIsNotTheOwnerOfTheLogIsRefusedBeforeAnythingOpensIt() throws Exception {
        String owner = Files.getOwner(db).getName();
        PurgeCommand.currentUser = () -> "mallory";
        List<String> filesBefore = listing();

        CliRun purge = cli("purge", "--seq", Long.toString(requestedSeq), "--reason", "INC-42");

        assertThat(purge.exitCode()).isEqualTo(3);
        assertThat(purge.err()).contains("belongs to " + owner + " and you are mallory")
                .contains("only its owner may purge it").contains("sudo -u " + owner);
        assertThat(listing()).isEqualTo(filesBefore);
        assertThat(filesHolding(LEAK)).isNotEmpty();
    }

    // --- helpers ---

    private CliRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--db", db.toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    /** The log's files whose bytes contain {@code value}. */
    private List<String> filesHolding(String value) throws Exception {
        List<String> out = new ArrayList<>();
        for (Path f : List.of(db, Path.of(db + "-wal"), Path.of(db + "-shm"))) {
            if (Files.exists(f) && new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(value)) {
                out.add(f.getFileName().toString());
            }
        }
        return out;
    }

    private List<String> listing() throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * An event as a proxy of the previous version, still running when the log was upgraded, would
     * append it: hash rule 1, the hash over the payload itself.
     */
    private long appendRule1Event(String command) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            long seq;
            String prev;
            try (ResultSet rs = st.executeQuery("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")) {
                seq = rs.getLong(1) + 1;
                prev = rs.getString(2);
            }
            String eventId = UUID.randomUUID().toString();
            String time = "2026-11-01T11:00:00.000Z";
            String payload = "{\"args\":{\"cli_command\":\"" + command + "\"},\"profile\":\"prod\",\"tool\":\"aws___call_aws\"}";
            String hash = ChainHash.next(prev, ChainHash.canonicalEvent(eventId, "call.requested", time, "old-proxy", "c-old",
                    payload));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO events(seq, event_id, type, time, session_id,"
                    + " call_id, payload, prev_hash, hash) VALUES (?, ?, 'call.requested', ?, 'old-proxy', 'c-old', ?, ?, ?)")) {
                ps.setLong(1, seq);
                ps.setString(2, eventId);
                ps.setString(3, time);
                ps.setString(4, payload);
                ps.setString(5, prev);
                ps.setString(6, hash);
                ps.executeUpdate();
            }
            return seq;
        }
    }

    private long count() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM events")) {
            return rs.getLong(1);
        }
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}
