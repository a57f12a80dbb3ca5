package dev.mcpaudit.cli.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.ChainVerifier;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import dev.mcpaudit.schema.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** backup: a single-file copy of a live log, WAL included, verified after writing. */
class BackupCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-12-05T14:00:00Z");

    @TempDir
    Path dir;

    private static void appendSessions(AuditLog log, String session, int events) {
        var a = log.appender();
        for (int i = 0; i < events; i++) {
            a.append(new NewEvent(EventType.SESSION_STARTED, T0.plusSeconds(i), session + "-" + i, null,
                    JSON.createObjectNode().put("host", "laptop")));
        }
    }

    private static long eventsIn(Path db) {
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            VerificationReport r = ChainVerifier.verify(log);
            assertThat(r.intact()).as("a copy verifies whether or not it is complete").isTrue();
            return r.eventsChecked();
        }
    }

    @Test
    void aPlainFileCopyMissesTheEventsStillInTheWalAndBackupHasThemAndVerifies() throws Exception {
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            appendSessions(log, "old", 3);
        } // closed: these three are checkpointed into audit.db
        try (AuditLog live = AuditLog.openForAppend(db);
                Connection holder = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement st = holder.createStatement()) {
            // A proxy still running: its newest events stay in audit.db-wal, nothing checkpoints them.
            st.execute("PRAGMA wal_autocheckpoint = 0");
            appendSessions(live, "new", 4);
            assertThat(Files.size(dir.resolve("audit.db-wal"))).isPositive();

            Path plainCopy = Files.copy(db, dir.resolve("plain-copy.db"));
            Path backup = dir.resolve("backup.db");
            CliRun run = CliRun.of("--db", db.toString(), "backup", backup.toString());

            assertThat(eventsIn(plainCopy)).isEqualTo(3);
            assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.OK);
            assertThat(eventsIn(backup)).isEqualTo(7);
            String head = live.head().orElseThrow().hash();
            assertThat(run.out()).contains("7 events, seq 1 to 7", "head hash " + head, "The copy verifies");
            assertThat(Files.getPosixFilePermissions(backup)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(dir.resolve("backup.db-wal")).doesNotExist();
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
            }
        }
    }

    @Test
    void anExistingOutIsNeverReplaced() throws Exception {
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            appendSessions(log, "s", 2);
        }
        Path out = Files.writeString(dir.resolve("precious.db"), "keep me");

        CliRun run = CliRun.of("--db", db.toString(), "backup", out.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains(out + " exists", "never replaces");
        assertThat(Files.readString(out)).isEqualTo("keep me");
    }

    @Test
    void aMissingLogOrDirectoryIsAnEnvironmentError() throws Exception {
        CliRun noLog = CliRun.of("--db", dir.resolve("none.db").toString(), "backup", dir.resolve("b.db").toString());
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            appendSessions(log, "s", 1);
        }
        CliRun noDir = CliRun.of("--db", db.toString(), "backup", dir.resolve("missing/b.db").toString());

        assertThat(noLog.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
        assertThat(noLog.err()).contains("no audit log");
        assertThat(noDir.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
        assertThat(noDir.err()).contains("does not exist");
    }
}
