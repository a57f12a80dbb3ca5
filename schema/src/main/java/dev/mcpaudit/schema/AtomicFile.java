package dev.mcpaudit.schema;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A file written in full beside its target, owner-only ({@link OwnerOnlyFiles}: what is written comes
 * from the audit log), and put in place by one rename once complete. A reader never sees half a file,
 * and a writer that fails before {@link #commit()} leaves the target as it was and nothing beside it.
 */
public final class AtomicFile implements AutoCloseable {
    private final Path target;
    private final Path tmp;
    private boolean committed;

    private AtomicFile(Path target, Path tmp) {
        this.target = target;
        this.tmp = tmp;
    }

    /** A new, empty temporary file in {@code target}'s directory. */
    public static AtomicFile beside(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (!Files.isDirectory(dir)) {
            throw new IOException("cannot write " + target + ": directory " + dir + " does not exist.");
        }
        return new AtomicFile(absolute, OwnerOnlyFiles.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp"));
    }

    /** Replaces {@code target} with {@code content} (UTF-8) in one step. */
    public static void write(Path target, String content) throws IOException {
        try (AtomicFile file = beside(target)) {
            Files.writeString(file.path(), content, StandardCharsets.UTF_8);
            file.commit();
        }
    }

    /** Where to write the content. */
    public Path path() {
        return tmp;
    }

    /** Puts the written file in place of the target, replacing it. */
    public void commit() throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
    }

    /**
     * Puts the written file at the target only if nothing is there: never replaces a file, even one
     * that appeared while this was being written.
     *
     * @throws java.nio.file.FileAlreadyExistsException if the target exists; the temporary file is kept until {@link #close()}
     */
    public void commitNew() throws IOException {
        boolean linked;
        try {
            // A hard link is created atomically and fails if the name is taken.
            Files.createLink(target, tmp);
            linked = true;
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | FileSystemException e) {
            linked = false; // no hard links here
        }
        if (linked) {
            Files.delete(tmp);
        } else {
            Files.move(tmp, target); // without REPLACE_EXISTING: refuses an existing target
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
