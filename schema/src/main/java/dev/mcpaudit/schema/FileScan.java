package dev.mcpaudit.schema;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Byte-for-byte search of whole files, whatever SQLite thinks they hold (free pages and unused space
 * included): what proves a purged value is gone.
 */
final class FileScan {
    private static final int CHUNK = 1 << 20;

    private FileScan() {}

    /** Which of {@code strings} (as UTF-8) occur anywhere in {@code files}; files that do not exist hold none. */
    static List<String> find(List<Path> files, List<String> strings) throws IOException {
        if (strings.isEmpty()) {
            return List.of();
        }
        List<byte[]> needles = new ArrayList<>();
        int longest = 0;
        for (String s : strings) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            needles.add(b);
            longest = Math.max(longest, b.length);
        }
        Set<String> found = new LinkedHashSet<>();
        byte[] buf = new byte[CHUNK + longest];
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                int carried = 0;
                while (true) {
                    int n = in.readNBytes(buf, carried, CHUNK);
                    int len = carried + n;
                    for (int i = 0; i < needles.size(); i++) {
                        if (!found.contains(strings.get(i)) && indexOf(buf, len, needles.get(i)) >= 0) {
                            found.add(strings.get(i));
                        }
                    }
                    if (n < CHUNK || found.size() == strings.size()) {
                        break;
                    }
                    // Keep the tail, so that a string split between two chunks is still seen whole.
                    carried = Math.min(longest - 1, len);
                    System.arraycopy(buf, len - carried, buf, 0, carried);
                }
            } catch (NoSuchFileException e) {
                // No WAL (or no file): nothing in it.
            }
        }
        return List.copyOf(found);
    }

    private static int indexOf(byte[] hay, int len, byte[] needle) {
        byte first = needle[0];
        int last = len - needle.length;
        outer:
        for (int i = 0; i <= last; i++) {
            if (hay[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
