package dev.mcpaudit.cli.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.fixtures.SyntheticCalls;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.ChainVerifier;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import dev.mcpaudit.schema.VerificationReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The purge round trip with the packaged jar, while a writer (as the proxy does, through the same
 * appender) still has the log open in another process: leak → purge → verify passes with a notice →
 * a byte scan of the log's files finds the leaked value nowhere → the writer goes on appending.
 */
class PurgeRoundTripIT {
    private static final Path JAR = Path.of("target", "audit-cli.jar");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void leakPurgeVerifyByteScanWhileTheProxyKeepsWriting() throws Exception {
        Path db = dir.resolve("audit.db");
        String leak = "Orchid-Basement-7731-" + Long.toHexString(System.nanoTime());
        try (AuditLog proxy = AuditLog.openForAppend(db)) {
            SyntheticCalls.fill(proxy, 50, 5, Instant.parse("2026-11-01T09:00:00Z"));
            ObjectNode completed = JSON.createObjectNode().put("outcome", "ok").put("duration_ms", 80);
            completed.putObject("result").putArray("content").addObject().put("type", "text")
                    .put("text", "{\"Parameter\":{\"Name\":\"/app/db\",\"Value\":\"" + leak + "\"}}");
            long seq = proxy.appender().append(NewEvent.now(EventType.CALL_COMPLETED, "s-live", "c-leak", completed)).seq();
            assertThat(filesHolding(db, leak)).as("the leak is on disk (in the WAL: the proxy has not checkpointed)")
                    .contains("audit.db-wal");

            Result purge = run("--db", db.toString(), "purge", "--seq", Long.toString(seq), "--reason",
                    "SSM parameter value in a result, INC-7");
            Result verify = run("--db", db.toString(), "verify", "--format", "json");

            assertThat(purge.code).as(purge.err).isZero();
            assertThat(purge.out).contains("Purged /result of seq " + seq);
            assertThat(verify.code).as(verify.out + verify.err).isZero();
            JsonNode report = JSON.readTree(verify.out);
            assertThat(report.get("intact").asBoolean()).isTrue();
            assertThat(report.get("notices")).hasSize(1);
            assertThat(report.get("notices").get(0).get("seq").asLong()).isEqualTo(seq);
            assertThat(report.get("notices").get(0).get("reason").asText()).isEqualTo("SSM parameter value in a result, INC-7");
            assertThat(filesHolding(db, leak)).as("after the purge: audit.db, -wal, -shm").isEmpty();

            // The proxy goes on writing on its own connection.
            proxy.appender().append(NewEvent.now(EventType.SESSION_ENDED, "s-live", null, JSON.createObjectNode()));
        }
        VerificationReport after = ChainVerifier.verify(AuditLog.openReadOnly(db));
        assertThat(after.problems()).isEmpty();
        assertThat(after.purges()).hasSize(1);
        assertThat(filesHolding(db, leak)).isEmpty();
    }

    private static List<String> filesHolding(Path db, String value) throws Exception {
        List<String> out = new ArrayList<>();
        for (Path f : List.of(db, Path.of(db + "-wal"), Path.of(db + "-shm"))) {
            if (Files.exists(f) && new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(value)) {
                out.add(f.getFileName().toString());
            }
        }
        return out;
    }

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err);
    }
}
