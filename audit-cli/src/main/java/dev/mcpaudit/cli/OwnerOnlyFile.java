package dev.mcpaudit.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * An output file written in full beside its target, readable by its owner only (0600 where POSIX
 * permissions exist: what is written comes from the audit log), and put in place by one rename once
 * complete. A reader never sees half a file, and a command that fails before {@link #commit()} leaves
 * the target as it was and nothing beside it. {@code export --out}, {@code report --out} and
 * {@code checkpoint --out} write through it.
 */
final class OwnerOnlyFile implements AutoCloseable {
    private final Path target;
    private final Path tmp;
    private boolean committed;

    private OwnerOnlyFile(Path target, Path tmp) {
        this.target = target;
        this.tmp = tmp;
    }

    /** A new, empty temporary file in {@code target}'s directory. */
    static OwnerOnlyFile beside(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (!Files.isDirectory(dir)) {
            throw new IOException("cannot write " + target + ": directory " + dir + " does not exist.");
        }
        String prefix = "." + absolute.getFileName() + ".";
        Path tmp = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? Files.createTempFile(dir, prefix, ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, prefix, ".tmp");
        return new OwnerOnlyFile(absolute, tmp);
    }

    /** Where to write the content. */
    Path path() {
        return tmp;
    }

    /** Puts the written file in place of the target, replacing it. */
    void commit() throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
    }

    /** Removes the temporary file unless it was committed. */
    @Override
    public void close() throws IOException {
        if (!committed) {
            Files.deleteIfExists(tmp);
        }
    }
}
