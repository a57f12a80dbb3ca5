package dev.mcpaudit.schema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The log and its WAL hold every recorded call, so the proxy creates them 0600. A file that group or
 * others may read or write (made by hand, copied, or created under another umask by an older version)
 * is worth a warning, from the proxy when it opens the log and from {@code verify}; it is not a
 * finding, since a team may share a log with its reviewers on purpose.
 */
public final class LogPermissions {
    private LogPermissions() {}

    /** One sentence per file of the log that is open to group or others; none where POSIX permissions do not exist. */
    public static List<String> warnings(Path db) {
        List<String> out = new ArrayList<>();
        for (Path p : List.of(db, Path.of(db + "-wal"))) {
            Set<PosixFilePermission> perms;
            try {
                perms = Files.getPosixFilePermissions(p);
            } catch (UnsupportedOperationException | IOException e) {
                continue; // no such file, or a file system without POSIX permissions
            }
            boolean group = perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.GROUP_WRITE);
            boolean others = perms.contains(PosixFilePermission.OTHERS_READ)
                    || perms.contains(PosixFilePermission.OTHERS_WRITE);
            String access = access(perms.contains(PosixFilePermission.GROUP_READ)
                    || perms.contains(PosixFilePermission.OTHERS_READ), perms.contains(PosixFilePermission.GROUP_WRITE)
                    || perms.contains(PosixFilePermission.OTHERS_WRITE));
            if (access == null) {
                continue;
            }
            String who = group && others ? "its group and others" : group ? "its group" : "others";
            out.add(p + " can be " + access + " by " + who + " (" + PosixFilePermissions.toString(perms) + ") although it"
                    + " holds every recorded call; run `chmod 600 " + p + "` unless that is meant.");
        }
        return out;
    }

    private static String access(boolean read, boolean write) {
        return read && write ? "read and written" : read ? "read" : write ? "written" : null;
    }
}
