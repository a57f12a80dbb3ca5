package dev.mcpaudit.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.schema.redact.Redactor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worked example in schema/FORMAT.md ("Worked example") is what the writer produces and what a
 * reader can check from the page alone:
 *
 * <ul>
 *   <li>the block in the page equals, byte for byte, the one rendered here from a real log that the
 *       writer's own code path ({@link EventAppender.Prepared}, {@link EventAppender#insert}) wrote
 *       from the same inputs, with the example's fixed ids, times and salts;
 *   <li>every digest in the block follows from the block's own text, recomputed here with nothing but
 *       SHA-256 and the rules the page states (not the code's {@link ChainHash});
 *   <li>the rules the page states hold for events the real appender writes with ids and salts of its own;
 *   <li>a log created from the page's SQL and holding exactly the block's rows verifies, with the
 *       purge as a notice, and reads through the {@code calls} view as the page says.
 * </ul>
 *
 * When the format changes on purpose, paste the rendered block (schema/target/format-worked-example.txt)
 * into FORMAT.md.
 */
class FormatExampleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    private static final String MARKER = "<!-- worked-example: FormatExampleTest renders this block; keep them equal -->";

    /** What a writer chooses (ids, times, salts) and what it was asked to record. */
    record Input(long seq, int rule, String eventId, EventType type, String time, String sessionId, String callId,
            ObjectNode payload, String salt) {}

    static final String OLD_SESSION = "01a22bae-abff-7e21-9c04-3b6d8f2a1e57";
    static final String SESSION = "01a2310b-facc-7d52-b6e1-9a3c5f08e217";
    static final String CALL = "01a2310c-0100-72a4-8d5b-e3f9061c7a2d";
    static final String REJECTED_CALL = "01a2310c-1488-7a9b-8c2d-5e1f3a7b9d46";
    static final String CLI_SESSION = "audit-cli-7e4f1c2a-9b3d-4e5f-8a6b-1c2d3e4f5a6b";
    static final long PURGED_SEQ = 4;
    static final long PURGE_SEQ = 8;
    static final String PURGE_TIME = "2026-12-02T08:30:00.000Z";
    static final String PURGE_EVENT_ID = "01a235df-f740-7c5a-8b3e-1d9f4a2c6e87";
    static final String PURGE_REASON = "password in an S3 key, INC-42";

    /** Upstream's answer to the call (the result the agent was sent): result_sha256 covers it. */
    static ObjectNode upstreamResult() {
        ObjectNode r = JSON.createObjectNode();
        r.putArray("content").addObject().put("type", "text").put("text", "upload: ./orders.sql to s3://backups/orders.sql");
        r.put("isError", false);
        return r;
    }

    static ObjectNode callArgs() {
        return JSON.createObjectNode().put("cli_command", "aws s3 cp orders.sql s3://backups/hunter2/orders.sql");
    }

    /** The events before the purge, with payloads as ProxyMain.sessionInfo and AuditRecorder build them. */
    static List<Input> inputs() {
        ObjectNode old = JSON.createObjectNode().put("os_user", "alice").put("proxy_version", "0.1.0");

        ObjectNode started = JSON.createObjectNode();
        started.put("proxy_version", "0.1.0");
        started.put("endpoint", "https://aws-mcp.us-east-1.api.aws/mcp");
        started.put("service", "aws-mcp");
        started.put("signing_region", "us-east-1");
        started.putArray("profiles").add("dev").add("prod");
        started.put("default_profile", "dev");
        started.putObject("profile_regions").put("dev", "us-east-1").put("prod", "eu-west-1");
        started.put("read_only", false);
        started.put("audit_failure", "closed");
        started.put("record_results", false);
        started.put("host", "build-7");
        started.put("os_user", "alice");
        started.put("pid", 48213);

        ObjectNode initialized = JSON.createObjectNode();
        initialized.putObject("client_info").put("name", "claude-code").put("version", "2.0.14");
        initialized.put("protocol_version", "2025-06-18");

        ObjectNode requested = JSON.createObjectNode();
        requested.put("method", "tools/call");
        requested.put("jsonrpc_id", 7);
        requested.put("profile", "prod");
        requested.put("account_id", "222222222222");
        requested.put("account_source", "sts");
        requested.put("principal_arn", "arn:aws:sts::222222222222:assumed-role/agent/alice");
        requested.put("region", "eu-west-1");
        requested.put("service", "aws-mcp");
        requested.put("upstream_session_id", "s-5b0e2c4d9a7f");
        requested.put("tool", "aws___call_aws");
        requested.set("args", callArgs());
        requested.put("args_fingerprint", CanonicalJson.sha256Hex(callArgs()));

        ObjectNode completed = JSON.createObjectNode();
        completed.put("outcome", "ok");
        completed.put("duration_ms", 1234.5);
        completed.put("result_sha256", CanonicalJson.sha256Hex(upstreamResult()));

        ObjectNode rejectedArgs = JSON.createObjectNode().put("cli_command", "aws iam list-users");
        ObjectNode rejected = JSON.createObjectNode();
        rejected.put("method", "tools/call");
        rejected.put("jsonrpc_id", 8);
        rejected.put("profile", "admin");
        rejected.put("service", "aws-mcp");
        rejected.put("tool", "aws___call_aws");
        rejected.set("args", rejectedArgs);
        rejected.put("args_fingerprint", CanonicalJson.sha256Hex(rejectedArgs));
        rejected.put("reason", "Tool call 'aws___call_aws' was refused: aws_profile 'admin' is not an allowed profile."
                + " Allowed profiles: dev, prod. Retry with one of them, or leave aws_profile out to use dev.");

        ObjectNode ended = JSON.createObjectNode();
        ended.put("ended_by", "stdin_closed");
        ended.put("calls_requested", 1);
        ended.put("calls_completed", 1);
        ended.put("calls_rejected", 1);
        ended.put("calls_not_recorded", 0);
        ended.put("calls_cancelled_by_shutdown", 0);
        ended.put("events_recorded_late", 0);

        return List.of(
                new Input(1, 1, "01a22bae-b680-7a41-8c3e-2d9f0b7e4a11", EventType.SESSION_STARTED,
                        "2026-11-30T09:00:00.000Z", OLD_SESSION, null, old, null),
                new Input(2, 2, "01a2310b-fd90-7c1e-8f4a-6b2d9e0c3a58", EventType.SESSION_STARTED,
                        "2026-12-01T09:59:59.120Z", SESSION, null, started, salt(2)),
                new Input(3, 2, "01a2310b-fd91-7e09-a3b7-1c8f5d2e6a94", EventType.CLIENT_INITIALIZED,
                        "2026-12-01T09:59:59.121Z", SESSION, null, initialized, salt(3)),
                new Input(4, 2, "01a2310c-0100-7b8d-9e2f-4a6c1d3b5e70", EventType.CALL_REQUESTED,
                        "2026-12-01T10:00:00.000Z", SESSION, CALL, requested, salt(4)),
                new Input(5, 2, "01a2310c-05d3-7f60-a1c4-8e2b7d9f3a05", EventType.CALL_COMPLETED,
                        "2026-12-01T10:00:01.235Z", SESSION, CALL, completed, salt(5)),
                new Input(6, 2, "01a2310c-1488-74e3-b5d8-2f7a9c1e6b3d", EventType.CALL_REJECTED,
                        "2026-12-01T10:00:05.000Z", SESSION, REJECTED_CALL, rejected, salt(6)),
                new Input(7, 2, "01a2310c-7630-7d1b-9a4e-6c8f2b5d0e13", EventType.SESSION_ENDED,
                        "2026-12-01T10:00:30.000Z", SESSION, null, ended, salt(7)));
    }

    /** The example's salts: 16 bytes counting up from (seq − 2) × 16. */
    static String salt(long seq) {
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) {
            b[i] = (byte) ((seq - 2) * 16 + i);
        }
        return HEX.formatHex(b);
    }

    /** What `audit-cli purge --seq 4 --reason …` run by alice records, as PayloadPurge builds it. */
    static Input purgeInput(String purgedEventId, String originalPayloadSha256, String purgedPayload) {
        ObjectNode record = JSON.createObjectNode()
                .put("seq", PURGED_SEQ)
                .put("event_id", purgedEventId)
                .put("reason", PURGE_REASON)
                .put("os_user", "alice")
                .put("original_payload_sha256", originalPayloadSha256)
                .put("purged_payload_sha256", ChainHash.sha256Hex(purgedPayload));
        record.putArray("pointers").add("/args");
        return new Input(PURGE_SEQ, 2, PURGE_EVENT_ID, EventType.PAYLOAD_PURGED, PURGE_TIME, CLI_SESSION, CALL, record,
                salt(PURGE_SEQ));
    }

    /** A stored row (columns as in the table) and the canonical event its hash covers. */
    record Row(long seq, int rule, String eventId, String type, String time, String sessionId, String callId,
            String payload, String salt, String payloadSha256, String prevHash, String canonicalEvent, String hash) {}

    /** The example as the writer stores it: the rows before the purge's UPDATE, and seq 4's payload after it. */
    record Written(List<Row> rows, String purgedPayload, List<PurgeNotice> notices, List<ChainProblem> problems) {}

    /**
     * Writes the example into a real log through the writer's code path (redaction, canonical JSON,
     * digests, the INSERT), purges seq 4 as PayloadPurge does, and reads back what is stored.
     */
    static Written writeWithTheWriter(Path db) throws Exception {
        List<Row> rows = new ArrayList<>();
        Map<Long, String> canonical = new LinkedHashMap<>();
        String purgedPayload;
        try (AuditLog log = AuditLog.openForAppend(db);
                Connection c = AuditLog.connect(db, false, AuditLog.DEFAULT_BUSY_TIMEOUT)) {
            Redactor redactor = log.redactor();
            List<Input> inputs = new ArrayList<>(inputs());
            String prev = ChainHash.GENESIS;
            for (Input in : inputs) {
                prev = insert(c, redactor, in, prev, canonical);
            }
            // The purge: seq 4's payload with /args replaced by the marker of the event about to be appended.
            Row purged = read(c, PURGED_SEQ, canonical.get(PURGED_SEQ));
            ObjectNode replaced = (ObjectNode) JSON.readTree(purged.payload());
            replaced.put("args", Purges.marker(PURGE_SEQ));
            purgedPayload = CanonicalJson.canonicalize(replaced);
            insert(c, redactor, purgeInput(purged.eventId(), purged.payloadSha256(), purgedPayload), prev, canonical);
            for (long seq = 1; seq <= PURGE_SEQ; seq++) {
                rows.add(read(c, seq, canonical.get(seq)));
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE events SET payload = ?, payload_salt = NULL WHERE seq = ?")) {
                ps.setString(1, purgedPayload);
                ps.setLong(2, PURGED_SEQ);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            assertThat(read(c, PURGED_SEQ, null).payload()).isEqualTo(purgedPayload);
        }
        VerificationReport report;
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            report = ChainVerifier.verify(log);
        }
        return new Written(rows, purgedPayload, report.purges(), report.problems());
    }

    private static String insert(Connection c, Redactor redactor, Input in, String prev, Map<Long, String> canonical)
            throws Exception {
        EventAppender.Prepared p = EventAppender.Prepared.of(
                new NewEvent(in.type(), Instant.parse(in.time()), in.sessionId(), in.callId(), in.payload()),
                redactor, in.rule(), in.eventId(), in.salt() == null ? null : HEX.parseHex(in.salt()));
        canonical.put(in.seq(), new String(p.canonicalUtf8(), StandardCharsets.UTF_8));
        try (PreparedStatement ps = c.prepareStatement(EventAppender.insertSql(in.rule()))) {
            return EventAppender.insert(ps, CanonicalJson.sha256(), in.seq(), prev, p);
        }
    }

    private static Row read(Connection c, long seq, String canonicalEvent) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash_rule, event_id, type, time, session_id, call_id,"
                + " payload, payload_salt, payload_sha256, prev_hash, hash FROM events WHERE seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return new Row(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                        rs.getString(11), canonicalEvent, rs.getString(12));
            }
        }
    }

    /** The block as FORMAT.md shows it. */
    static String render(Written w) {
        StringBuilder b = new StringBuilder();
        for (Row r : w.rows()) {
            b.append("seq ").append(r.seq()).append(" (hash rule ").append(r.rule()).append(")\n");
            line(b, "event_id", r.eventId());
            line(b, "type", r.type());
            line(b, "time", r.time());
            line(b, "session_id", r.sessionId());
            line(b, "call_id", r.callId() == null ? "NULL" : r.callId());
            line(b, "payload", r.payload());
            if (r.rule() == 2) {
                line(b, "payload_salt", r.salt());
                line(b, "payload_sha256", r.payloadSha256());
            }
            line(b, "prev_hash", r.prevHash());
            line(b, "canonical_event", r.canonicalEvent());
            line(b, "hash", r.hash());
            b.append('\n');
        }
        b.append("seq ").append(PURGED_SEQ).append(" as stored after the purge (every other column as above)\n");
        line(b, "payload", w.purgedPayload());
        line(b, "payload_salt", "NULL");
        line(b, "SHA-256(payload)", ChainHash.sha256Hex(w.purgedPayload()));
        b.append('\n');
        b.append("upstream's result (not stored; result_sha256 of seq 5 is its SHA-256)\n");
        line(b, "result", CanonicalJson.canonicalize(upstreamResult()));
        return b.toString();
    }

    private static void line(StringBuilder b, String name, String value) {
        b.append("  ").append(String.format("%-17s", name)).append(value).append('\n');
    }

    /** The block after the marker in FORMAT.md. */
    static String documentedBlock() throws Exception {
        String doc = Files.readString(Path.of("FORMAT.md"), StandardCharsets.UTF_8);
        int at = doc.indexOf(MARKER);
        assertThat(at).as("FORMAT.md has the marker %s", MARKER).isNotNegative();
        int open = doc.indexOf("```text\n", at);
        int close = doc.indexOf("\n```\n", open);
        return doc.substring(open + "```text\n".length(), close + 1);
    }

    @Test
    void theWorkedExampleInFormatMdIsWhatTheWriterStores(@TempDir Path dir) throws Exception {
        Written written = writeWithTheWriter(dir.resolve("audit.db"));
        String rendered = render(written);
        // For whoever changes the format on purpose: the block to paste into FORMAT.md.
        Files.writeString(Path.of("target", "format-worked-example.txt"), rendered, StandardCharsets.UTF_8);

        assertThat(documentedBlock()).as("the block after the marker in FORMAT.md (the writer's is in"
                + " schema/target/format-worked-example.txt)").isEqualTo(rendered);
        // What the writer stored verifies, and the purge reads as the page says.
        assertThat(written.problems()).isEmpty();
        assertThat(written.notices()).containsExactly(new PurgeNotice(PURGED_SEQ, "call.requested", PURGE_SEQ,
                List.of("/args"), PURGE_REASON, "alice", PURGE_TIME));
        // The payloads are what the proxy asked to store: the redactor left them as they are.
        List<Input> inputs = inputs();
        for (int i = 0; i < inputs.size(); i++) {
            assertThat(written.rows().get(i).payload()).isEqualTo(CanonicalJson.canonicalize(inputs.get(i).payload()));
        }
    }

    @Test
    void everyValueInTheBlockFollowsFromItsTextBySha256Alone() throws Exception {
        Map<String, Map<String, String>> sections = parse(documentedBlock());
        List<Map<String, String>> rows = new ArrayList<>();
        for (long seq = 1; sections.containsKey("seq " + seq); seq++) {
            rows.add(sections.get("seq " + seq));
        }
        assertThat(rows).hasSize((int) PURGE_SEQ);
        assertThat(rows).extracting(r -> r.get("type")).containsExactly("session.started", "session.started",
                "client.initialized", "call.requested", "call.completed", "call.rejected", "session.ended",
                "payload.purged");
        String prev = "0".repeat(64);
        for (Map<String, String> r : rows) {
            assertThat(r.get("prev_hash")).as("prev_hash of seq %s", r.get("seq")).isEqualTo(prev);
            assertFollowsTheStatedRules(r, true);
            prev = r.get("hash");
        }

        Map<String, String> requested = rows.get(3);
        Map<String, String> completed = rows.get(4);
        Map<String, String> rejected = rows.get(5);
        Map<String, String> purge = rows.get(7);
        JsonNode args = JSON.readTree(requested.get("payload")).get("args");
        assertThat(JSON.readTree(requested.get("payload")).get("args_fingerprint").textValue())
                .isEqualTo(sha256Hex(utf8(CanonicalJson.canonicalize(args))));
        JsonNode rejectedPayload = JSON.readTree(rejected.get("payload"));
        assertThat(rejectedPayload.get("args_fingerprint").textValue())
                .isEqualTo(sha256Hex(utf8(CanonicalJson.canonicalize(rejectedPayload.get("args")))));
        String result = sections.get("upstream's result").get("result");
        assertThat(CanonicalJson.canonicalize(result)).isEqualTo(result);
        assertThat(JSON.readTree(completed.get("payload")).get("result_sha256").textValue()).isEqualTo(sha256Hex(utf8(result)));
        assertThat(requested.get("call_id")).isEqualTo(completed.get("call_id")).isEqualTo(purge.get("call_id"))
                .isNotEqualTo(rejected.get("call_id"));

        // The purge record against the purged event, and the payload after the purge.
        JsonNode record = JSON.readTree(purge.get("payload"));
        Map<String, String> after = sections.get("seq " + PURGED_SEQ + " as stored after the purge");
        assertThat(record.get("seq").asLong()).isEqualTo(PURGED_SEQ);
        assertThat(record.get("event_id").textValue()).isEqualTo(requested.get("event_id"));
        assertThat(record.get("original_payload_sha256").textValue()).isEqualTo(requested.get("payload_sha256"));
        assertThat(after.get("SHA-256(payload)")).isEqualTo(sha256Hex(utf8(after.get("payload"))))
                .isEqualTo(record.get("purged_payload_sha256").textValue());
        assertThat(JSON.readTree(after.get("payload")).at(record.get("pointers").get(0).textValue()).textValue())
                .isEqualTo("[PURGED:" + purge.get("seq") + "]");
        assertThat(after.get("payload_salt")).isEqualTo("NULL");
    }

    @Test
    void theRulesFormatMdStatesHoldForEventsTheAppenderWritesWithIdsAndSaltsOfItsOwn(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            for (Input in : inputs().subList(1, inputs().size())) {
                log.appender().append(NewEvent.now(in.type(), SESSION, in.callId(), in.payload()));
            }
        }
        List<Map<String, String>> rows = new ArrayList<>();
        try (AuditLog log = AuditLog.openReadOnly(db); Connection c = log.openReader();
                ResultSet rs = c.createStatement().executeQuery("SELECT seq, hash_rule, event_id, type, time, session_id,"
                        + " call_id, payload, payload_salt, payload_sha256, prev_hash, hash FROM events ORDER BY seq")) {
            while (rs.next()) {
                Map<String, String> r = new LinkedHashMap<>();
                r.put("seq", rs.getString(1));
                r.put("rule", rs.getString(2));
                for (String column : List.of("event_id", "type", "time", "session_id", "call_id", "payload", "payload_salt",
                        "payload_sha256", "prev_hash", "hash")) {
                    r.put(column, Objects.requireNonNullElse(rs.getString(column), "NULL"));
                }
                rows.add(r);
            }
        }
        assertThat(rows).hasSize(inputs().size() - 1);
        String prev = "0".repeat(64);
        for (Map<String, String> r : rows) {
            assertThat(r.get("rule")).isEqualTo("2");
            assertThat(r.get("prev_hash")).isEqualTo(prev);
            // The canonical event as the page builds it: concatenation in key order.
            r.put("canonical_event", "{\"call_id\":" + (r.get("call_id").equals("NULL") ? "null" : quoted(r.get("call_id")))
                    + ",\"event_id\":" + quoted(r.get("event_id")) + ",\"payload_sha256\":" + quoted(r.get("payload_sha256"))
                    + ",\"session_id\":" + quoted(r.get("session_id")) + ",\"time\":" + quoted(r.get("time"))
                    + ",\"type\":" + quoted(r.get("type")) + "}");
            assertFollowsTheStatedRules(r, false);
            prev = r.get("hash");
        }
    }

    @Test
    void aLogWrittenFromFormatMdAloneVerifiesAndReadsAsThePageSays(@TempDir Path dir) throws Exception {
        Path db = FormatSqlTest.createFromFormatMd(dir.resolve("third-party.db"));
        Map<String, Map<String, String>> sections = parse(documentedBlock());
        try (Connection c = AuditLog.connect(db, false, AuditLog.DEFAULT_BUSY_TIMEOUT)) {
            for (long seq = 1; sections.containsKey("seq " + seq); seq++) {
                Map<String, String> r = sections.get("seq " + seq);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO events(seq, event_id, type, time, session_id,"
                        + " call_id, payload, prev_hash, hash, hash_rule, payload_salt, payload_sha256)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setLong(1, seq);
                    ps.setString(2, r.get("event_id"));
                    ps.setString(3, r.get("type"));
                    ps.setString(4, r.get("time"));
                    ps.setString(5, r.get("session_id"));
                    ps.setString(6, nullable(r.get("call_id")));
                    ps.setString(7, r.get("payload"));
                    ps.setString(8, r.get("prev_hash"));
                    ps.setString(9, r.get("hash"));
                    ps.setInt(10, Integer.parseInt(r.get("rule")));
                    ps.setString(11, r.get("payload_salt"));
                    ps.setString(12, r.get("payload_sha256"));
                    ps.executeUpdate();
                }
            }
            // The purge path's UPDATE, through the schema's own trigger.
            try (PreparedStatement ps = c.prepareStatement("UPDATE events SET payload = ?, payload_salt = NULL WHERE seq = ?")) {
                ps.setString(1, sections.get("seq " + PURGED_SEQ + " as stored after the purge").get("payload"));
                ps.setLong(2, PURGED_SEQ);
                ps.executeUpdate();
            }
        }

        try (AuditLog log = AuditLog.openReadOnly(db)) {
            VerificationReport report = ChainVerifier.verify(log);
            assertThat(report.problems()).isEmpty();
            assertThat(SchemaCheck.check(log)).isEmpty();
            assertThat(report.purges()).containsExactly(new PurgeNotice(PURGED_SEQ, "call.requested", PURGE_SEQ,
                    List.of("/args"), PURGE_REASON, "alice", PURGE_TIME));
            try (Connection c = log.openReader(); ResultSet rs = c.createStatement().executeQuery(
                    "SELECT call_id, profile, account_id, outcome, duration_ms, args, error FROM calls ORDER BY started_at")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("call_id")).isEqualTo(CALL);
                assertThat(rs.getString("profile")).isEqualTo("prod");
                assertThat(rs.getString("account_id")).isEqualTo("222222222222");
                assertThat(rs.getString("outcome")).isEqualTo("ok");
                assertThat(rs.getDouble("duration_ms")).isEqualTo(1234.5);
                assertThat(rs.getString("args")).isEqualTo("[PURGED:8]");
                assertThat(rs.getString("error")).isNull();
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("call_id")).isEqualTo(REJECTED_CALL);
                assertThat(rs.getString("profile")).isEqualTo("admin");
                assertThat(rs.getString("outcome")).isEqualTo("denied");
                assertThat(rs.getString("error")).startsWith("Tool call 'aws___call_aws' was refused: aws_profile 'admin'");
                assertThat(rs.next()).isFalse();
            }
        }
    }

    /**
     * One row against the rules FORMAT.md states, computed here with plain SHA-256: the payload is
     * canonical; under rule 2 payload_sha256 = SHA-256(salt bytes ‖ payload) and the canonical event
     * holds it; under rule 1 it holds the payload; hash = SHA-256(prev_hash bytes ‖ canonical event);
     * the event id is a UUID version 7 whose first 48 bits are the time it was made: in the example the
     * event's time, for the appender's events no earlier (it makes the id as it appends the event).
     */
    private static void assertFollowsTheStatedRules(Map<String, String> r, boolean idTimeIsEventTime) throws Exception {
        String seq = r.get("seq");
        String payload = r.get("payload");
        assertThat(CanonicalJson.canonicalize(payload)).as("seq %s: payload is canonical", seq).isEqualTo(payload);
        assertThat(JSON.readTree(payload).isObject()).isTrue();
        String callId = r.get("call_id").equals("NULL") ? "null" : quoted(r.get("call_id"));
        String third;
        if (r.get("rule").equals("2")) {
            assertThat(r.get("payload_salt")).matches("[0-9a-f]{32}");
            String digest = sha256Hex(HEX.parseHex(r.get("payload_salt")), utf8(payload));
            assertThat(r.get("payload_sha256")).as("seq %s: payload_sha256", seq).isEqualTo(digest);
            third = ",\"payload_sha256\":" + quoted(digest);
        } else {
            assertThat(r.get("payload_sha256")).isNull();
            third = ",\"payload\":" + payload;
        }
        String canonical = "{\"call_id\":" + callId + ",\"event_id\":" + quoted(r.get("event_id")) + third
                + ",\"session_id\":" + quoted(r.get("session_id")) + ",\"time\":" + quoted(r.get("time"))
                + ",\"type\":" + quoted(r.get("type")) + "}";
        assertThat(r.get("canonical_event")).as("seq %s: canonical_event", seq).isEqualTo(canonical);
        assertThat(r.get("hash")).as("seq %s: hash", seq)
                .isEqualTo(sha256Hex(HEX.parseHex(r.get("prev_hash")), utf8(canonical)));
        assertThat(r.get("time")).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(r.get("event_id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        long millis = Long.parseLong(r.get("event_id").replace("-", "").substring(0, 12), 16);
        long time = Instant.parse(r.get("time")).toEpochMilli();
        if (idTimeIsEventTime) {
            assertThat(millis).as("seq %s: the time in the event id", seq).isEqualTo(time);
        } else {
            assertThat(millis).as("seq %s: the time in the event id", seq).isBetween(time, time + 60_000);
        }
    }

    /**
     * The block's sections by their heading ("seq 4", "seq 4 as stored after the purge", "upstream's
     * result"), each a map of name to value as the page lays them out: two spaces, the name padded to
     * 17 characters, the value. A "seq N (hash rule R)" section also gets "seq" and "rule".
     */
    static Map<String, Map<String, String>> parse(String block) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        for (String chunk : block.split("\n\n")) {
            String[] lines = chunk.split("\n");
            String heading = lines[0];
            Map<String, String> values = new LinkedHashMap<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("seq (\\d+) \\(hash rule (\\d)\\)").matcher(heading);
            if (m.matches()) {
                heading = "seq " + m.group(1);
                values.put("seq", m.group(1));
                values.put("rule", m.group(2));
            } else {
                heading = heading.replaceFirst(" \\(.*$", "");
            }
            for (int i = 1; i < lines.length; i++) {
                assertThat(lines[i]).startsWith("  ").hasSizeGreaterThan(19);
                values.put(lines[i].substring(2, 19).strip(), lines[i].substring(19));
            }
            if (m.matches() && !values.containsKey("payload_salt")) {
                values.put("payload_salt", null);
                values.put("payload_sha256", null);
            }
            sections.put(heading, values);
        }
        return sections;
    }

    private static String nullable(String column) {
        return column == null || column.equals("NULL") ? null : column;
    }

    /** A JSON string of an id, time or type: none of them needs escaping (checked). */
    private static String quoted(String s) {
        assertThat(s).matches("[A-Za-z0-9.:_-]+");
        return "\"" + s + "\"";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256Hex(byte[]... parts) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) {
            sha256.update(p);
        }
        return HEX.formatHex(sha256.digest());
    }
}
