package dev.mcpaudit.cli.verify;

import dev.mcpaudit.cli.AuditCli;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.schema.AtomicFile;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.LogBackup;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        description = {
            "Writes a verified single-file copy of the log, WAL included, to OUT.",
            "The copy is consistent while a proxy may still be appending; its chain is then verified and",
            "its seq range and head hash printed.",
            "Copying audit.db alone is not a backup: the newest events sit in audit.db-wal, and a copy without",
            "it lacks them yet still verifies."
        },
        footer = {
            "",
            "OUT must not exist; it is written owner-only (0600) beside its final name and put in place whole.",
            "",
            "Examples:",
            "  audit-cli backup ~/evidence/audit-2026-12-05.db",
            "  audit-cli --db /srv/agents/audit.db backup /mnt/archive/audit.db",
            "",
            "Exit codes: 0 copy written and intact, 1 copy written but its chain does not verify (as the log's",
            "does not; `audit-cli verify` says why), 2 usage error (OUT exists), 3 log missing, locked, not an",
            "audit log, or OUT cannot be written."
        })
public final class BackupCommand implements Callable<Integer> {
    @ParentCommand
    AuditCli parent;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OUT", description = "The file to write; must not exist.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            throw refusal();
        }
        Path written;
        try (AuditLog log = parent.openWrittenForReading(); AtomicFile file = AtomicFile.beside(out)) {
            LogBackup.copy(log, file.path());
            try {
                file.commitNew();
            } catch (FileAlreadyExistsException e) {
                throw refusal();
            }
            written = out.toAbsolutePath();
        }
        VerifyCommand.Verdict verdict;
        try (AuditLog copy = AuditLog.openReadOnly(written)) {
            verdict = VerifyCommand.check(copy, null, null);
        }
        PrintWriter w = spec.commandLine().getOut();
        var r = verdict.report();
        w.printf("Backed up %s to %s: %d events, seq %d to %d (%s to %s), head hash %s%n", parent.dbPath(), written,
                r.eventsChecked(), r.firstSeq(), r.lastSeq(), r.firstTime(), r.lastTime(), headHash(written));
        if (verdict.intact()) {
            w.println("The copy verifies: its chain is intact.");
            w.flush();
            return ExitCode.OK;
        }
        w.flush();
        verdict.refuse(spec.commandLine().getErr(), written, "as the log it was copied from does not; the copy is"
                + " kept as evidence of that state. `audit-cli verify` on the log says the same.");
        return ExitCode.FINDING;
    }

    private ParameterException refusal() {
        return new ParameterException(spec.commandLine(), out + " exists; backup never replaces a file. Choose a new"
                + " name, or move the old copy away first.");
    }

    private static String headHash(Path copy) {
        try (AuditLog log = AuditLog.openReadOnly(copy)) {
            return log.head().map(h -> h.hash()).orElse("(no events)");
        }
    }
}
