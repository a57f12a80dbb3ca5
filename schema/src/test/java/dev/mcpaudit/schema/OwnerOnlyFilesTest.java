package dev.mcpaudit.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written from the log are the owner's alone, and a replaced file is never seen half-written. */
class OwnerOnlyFilesTest {
    @TempDir
    Path dir;

    @Test
    void newFilesAndDirectoriesAreTheOwnersAlone() throws IOException {
        Path sub = OwnerOnlyFiles.createDirectories(dir.resolve("a/b"));
        Path file = OwnerOnlyFiles.createFile(sub.resolve("key"));

        assertThat(perms(dir.resolve("a"))).isEqualTo("rwx------");
        assertThat(perms(sub)).isEqualTo("rwx------");
        assertThat(perms(file)).isEqualTo("rw-------");
        assertThat(perms(OwnerOnlyFiles.createTempFile(sub, ".x", ".tmp"))).isEqualTo("rw-------");
    }

    @Test
    void anExistingFileIsNeverReplacedByCreate() throws IOException {
        Path file = Files.writeString(dir.resolve("key"), "old");

        assertThatThrownBy(() -> OwnerOnlyFiles.createFile(file)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(file)).isEqualTo("old");
    }

    @Test
    void anAtomicWriteReplacesTheTargetWithAnOwnerOnlyFile() throws IOException {
        Path target = Files.writeString(dir.resolve("report.md"), "old");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));

        AtomicFile.write(target, "new ✓");

        assertThat(Files.readString(target)).isEqualTo("new ✓");
        assertThat(perms(target)).isEqualTo("rw-------");
        assertThat(filesIn(dir)).containsExactly("report.md");
    }

    @Test
    void anUncommittedWriteLeavesTheTargetAsItWasAndNothingBesideIt() throws IOException {
        Path target = Files.writeString(dir.resolve("export.jsonl"), "old");

        try (AtomicFile file = AtomicFile.beside(target)) {
            Files.writeString(file.path(), "half");
        }

        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(filesIn(dir)).containsExactly("export.jsonl");
    }

    @Test
    void aMissingDirectoryIsSaidPlainly() {
        assertThatThrownBy(() -> AtomicFile.beside(dir.resolve("no/such/out.md")))
                .isInstanceOf(IOException.class).hasMessageContaining("does not exist");
    }

    private static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static String[] filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }
}
