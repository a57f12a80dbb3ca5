package dev.mcpaudit.cli;

import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.AuditLogException;
import java.nio.file.Files;
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
final class UpgradeCommand implements Callable<Integer> {

    @ParentCommand
    AuditCli parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path path = parent.dbPath();
        if (!Files.exists(path)) {
            throw new AuditLogException(AuditLogException.Reason.MISSING, "no audit log at " + path
                    + "; nothing to upgrade. Pass --db with the right path.");
        }
        try (AuditLog log = AuditLog.openForAppend(path)) {
            spec.commandLine().getOut().printf("Audit log %s (log %s) is at the current schema.%n", log.path(), log.logId());
        }
        return ExitCode.OK;
    }
}
