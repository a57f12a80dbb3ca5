package dev.mcpaudit.cli.replay;

import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.schema.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes a fixture's WireMock stub files ({@link WireMockStubs}) into a directory, owner-only like
 * every file written from the log. The files are written into a new directory beside it and that is
 * renamed into place once complete, so WireMock never loads half an export. The directory must not
 * exist yet, or be empty: mappings left from another export would be served too.
 */
public final class WireMockExport {
    /** What was written: how many mappings, the path the stubs answer on, and calls left without a stub. */
    public record Written(int mappings, String urlPath, List<String> skipped) {}

    private WireMockExport() {}

    /**
     * Writes the stubs of {@code fixture} into {@code dir}.
     *
     * @throws IllegalArgumentException {@code dir} is a file, or a directory that is not empty
     * @throws IOException its parent does not exist, or a file cannot be written
     */
    public static Written write(Fixture fixture, Path dir) throws IOException {
        Path target = checkTarget(dir);
        WireMockStubs.Rendered rendered = WireMockStubs.render(fixture);
        Path staging = target.getParent().resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        OwnerOnlyFiles.createDirectories(staging);
        try {
            for (Map.Entry<String, String> file : rendered.files().entrySet()) {
                Path path = staging.resolve(file.getKey());
                OwnerOnlyFiles.createDirectories(path.getParent());
                Files.writeString(OwnerOnlyFiles.createFile(path), file.getValue(), StandardCharsets.UTF_8);
            }
            Files.deleteIfExists(target); // only ever an empty directory, checked above
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, target);
            }
        } finally {
            deleteTree(staging);
        }
        return new Written(rendered.mappings(), rendered.urlPath(), rendered.skipped());
    }

    /**
     * The absolute directory to write, checked before anything is exported: it must not be a file nor a
     * directory with anything in it, and its parent must exist.
     *
     * @throws IllegalArgumentException {@code dir} is a file, or a directory that is not empty
     * @throws IOException its parent does not exist
     */
    public static Path checkTarget(Path dir) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new IllegalArgumentException("--out " + dir + " is a file; --format wiremock writes a directory of"
                    + " stub files: give a directory that does not exist yet, or an empty one.");
        }
        if (Files.isDirectory(target) && !isEmpty(target)) {
            throw new IllegalArgumentException("--out " + dir + " is not empty; give a new directory, or empty it first"
                    + " (WireMock would serve the mappings already there too).");
        }
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IOException("cannot write " + dir + ": directory " + parent + " does not exist.");
        }
        return target;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /** Removes what is left of the staging directory after a failure (nothing once it was moved). */
    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
