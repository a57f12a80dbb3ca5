package dev.mcpaudit.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worked example in schema/FORMAT.md ("Worked example") is what the code computes: the block in
 * the document must equal the one rendered here from the same inputs, byte for byte, so the two
 * cannot drift apart; and a log holding exactly those rows verifies, with the purge as a notice.
 * When the format changes on purpose, paste the rendered block (schema/target/format-worked-example.txt)
 * into FORMAT.md.
 */
class FormatExampleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MARKER = "<!-- worked-example: FormatExampleTest renders this block; keep them equal -->";

    /** The inputs: what a writer chooses (ids, times, salts) and what it was asked to record. */
    record Input(long seq, int rule, String eventId, String type, String time, String sessionId, String callId,
            String payload, String salt) {}

    static final String PROXY_SESSION = "0b6c3a1e-5d2f-4c8a-9e71-3f0d2a6b8c45";
    static final String CLI_SESSION = "audit-cli-7e4f1c2a-9b3d-4e5f-8a6b-1c2d3e4f5a6b";
    static final String CALL = "01a21a38-93c0-762c-a5b5-e177999770d8";

    static final List<Input> BEFORE_PURGE = List.of(
            new Input(1, 1, "01a21a30-0000-7000-8000-000000000001", "session.started", "2026-11-30T09:00:00.000Z",
                    PROXY_SESSION, null, "{\"os_user\":\"alice\",\"proxy_version\":\"0.1.0\"}", null),
            new Input(2, 2, "01a21a38-93c1-7000-8000-000000000002", "call.requested", "2026-12-01T10:00:00.000Z",
                    PROXY_SESSION, CALL, "{\"args\":{\"cli_command\":\"aws s3 cp orders.sql s3://backups/hunter2/orders.sql\"},"
                            + "\"profile\":\"prod\",\"tool\":\"aws___call_aws\"}", "000102030405060708090a0b0c0d0e0f"),
            new Input(3, 2, "01a21a38-97a8-7000-8000-000000000003", "call.completed", "2026-12-01T10:00:01.000Z",
                    PROXY_SESSION, CALL, "{\"duration_ms\":1000,\"outcome\":\"ok\"}", "101112131415161718191a1b1c1d1e1f"));

    static final String PURGE_TIME = "2026-12-02T08:30:00.000Z";
    static final String PURGE_EVENT_ID = "01a21f00-0000-7000-8000-000000000004";
    static final String PURGE_SALT = "202122232425262728292a2b2c2d2e2f";

    /** One row as stored, with what the chain rules derive from it. */
    record Row(Input in, String prevHash, String payloadSha256, String canonicalEvent, String hash) {}

    @Test
    void theWorkedExampleInFormatMdIsWhatTheCodeComputes() throws Exception {
        String doc = Files.readString(Path.of("FORMAT.md"), StandardCharsets.UTF_8);
        String rendered = render();
        // For whoever changes the format on purpose: the block to paste into FORMAT.md.
        Files.writeString(Path.of("target", "format-worked-example.txt"), rendered, StandardCharsets.UTF_8);
        int at = doc.indexOf(MARKER);
        assertThat(at).as("FORMAT.md has the marker %s", MARKER).isNotNegative();
        int open = doc.indexOf("```text\n", at);
        int close = doc.indexOf("\n```\n", open);
        String block = doc.substring(open + "```text\n".length(), close + 1);
        assertThat(block).as("the block after the marker in FORMAT.md (the code's is in"
                + " schema/target/format-worked-example.txt)").isEqualTo(rendered);
    }

    @Test
    void aLogHoldingExactlyTheseRowsVerifiesWithThePurgeAsANotice(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("audit.db");
        AuditLog.openForAppend(db).close();
        List<Row> rows = rows();
        try (Connection c = AuditLog.connect(db, false, AuditLog.DEFAULT_BUSY_TIMEOUT)) {
            for (Row r : rows) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO events(seq, event_id, type, time, session_id,"
                        + " call_id, payload, prev_hash, hash, hash_rule, payload_salt, payload_sha256)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setLong(1, r.in().seq());
                    ps.setString(2, r.in().eventId());
                    ps.setString(3, r.in().type());
                    ps.setString(4, r.in().time());
                    ps.setString(5, r.in().sessionId());
                    ps.setString(6, r.in().callId());
                    ps.setString(7, r.in().payload());
                    ps.setString(8, r.prevHash());
                    ps.setString(9, r.hash());
                    ps.setInt(10, r.in().rule());
                    ps.setString(11, r.in().salt());
                    ps.setString(12, r.payloadSha256());
                    ps.executeUpdate();
                }
            }
            // The purge path's UPDATE, through the schema's own trigger.
            try (PreparedStatement ps = c.prepareStatement("UPDATE events SET payload = ?, payload_salt = NULL WHERE seq = 2")) {
                ps.setString(1, purgedPayload());
                ps.executeUpdate();
            }
        }

        VerificationReport report = ChainVerifier.verify(AuditLog.openReadOnly(db));

        assertThat(report.problems()).isEmpty();
        assertThat(report.purges()).containsExactly(new PurgeNotice(2, "call.requested", 4, List.of("/args"),
                "password in an S3 key, INC-42", "alice", PURGE_TIME));
    }

    /** The rows, the payload.purged event last. */
    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Input in : BEFORE_PURGE) {
            rows.add(row(in, rows));
        }
        rows.add(row(purgeEvent(rows.get(1)), rows));
        return rows;
    }

    /** {@code in} appended after {@code before}, as the chain rules say. */
    static Row row(Input in, List<Row> before) {
        String prev = before.isEmpty() ? ChainHash.GENESIS : before.get(before.size() - 1).hash();
        String digest = in.rule() == 2 ? ChainHash.payloadSha256(in.salt(), in.payload()) : null;
        String canonical = in.rule() == 2
                ? ChainHash.canonicalEventV2(in.eventId(), in.type(), in.time(), in.sessionId(), in.callId(), digest)
                : ChainHash.canonicalEvent(in.eventId(), in.type(), in.time(), in.sessionId(), in.callId(), in.payload());
        return new Row(in, prev, digest, canonical, ChainHash.next(prev, canonical));
    }

    /** What `audit-cli purge --seq 2 --reason …` (as alice) records. */
    static Input purgeEvent(Row purged) {
        String payload = CanonicalJson.canonicalize(JSON.createObjectNode()
                .put("event_id", purged.in().eventId())
                .put("original_payload_sha256", purged.payloadSha256())
                .put("os_user", "alice")
                .put("purged_payload_sha256", ChainHash.sha256Hex(purgedPayload()))
                .put("reason", "password in an S3 key, INC-42")
                .put("seq", 2)
                .set("pointers", JSON.createArrayNode().add("/args")));
        return new Input(4, 2, PURGE_EVENT_ID, "payload.purged", PURGE_TIME, CLI_SESSION, CALL, payload, PURGE_SALT);
    }

    /** seq 2's payload after the purge: /args replaced by the marker naming seq 4. */
    static String purgedPayload() {
        try {
            JsonNode p = JSON.readTree(BEFORE_PURGE.get(1).payload());
            ((com.fasterxml.jackson.databind.node.ObjectNode) p).put("args", Purges.marker(4));
            return CanonicalJson.canonicalize(p);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The block as FORMAT.md shows it. */
    static String render() {
        StringBuilder b = new StringBuilder();
        for (Row r : rows()) {
            Input in = r.in();
            b.append("seq ").append(in.seq()).append(" (hash rule ").append(in.rule()).append(")\n");
            line(b, "event_id", in.eventId());
            line(b, "type", in.type());
            line(b, "time", in.time());
            line(b, "session_id", in.sessionId());
            line(b, "call_id", in.callId() == null ? "NULL" : in.callId());
            line(b, "payload", in.payload());
            if (in.rule() == 2) {
                line(b, "payload_salt", in.salt());
                line(b, "payload_sha256", r.payloadSha256());
            }
            line(b, "prev_hash", r.prevHash());
            line(b, "canonical_event", r.canonicalEvent());
            line(b, "hash", r.hash());
            b.append('\n');
        }
        b.append("seq 2 as stored after the purge (every other column as above)\n");
        line(b, "payload", purgedPayload());
        line(b, "payload_salt", "NULL");
        line(b, "SHA-256(payload)", ChainHash.sha256Hex(purgedPayload()));
        return b.toString();
    }

    private static void line(StringBuilder b, String name, String value) {
        b.append("  ").append(String.format("%-17s", name)).append(value).append('\n');
    }
}
