package dev.mcpaudit.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixtures committed in src-test-fixtures are what the proxy records today: each session is
 * recorded again with the real proxy against the fake backend, exported, and compared with the
 * committed file by {@code audit-cli diff}, which must find nothing beyond volatile fields (ids,
 * times, hashes of the chain). {@code -Dfixtures.regenerate=true} writes the new files instead.
 */
class CommittedFixturesIT {
    static final Path COMMITTED = Path.of("..", "src-test-fixtures", "src", "main", "resources", "fixtures");

    @TempDir
    Path dir;

    @Test
    void theCrossAccountInvestigationIsRecordedAsCommitted() throws Exception {
        check("cross-account-investigation", sessions -> sessions.crossAccountInvestigation());
    }

    @Test
    void theDeniedErrorTimeoutAndSecretSessionIsRecordedAsCommitted() throws Exception {
        check("denied-error-timeout-secret", sessions -> sessions.deniedErrorTimeoutSecret());
    }

    @Test
    void theDemoSeedSessionIsRecordedAsCommitted() throws Exception {
        check("demo", sessions -> sessions.demo());
    }

    private interface Scenario {
        void record(RecordedSessions sessions) throws Exception;
    }

    private void check(String name, Scenario scenario) throws Exception {
        Path db = dir.resolve("audit.db");
        Path fresh = dir.resolve(name + ".mcpfix.json");
        Map<String, String> env;
        try (RecordedSessions sessions = new RecordedSessions(dir, db)) {
            scenario.record(sessions);
            env = sessions.env();
        }
        AuditCliProcess.Result exported = AuditCliProcess.run(env, "fixture", "export", "--db", db.toString(), "--session",
                RecordedSessions.lastSessionId(db), "--out", fresh.toString());
        Path committed = COMMITTED.resolve(name + ".mcpfix.json");
        assertThat(exported.exit()).as("%s", exported).isZero();
        if (Boolean.getBoolean("fixtures.regenerate")) {
            Files.createDirectories(COMMITTED);
            Files.copy(fresh, committed, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        assertThat(committed).as("run with -Dfixtures.regenerate=true to make it").exists();
        AuditCliProcess.Result diff = AuditCliProcess.run(env, "diff", committed.toString(), fresh.toString(), "--all");
        assertThat(diff.exit()).as("%s", diff).isZero();
    }
}
