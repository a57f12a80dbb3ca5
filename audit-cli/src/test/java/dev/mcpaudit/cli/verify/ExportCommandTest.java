package dev.mcpaudit.cli.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.cli.Csv;
import dev.mcpaudit.fixtures.SyntheticCalls;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-11-01T09:00:00Z");

    @TempDir
    Path dir;

    Path db;
    List<StoredEvent> stored = new ArrayList<>();

    @BeforeEach
    void recordSomeCalls() {
        db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            SyntheticCalls.fill(log, 200, 11, START);
            log.scanEvents(stored::add);
        }
    }

    @Test
    void jsonlExportOfARealLogVerifiesIntactWithTheSameVerifier() throws Exception {
        Path file = export("--out", dir.resolve("all.jsonl").toString());

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(1 + stored.size());
        JsonNode header = JSON.readTree(lines.get(0));
        assertThat(header.get("export").asText()).isEqualTo("mcp-audit-proxy events");
        assertThat(header.get("first_seq").asLong()).isEqualTo(1);
        assertThat(header.get("last_seq").asLong()).isEqualTo(stored.size());
        for (int i = 0; i < stored.size(); i++) {
            JsonNode e = JSON.readTree(lines.get(i + 1));
            StoredEvent s = stored.get(i);
            assertThat(e.get("seq").asLong()).isEqualTo(s.seq());
            assertThat(e.get("payload").isTextual()).as("payload stays the stored canonical text").isTrue();
            assertThat(e.get("payload").asText()).isEqualTo(s.payload());
            assertThat(e.get("hash").asText()).isEqualTo(s.hash());
            assertThat(e.get("prev_hash").asText()).isEqualTo(s.prevHash());
            assertThat(e.get("call_id").isNull()).isEqualTo(s.callId() == null);
        }

        CliRun run = CliRun.of("verify", "--jsonl", file.toString());
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("Validating export " + file)
                .contains("Checked seq 1 to " + stored.size())
                .contains(stored.size() + " events checked, 0 problems: the export is intact.")
                .doesNotContain("Not checked");
    }

    @Test
    void editedPayloadFieldInTheExportIsReportedAsEditedAtItsSeq() throws Exception {
        Path file = export("--out", dir.resolve("all.jsonl").toString());
        StoredEvent target = stored.stream().filter(e -> e.type().equals("call.requested") && e.seq() > 10)
                .findFirst().orElseThrow();
        List<String> lines = Files.readAllLines(file);
        ObjectNode line = (ObjectNode) JSON.readTree(lines.get((int) target.seq()));
        ObjectNode payload = (ObjectNode) JSON.readTree(line.get("payload").asText());
        payload.put("profile", payload.get("profile").asText().equals("prod") ? "dev" : "prod");
        line.put("payload", payload.toString());
        lines.set((int) target.seq(), line.toString());
        Files.write(file, lines);

        CliRun run = CliRun.of("verify", "--jsonl", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("seq " + target.seq() + " INVALID (edited)")
                .contains("1 problem found: the export is NOT intact");
    }

    @Test
    void deletedLineIsReportedWithItsSeq() throws Exception {
        Path file = export("--out", dir.resolve("all.jsonl").toString());
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.remove(20); // seq 20
        Files.write(file, lines);

        CliRun run = CliRun.of("verify", "--jsonl", file.toString(), "--format", "json");

        assertThat(run.exitCode()).isEqualTo(1);
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.get("intact").asBoolean()).isFalse();
        assertThat(report.get("problems")).hasSize(1);
        assertThat(report.get("problems").get(0).get("seq").asLong()).isEqualTo(20);
        assertThat(report.get("problems").get(0).get("kind").asText()).isEqualTo("deleted");
    }

    @Test
    void lastLinesCutOffAreFoundThroughTheHeaderRange() throws Exception {
        Path file = export("--out", dir.resolve("all.jsonl").toString());
        List<String> lines = Files.readAllLines(file);
        Files.write(file, lines.subList(0, lines.size() - 3));

        CliRun run = CliRun.of("verify", "--jsonl", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("seq " + (stored.size() - 2) + " INVALID (deleted): seq " + (stored.size() - 2)
                + " to " + stored.size() + " are missing from the end of the export");
    }

    @Test
    void malformedLineIsAFindingNamingItsLineNumber() throws Exception {
        Path file = export("--out", dir.resolve("all.jsonl").toString());
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(31, lines.get(31).substring(0, 40)); // line 32 holds seq 31
        Files.write(file, lines);

        CliRun run = CliRun.of("verify", "--jsonl", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("seq 31 INVALID (malformed): line 32 of the export is not an event");
        // Every finding is at seq 31, and the damaged line is reported once as malformed. (The verifier also
        // sees seq 31 missing from the chain, reported as deleted; that is not pinned here.)
        JsonNode problems = JSON.readTree(CliRun.of("verify", "--jsonl", file.toString(), "--format", "json").out())
                .get("problems");
        assertThat(problems).allSatisfy(p -> {
            assertThat(p.get("seq").asLong()).isEqualTo(31);
            assertThat(p.get("kind").asText()).isIn("malformed", "deleted");
        });
        assertThat(problems).filteredOn(p -> p.get("kind").asText().equals("malformed")).hasSize(1);
    }

    @Test
    void aFileThatIsNotAnExportIsAUsageErrorAndAMissingOneAnEnvironmentError() throws Exception {
        Path notExport = dir.resolve("calls.jsonl");
        Files.writeString(notExport, "{\"call_id\":\"x\"}\n");

        CliRun wrong = CliRun.of("verify", "--jsonl", notExport.toString());
        CliRun missing = CliRun.of("verify", "--jsonl", dir.resolve("nope.jsonl").toString());

        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.err()).contains("is not an audit-cli export").contains("line 1");
        assertThat(missing.exitCode()).isEqualTo(3);
        assertThat(missing.err()).contains("no export at");
    }

    @Test
    void csvHasOneRowPerEventAndParsesBackPerRfc4180() throws Exception {
        Path file = export("--format", "csv", "--out", dir.resolve("all.csv").toString());

        String text = Files.readString(file, StandardCharsets.UTF_8);
        List<List<String>> rows = Csv.parse(text);

        assertThat(text).as("every line ends in CRLF").endsWith("\r\n");
        assertThat(text.replace("\r\n", "")).as("no bare LF or CR").doesNotContain("\n").doesNotContain("\r");

        assertThat(rows).hasSize(1 + stored.size());
        assertThat(rows.get(0)).containsExactly("seq", "event_id", "type", "time", "session_id", "call_id", "payload",
                "prev_hash", "hash", "hash_rule", "payload_salt", "payload_sha256", "purged_by_seq");
        boolean sawQuotesAndCommas = false;
        for (int i = 0; i < stored.size(); i++) {
            List<String> row = rows.get(i + 1);
            StoredEvent s = stored.get(i);
            assertThat(row).containsExactly(Long.toString(s.seq()), s.eventId(), s.type(), s.time(), s.sessionId(),
                    s.callId() == null ? "" : s.callId(), s.payload(), s.prevHash(), s.hash(), "2", s.payloadSalt(),
                    s.payloadSha256(), "");
            assertThat(JSON.readTree(row.get(6)).isObject()).isTrue();
            sawQuotesAndCommas |= s.payload().contains(",") && s.payload().contains("\"");
        }
        assertThat(sawQuotesAndCommas).as("the payloads exercise CSV quoting").isTrue();
    }

    @Test
    void sinceExportsAContiguousRangeThatVerifiesWithinItself() throws Exception {
        Instant since = START.plusSeconds(300);
        long first = stored.stream().filter(e -> Instant.parse(e.time()).compareTo(since) >= 0)
                .mapToLong(StoredEvent::seq).min().orElseThrow();
        assertThat(first).isGreaterThan(1);

        Path file = export("--since", since.toString(), "--out", dir.resolve("part.jsonl").toString());
        List<String> lines = Files.readAllLines(file);
        JsonNode header = JSON.readTree(lines.get(0));

        assertThat(header.get("first_seq").asLong()).isEqualTo(first);
        assertThat(header.get("since").asText()).isEqualTo("2026-11-01T09:05:00.000Z");
        assertThat(lines).hasSize(1 + (int) (stored.size() - first + 1));
        assertThat(JSON.readTree(lines.get(1)).get("seq").asLong()).isEqualTo(first);

        CliRun run = CliRun.of("verify", "--jsonl", file.toString());
        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.out()).contains("Export of seq " + first + " to " + stored.size() + ", since 2026-11-01T09:05:00.000Z")
                .contains("Not checked: seq " + first + "'s link to seq " + (first - 1))
                .contains("the export is intact");

        CliRun json = CliRun.of("verify", "--jsonl", file.toString(), "--format", "json");
        JsonNode report = JSON.readTree(json.out());
        assertThat(report.get("intact").asBoolean()).isTrue();
        assertThat(report.get("export").get("partial").asBoolean()).isTrue();
        assertThat(report.get("export").get("unchecked_link").get("prev_hash").asText())
                .isEqualTo(stored.get((int) first - 1).prevHash());

        List<String> cut = new ArrayList<>(lines);
        cut.remove(1);
        Files.write(file, cut);
        CliRun cutRun = CliRun.of("verify", "--jsonl", file.toString());
        assertThat(cutRun.exitCode()).isEqualTo(1);
        assertThat(cutRun.out()).contains("seq " + first + " INVALID (deleted): seq " + first
                + " is missing from the start of the export");
    }

    @Test
    void untilEndsTheRangeAndAnEmptyWindowGivesAnEmptyExport() throws Exception {
        Instant until = START.plusSeconds(120);
        long last = stored.stream().filter(e -> Instant.parse(e.time()).isBefore(until))
                .mapToLong(StoredEvent::seq).max().orElseThrow();

        CliRun run = CliRun.of("--db", db.toString(), "export", "--until", until.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(1 + (int) last);
        assertThat(JSON.readTree(lines.get(lines.size() - 1)).get("seq").asLong()).isEqualTo(last);

        CliRun none = CliRun.of("--db", db.toString(), "export", "--since", "2030-01-01");
        assertThat(none.exitCode()).isZero();
        assertThat(none.out().lines().toList()).hasSize(1);
        assertThat(JSON.readTree(none.out()).get("first_seq").isNull()).isTrue();
    }

    @Test
    void outWritesTheFileOnlyAndStdoutGetsTheSameExport() throws Exception {
        Path file = dir.resolve("out.jsonl");

        CliRun toFile = CliRun.of("--db", db.toString(), "export", "--out", file.toString());
        CliRun toStdout = CliRun.of("--db", db.toString(), "export");

        assertThat(toFile.exitCode()).isZero();
        assertThat(toFile.out()).isEmpty();
        assertThat(toFile.err()).contains("Exported " + stored.size() + " events (seq 1 to " + stored.size());
        assertThat(Files.readAllLines(file).subList(1, 1 + stored.size()))
                .isEqualTo(toStdout.out().lines().skip(1).toList());
        assertThat(Files.getPosixFilePermissions(file).stream().map(Object::toString).collect(Collectors.toSet()))
                .isEqualTo(Set.of("OWNER_READ", "OWNER_WRITE"));
        try (var leftovers = Files.list(dir)) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void missingLogIsExitThreeAndBadDatesAreExitTwo() {
        CliRun missing = CliRun.of("--db", dir.resolve("nope.db").toString(), "export");
        CliRun badDate = CliRun.of("--db", db.toString(), "export", "--since", "last tuesday");
        CliRun backwards = CliRun.of("--db", db.toString(), "export", "--since", "2026-11-02", "--until", "2026-11-01");
        CliRun badFormat = CliRun.of("--db", db.toString(), "export", "--format", "xml");

        assertThat(missing.exitCode()).isEqualTo(3);
        assertThat(missing.err()).contains("no audit log at");
        assertThat(badDate.exitCode()).isEqualTo(2);
        assertThat(badDate.err()).contains("'last tuesday' is not a time");
        assertThat(backwards.exitCode()).isEqualTo(2);
        assertThat(backwards.err()).contains("must be before --until");
        assertThat(badFormat.exitCode()).isEqualTo(2);
        assertThat(missing.out() + badDate.out()).isEmpty();
    }

    @Test
    void aVersion1ExportOfRule1EventsStillVerifiesAndAVersion2LineWithoutItsRuleIsMalformed() throws Exception {
        // What audit-cli 0.1.0 exported: no hash_rule, payload_salt or payload_sha256; every event rule 1.
        List<String> v1 = new ArrayList<>();
        v1.add("{\"export\":\"mcp-audit-proxy events\",\"version\":1,\"log_id\":\"0123456789abcdef0123456789abcdef\","
                + "\"first_seq\":1,\"last_seq\":3,\"since\":null,\"until\":null,\"exported_at\":\"2026-11-02T00:00:00.000Z\"}");
        String prev = dev.mcpaudit.schema.ChainHash.GENESIS;
        for (int seq = 1; seq <= 3; seq++) {
            String eventId = "00000000-0000-4000-8000-00000000000" + seq;
            String time = "2026-11-01T09:00:0" + seq + ".000Z";
            String payload = "{\"n\":" + seq + "}";
            String hash = dev.mcpaudit.schema.ChainHash.next(prev, dev.mcpaudit.schema.ChainHash.canonicalEvent(eventId,
                    "call.requested", time, "s", "c" + seq, payload));
            v1.add(JSON.createObjectNode().put("seq", seq).put("event_id", eventId).put("type", "call.requested")
                    .put("time", time).put("session_id", "s").put("call_id", "c" + seq).put("payload", payload)
                    .put("prev_hash", prev).put("hash", hash).toString());
            prev = hash;
        }
        Path old = dir.resolve("v1.jsonl");
        Files.write(old, v1);

        CliRun oldRun = CliRun.of("verify", "--jsonl", old.toString());

        assertThat(oldRun.exitCode()).as(oldRun.out()).isZero();
        assertThat(oldRun.out()).contains("3 events checked, 0 problems: the export is intact.");

        Path file = export("--out", dir.resolve("all.jsonl").toString());
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        ObjectNode line = (ObjectNode) JSON.readTree(lines.get(5));
        line.remove("hash_rule");
        lines.set(5, line.toString());
        Files.write(file, lines);

        CliRun run = CliRun.of("verify", "--jsonl", file.toString(), "--format", "json");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(JSON.readTree(run.out()).get("problems").toString()).contains("line 6 of the export is not an event")
                .contains("missing hash_rule");
    }

    private Path export(String... args) {
        List<String> all = new ArrayList<>(List.of("--db", db.toString(), "export"));
        all.addAll(List.of(args));
        CliRun run = CliRun.of(all.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        return Path.of(all.get(all.indexOf("--out") + 1));
    }

}
