package dev.mcpaudit.cli.verify;

import dev.mcpaudit.cli.AuditCli;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.AuditLogException;
import dev.mcpaudit.schema.PayloadPurge;
import dev.mcpaudit.schema.PurgeRefusedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "purge",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Removes a value that should never have been recorded from one event.",
            "Such a value is a secret redaction missed, or customer data: the event's",
            "arguments and result, or the values at the given JSON pointers, become",
            "[PURGED:<seq>], and a",
            "payload.purged event records which event, which pointers, why, who and when.",
            "The chain still verifies: `verify` reports each purge as a notice, and any",
            "other change to a payload as a problem. The old bytes are overwritten in",
            "the log file, its WAL and its free pages.",
            "",
            "Only events written under hash rule 2 (by this version, or after",
            "`audit-cli upgrade`) can be purged; those written before keep rule 1,",
            "whose hash covers the payload itself. The log is verified first: a log",
            "that does not verify is not changed. Only the log file's owner may purge",
            "it; root too must run it as the owner (files SQLite creates beside the log",
            "would otherwise belong to root, and the proxy could not write the log)."
        },
        footer = {
            "",
            "Examples:",
            "  audit-cli show 01a21a38-93c0        # find the seq of the event that leaked",
            "  audit-cli purge --seq 1234 --reason \"DB password in a command, INC-42\"",
            "  audit-cli purge --seq 1235 --pointer /result/content/0/text \\",
            "      --pointer /error --reason \"INC-42\"",
            "  audit-cli purge --seq 1234 --reason \"INC-42\" --vacuum",
            "      # finishes a rebuild another process blocked; stop the proxy first",
            "",
            "Pointers are RFC 6901 JSON pointers into the event's payload (see",
            "`audit-cli show CALL_ID --format json`); without --pointer, /args and",
            "/result are purged, whichever the event has. Purging an event again with",
            "pointers already purged changes nothing and finishes an interrupted",
            "clean-up. The payload keeps args_fingerprint and result_sha256, digests of",
            "what was purged: add them as pointers when the value could be guessed.",
            "",
            "Afterwards the log's files are searched for each string removed (8",
            "characters or more): a copy in another event is named (purge that one",
            "too); a copy in space no event uses, left by a writer that did not zero",
            "it, is removed by rebuilding the file (VACUUM).",
            "",
            "Exit codes: 0 purged (or purged already), 1 the log does not verify",
            "(nothing changed) or the value is also in other events (named),",
            "2 refused (no such seq or pointer, an event that cannot be purged, bad",
            "pointer, empty reason), 3 log missing, locked, busy or not yours, or the",
            "old bytes could not be overwritten yet (run the same command again)."
        })
public final class PurgeCommand implements Callable<Integer> {
    /** Who runs this; a test seam, the OS user otherwise. */
    static Supplier<String> currentUser = PurgeCommand::osUser;

    @ParentCommand
    AuditCli parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--seq", required = true, paramLabel = "N", description = "The event to purge (its seq, as `show` lists it).")
    long seq;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why, recorded in the log (an incident id helps).")
    String reason;

    @Option(names = "--pointer", paramLabel = "P", description = "An RFC 6901 pointer to a value to purge, e.g. /args/cli_command; repeatable (default: /args and /result).")
    List<String> pointers = new ArrayList<>();

    @Option(names = "--vacuum", description = "Rebuild the log file afterwards (VACUUM) even when no stale copy is found;"
            + " to finish a purge whose rebuild could not run.")
    boolean vacuum;

    @Override
    public Integer call() throws Exception {
        Path path = parent.dbPath().toAbsolutePath();
        String user = currentUser.get();
        // Before anything opens the file: an open by another user creates -wal/-shm files that user owns.
        requireOwner(path, user);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // A never-written file verifies as an empty log; opening it for the purge refuses it, unchanged.
        try (AuditLog log = AuditLog.openReadOnly(path)) {
            VerifyCommand.Verdict verdict = VerifyCommand.check(log, null, null);
            if (!verdict.intact()) {
                verdict.refuse(err, path, "so nothing was purged: a purge must not hide what happened to it. Find"
                        + " out with `audit-cli verify` first.");
                return ExitCode.FINDING;
            }
        }
        PayloadPurge.Result r;
        try (AuditLog log = AuditLog.openExistingForAppend(path)) {
            r = PayloadPurge.purge(log, new PayloadPurge.Request(seq, pointers, reason, user, vacuum));
        } catch (PurgeRefusedException e) {
            err.println("audit-cli: " + e.getMessage());
            return e.reason() == PurgeRefusedException.Reason.BUSY ? ExitCode.ENVIRONMENT : ExitCode.USAGE;
        }
        String what = "seq " + r.seq() + " (" + r.type() + (r.callId() == null ? "" : ", call " + r.callId()) + ")";
        if (r.purgeSeq() == 0) {
            out.printf("Nothing new to purge: %s of %s %s purged already.%n", String.join(", ", r.alreadyPurged()), what,
                    r.alreadyPurged().size() == 1 ? "was" : "were");
        } else {
            out.printf("Purged %s of %s; recorded as payload.purged at seq %d.%n", String.join(", ", r.purged()), what,
                    r.purgeSeq());
            if (!r.alreadyPurged().isEmpty()) {
                out.printf("%s %s purged already and left as %s.%n", String.join(", ", r.alreadyPurged()),
                        r.alreadyPurged().size() == 1 ? "was" : "were", r.alreadyPurged().size() == 1 ? "it was" : "they were");
            }
        }
        if (r.staleCopies()) {
            err.printf("audit-cli: copies of the old value remain in space of %s that no event uses (left by a writer"
                    + " that did not zero it, such as a proxy of the previous version), and the file could not be"
                    + " rebuilt because another process was using it; stop the proxy, then run the same command with"
                    + " --vacuum.%n", path.getFileName());
            return ExitCode.ENVIRONMENT;
        }
        if (!r.filesClean()) {
            err.printf("audit-cli: another process was reading %s meanwhile, so the old bytes may still be in it and in"
                    + " %s-wal; run the same command again once it is done (or stop the proxy) to overwrite them.%n",
                    path.getFileName(), path.getFileName());
            return ExitCode.ENVIRONMENT;
        }
        if (r.vacuumed()) {
            out.printf("%s was rebuilt (VACUUM)%s.%n", path.getFileName(), vacuum ? ""
                    : ": copies of the old value were left in space no event uses, by a writer that did not zero it");
        }
        out.printf("The old value%s no longer in %s, its WAL or its free pages%s. `audit-cli verify` reports the"
                + " purge as a notice%s.%n", r.purged().size() + r.alreadyPurged().size() == 1 ? " is" : "s are",
                path.getFileName(), r.alsoIn().isEmpty() ? "" : " but for the events below",
                r.callId() == null ? "" : "; `audit-cli show " + r.callId() + "` shows it");
        if (!r.alsoIn().isEmpty()) {
            err.printf("audit-cli: the purged value is also recorded in seq %s, which %s not purged; purge %s too, e.g."
                    + " `audit-cli purge --seq %d --pointer ... --reason ...` (find the pointer with `audit-cli show`).%n",
                    r.alsoIn().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")),
                    r.alsoIn().size() == 1 ? "was" : "were", r.alsoIn().size() == 1 ? "it" : "them", r.alsoIn().get(0));
            return ExitCode.FINDING;
        }
        return ExitCode.OK;
    }

    /**
     * Only the log's owner may purge: the purge is recorded as done by the OS user running it, and SQLite
     * creates the log's -wal and -shm as that user, which would lock the owner's proxy out of a log that
     * root (say) purged.
     */
    private static void requireOwner(Path path, String user) {
        if (!Files.exists(path)) {
            return; // the open says so, in its own words
        }
        String owner;
        try {
            owner = Files.getOwner(path).getName();
        } catch (IOException | UnsupportedOperationException e) {
            throw new AuditLogException(AuditLogException.Reason.UNAVAILABLE, "cannot tell who owns " + path + " (" + e
                    + "); only the log's owner may purge it.");
        }
        if (!owner.equals(user)) {
            throw new AuditLogException(AuditLogException.Reason.UNAVAILABLE, "audit log " + path + " belongs to " + owner
                    + " and you are " + user + "; only its owner may purge it (files SQLite creates beside it would"
                    + " otherwise belong to you, and the proxy could not write the log). Run it as " + owner
                    + ", e.g. `sudo -u " + owner + " audit-cli purge ...`.");
        }
    }

    private static String osUser() {
        return ProcessHandle.current().info().user().orElse(System.getProperty("user.name"));
    }
}
