package dev.mcpaudit.cli.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/**
 * Where the demo writes its profiles, log and report: a new temporary directory, removed at the
 * end, or the directory given with {@code --keep}, which must be new or empty (the demo never mixes
 * its log into files that were there before) and is left in place.
 */
final class DemoDirectory implements AutoCloseable {
    private final Path path;
    private final boolean kept;

    private DemoDirectory(Path path, boolean kept) {
        this.path = path;
        this.kept = kept;
    }

    /** @param keep the {@code --keep} directory, or null for a temporary one */
    static DemoDirectory open(Path keep) throws IOException {
        if (keep == null) {
            return new DemoDirectory(Files.createTempDirectory("mcp-audit-demo-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))), false);
        }
        Path dir = keep.toAbsolutePath().normalize();
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("--keep " + keep + " is a file; name a new or empty directory.");
            }
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("--keep " + keep + " is not empty; name a new or empty directory,"
                            + " so the demo's log is not mixed with files already there.");
                }
            }
        } else {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return new DemoDirectory(dir, true);
    }

    Path path() {
        return path;
    }

    boolean kept() {
        return kept;
    }

    /** Removes a temporary directory and everything in it; a kept one stays. */
    @Override
    public void close() {
        if (kept || !Files.exists(path)) {
            return;
        }
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("the demo's temporary directory " + path + " could not be removed: " + e.getMessage()
                    + "; delete it by hand.", e);
        }
    }
}
