package dev.mcpaudit.schema.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpaudit.schema.AuditLogException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FingerprintKeyTest {
    @TempDir
    Path dir;

    @Test
    void theKeyIsCreatedBesideTheDatabaseOwnerOnlyAndReusedLater() throws Exception {
        Path db = dir.resolve("audit.db");

        FingerprintKey first = FingerprintKey.loadOrCreate(db);
        FingerprintKey again = FingerprintKey.loadOrCreate(db);

        Path file = dir.resolve("audit.db.fingerprint-key");
        assertThat(first.file()).contains(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(again.fingerprint("hunter2")).isEqualTo(first.fingerprint("hunter2"));
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file); // no temp files left behind
        }
    }

    @Test
    void equalSecretsCorrelateDifferentOnesDoNotAndOtherLogsCannotCompare() {
        FingerprintKey key = FingerprintKey.loadOrCreate(dir.resolve("a.db"));
        FingerprintKey otherLog = FingerprintKey.loadOrCreate(dir.resolve("b.db"));

        assertThat(key.fingerprint("hunter2")).isEqualTo(key.fingerprint("hunter2")).hasSize(12).matches("[0-9a-f]{12}");
        assertThat(key.fingerprint("hunter3")).isNotEqualTo(key.fingerprint("hunter2"));
        assertThat(otherLog.fingerprint("hunter2")).isNotEqualTo(key.fingerprint("hunter2"));
    }

    @Test
    void processesCreatingTheKeyAtOnceAgreeOnOne() throws Exception {
        Path db = dir.resolve("audit.db");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Callable<String> create = () -> FingerprintKey.loadOrCreate(db).fingerprint("same");
                results.add(pool.submit(create));
            }
            String expected = results.get(0).get();
            for (Future<String> f : results) {
                assertThat(f.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDamagedKeyFileIsAnErrorAndIsNeverReplaced() throws Exception {
        Path db = dir.resolve("audit.db");
        Path file = FingerprintKey.fileFor(db);
        Files.writeString(file, "not base64 at all!\n");

        assertThatThrownBy(() -> FingerprintKey.loadOrCreate(db))
                .isInstanceOf(AuditLogException.class)
                .hasMessageContaining(file + " cannot be used (it is not base64)")
                .hasMessageContaining("restore it from backup");
        assertThat(Files.readString(file)).isEqualTo("not base64 at all!\n");
    }

    @Test
    void aKeyOfTheWrongLengthIsAnError() throws Exception {
        Path db = dir.resolve("audit.db");
        Files.writeString(FingerprintKey.fileFor(db), "AAAA\n");

        assertThatThrownBy(() -> FingerprintKey.loadIfPresent(db))
                .isInstanceOf(AuditLogException.class)
                .hasMessageContaining("holds 3 bytes instead of 32");
    }
}
