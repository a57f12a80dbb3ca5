package dev.mcpaudit.schema;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Creates files only their owner may read or write (0600; directories 0700) where POSIX permissions
 * exist, and plain files elsewhere. The log, its keys, and everything written from the log go
 * through here: they hold every recorded call, or the means to forge or test its records. The
 * permissions are set as the file is created, so there is no moment at which others could open it.
 */
public final class OwnerOnlyFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private OwnerOnlyFiles() {}

    /** A new, empty owner-only file; {@link java.nio.file.FileAlreadyExistsException} if {@code file} exists. */
    public static Path createFile(Path file) throws IOException {
        return Files.createFile(file, attributes("rw-------"));
    }

    /** A new, empty owner-only file with a unique name in {@code dir}. */
    public static Path createTempFile(Path dir, String prefix, String suffix) throws IOException {
        return Files.createTempFile(dir, prefix, suffix, attributes("rw-------"));
    }

    /** {@code dir} and any missing parents, those created owner-only. */
    public static Path createDirectories(Path dir) throws IOException {
        return Files.createDirectories(dir, attributes("rwx------"));
    }

    private static FileAttribute<?>[] attributes(String permissions) {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))}
                : new FileAttribute<?>[0];
    }
}
