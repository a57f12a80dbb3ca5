package dev.mcpaudit.cli.verify;

import dev.mcpaudit.cli.AuditCli;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.AuditLogException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
        name = "upgrade",
        mixinStandardHelpOptions = true,
        description = "Upgrades a log written by an older version to this version's schema, in place; events are kept.",
        footer = {"", "Example:", "  audit-cli --db ~/old-audit.db upgrade"})
public final class UpgradeCommand implements Callable<Integer> {

    @ParentCommand
    AuditCli parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path path = parent.dbPath();
        // Read first: a log at the current schema, a never-written file or anything not ours is never
        // opened for writing.
        try (AuditLog log = parent.openWrittenForReading()) {
            spec.commandLine().getOut().printf("Audit log %s (log %s) is at the current schema; nothing to do.%n",
                    log.path(), log.logId());
            return ExitCode.OK;
        } catch (AuditLogException e) {
            if (e.reason() != AuditLogException.Reason.OLDER_SCHEMA) {
                throw e;
            }
        }
        try (AuditLog log = AuditLog.openExistingForAppend(path)) {
            spec.commandLine().getOut().printf("Upgraded audit log %s (log %s) to the current schema; its events are"
                    + " kept. Events appended from now on use hash rule 2 and can be purged (`audit-cli purge`);"
                    + " those written before keep rule 1 and verify as before.%n", log.path(), log.logId());
        }
        return ExitCode.OK;
    }
}
