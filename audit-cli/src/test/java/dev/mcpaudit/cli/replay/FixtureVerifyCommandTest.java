package dev.mcpaudit.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpaudit.cli.CliRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FixtureVerifyCommandTest {
    @TempDir
    Path dir;

    Path db;
    Path file;
    SampleSession session;

    @BeforeEach
    void exportTheSession() {
        db = dir.resolve("audit.db");
        session = SampleSession.record(db);
        file = dir.resolve("session.mcpfix.json");
        CliRun export = CliRun.of("fixture", "export", "--session", SampleSession.ID, "--out", file.toString(), "--db", db.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
    }

    @Test
    void aFixtureAsExportedMatchesItsLog() {
        CliRun run = CliRun.of("fixture", "verify", file.toString(), "--db", db.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("Verifying fixture " + file)
                .contains("Results: 7 calls checked, 0 differences: the fixture comes unchanged from the log.");
    }

    @Test
    void aResultEditedByHandIsFoundWithItsSeqAndField() throws Exception {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Files.writeString(file, text.replace("2026-01-01 00:00:00 app-logs", "2026-01-01 00:00:00 other-bucket"),
                StandardCharsets.UTF_8);

        CliRun run = CliRun.of("fixture", "verify", file.toString(), "--db", db.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("seq " + session.ls.request().seq() + " result: the fixture's differs from the log's"
                        + " (first at /content/0/text)")
                .contains("1 difference: the fixture does NOT match the log.");
    }

    @Test
    void aHashOrSeqThatIsNotTheLogsIsADifference() throws Exception {
        long seq = session.terminate.request().seq();
        String text = Files.readString(file, StandardCharsets.UTF_8)
                .replace(session.terminate.request().hash(), "0".repeat(64))
                .replace("\"seq\": " + session.script.request().seq() + ",", "\"seq\": 1,");
        Files.writeString(file, text, StandardCharsets.UTF_8);

        CliRun run = CliRun.of("fixture", "verify", file.toString(), "--db", db.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("seq " + seq + " hash: the fixture has \"" + "0".repeat(64) + "\", the log \""
                        + session.terminate.request().hash() + "\".")
                .contains("seq 1 seq: the log's event at this seq is a session.started, not a call.requested or call.rejected.")
                .contains("seq " + session.script.request().seq() + " calls: the log has this call")
                .contains("3 differences");
    }

    @Test
    void aFixtureFromAnotherLogIsNamedAsSuch() {
        Path other = dir.resolve("other.db");
        SampleSession.record(other);

        CliRun run = CliRun.of("fixture", "verify", file.toString(), "--db", other.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("source.log_id: the fixture comes from log").contains("pass --db with the log it was exported from");
    }

    @Test
    void anUnreadableFixtureIsAnEnvironmentError() throws Exception {
        CliRun missing = CliRun.of("fixture", "verify", dir.resolve("none.json").toString(), "--db", db.toString());
        assertThat(missing.exitCode()).isEqualTo(3);
        assertThat(missing.err()).contains("no fixture at");

        Path notJson = dir.resolve("bad.json");
        Files.writeString(notJson, "{not json");
        CliRun bad = CliRun.of("fixture", "verify", notJson.toString(), "--db", db.toString());
        assertThat(bad.exitCode()).isEqualTo(3);
        assertThat(bad.err()).contains("is not JSON");

        CliRun noLog = CliRun.of("fixture", "verify", file.toString(), "--db", dir.resolve("missing.db").toString());
        assertThat(noLog.exitCode()).isEqualTo(3);
    }
}
