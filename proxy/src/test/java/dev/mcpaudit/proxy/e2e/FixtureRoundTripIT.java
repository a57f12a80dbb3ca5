package dev.mcpaudit.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's whole route with both jars as this build made them: the real proxy records a session
 * against the fake AWS MCP Server; {@code audit-cli fixture export} makes it a fixture; {@code audit-cli
 * mock} serves it; {@code audit-cli replay} drives the proxy against the mock, ten times, each with a
 * fresh mock, and finds no drift with identical reports; {@code audit-cli diff} of the source session
 * and a replayed one shows no difference beyond volatile fields.
 */
class FixtureRoundTripIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RUNS = 10;

    @TempDir
    Path dir;

    @Test
    void recordExportMockReplayTenTimesWithoutDriftAndDiffShowsOnlyVolatileDifferences() throws Exception {
        Path db = dir.resolve("audit.db");
        Path fixture = dir.resolve("investigation.mcpfix.json");
        Map<String, String> env;
        String source;
        try (RecordedSessions sessions = new RecordedSessions(dir, db)) {
            sessions.crossAccountInvestigation();
            env = sessions.env();
            source = RecordedSessions.lastSessionId(db);
        }
        AuditCliProcess.Result export = AuditCliProcess.run(env, "fixture", "export", "--db", db.toString(), "--session", source, "--out",
                fixture.toString());
        assertThat(export.exit()).as("%s", export).isZero();

        Set<String> reports = new HashSet<>();
        for (int run = 0; run < RUNS; run++) {
            Process mock = AuditCliProcess.start(env, dir.resolve("mock-" + run + ".stderr"), "mock", fixture.toString(), "--profile-key",
                    "dev=" + RecordedSessions.DEV.accessKeyId(), "--profile-key", "prod=" + RecordedSessions.PROD.accessKeyId());
            try {
                String first = new BufferedReader(new InputStreamReader(mock.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                assertThat(first).startsWith("listening on http://127.0.0.1:").endsWith("/mcp");
                String url = first.substring("listening on ".length());
                AuditCliProcess.Result replay = AuditCliProcess.run(env, "replay", fixture.toString(), "--endpoint", url, "--proxy-jar",
                        ProxyProcess.JAR.toString(), "--db", db.toString(), "--format", "json");
                assertThat(replay.exit()).as("run %d: %s", run, replay).isZero();
                JsonNode report = JSON.readTree(replay.output());
                assertThat(report.toString()).doesNotContain("CHANGED", "OUTCOME", "MISSING", "HASH-ONLY");
                assertThat(report.path("catalogue").findValuesAsText("status")).as("run %d: the mock serves the recorded catalogue", run)
                        .isNotEmpty().containsOnly("same");
                reports.add(report.get("calls").toString());
            } finally {
                mock.getOutputStream().close(); // stdin EOF stops the mock
                if (!mock.waitFor(10, TimeUnit.SECONDS)) {
                    mock.destroyForcibly();
                }
            }
        }
        assertThat(reports).as("the ten replay reports, call by call").hasSize(1);

        String replayed = RecordedSessions.lastSessionId(db);
        assertThat(replayed).isNotEqualTo(source);
        AuditCliProcess.Result diff = AuditCliProcess.run(env, "diff", source, replayed, "--db", db.toString());
        assertThat(diff.exit()).as("%s", diff).isZero();
    }
}
