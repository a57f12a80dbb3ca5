package dev.mcpaudit.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void aTemporaryDirectoryIsRemovedWithWhatTheDemoWroteInIt() throws Exception {
        Path path;
        try (DemoDirectory dir = DemoDirectory.open(null)) {
            path = dir.path();
            Files.createDirectories(path.resolve("aws"));
            Files.writeString(path.resolve("aws/credentials"), "x");
            assertThat(dir.kept()).isFalse();
        }
        assertThat(path).doesNotExist();
    }

    @Test
    void aNewKeepDirectoryIsMadePrivateAndKept() throws Exception {
        Path keep = tmp.resolve("a/b");
        try (DemoDirectory dir = DemoDirectory.open(keep)) {
            Files.writeString(dir.path().resolve("report.html"), "x");
        }
        assertThat(keep.resolve("report.html")).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keep))).isEqualTo("rwx------");
    }

    @Test
    void aKeepDirectoryWithFilesOrAFileIsRefused() throws Exception {
        Files.writeString(tmp.resolve("audit.db"), "theirs");
        assertThatThrownBy(() -> DemoDirectory.open(tmp)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not empty; name a new or empty directory");
        assertThatThrownBy(() -> DemoDirectory.open(tmp.resolve("audit.db"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is a file");
        assertThat(Files.readString(tmp.resolve("audit.db"))).isEqualTo("theirs");
    }
}
