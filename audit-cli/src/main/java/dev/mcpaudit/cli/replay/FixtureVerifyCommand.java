package dev.mcpaudit.cli.replay;

import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.schema.AuditLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Checks that a fixture comes unchanged from the audit log.",
            "It checks the log id, that the hash chain verifies, that every call's seq and",
            "hash (and completed_seq and completed_hash) name that session's events in the",
            "log, and that each call's profile, method, tool or target, arguments, outcome,",
            "error, result, result_sha256 and duration equal what those events hold. Each",
            "difference is listed with the call's seq and the field. Not compared: what",
            "export derives rather than reads (writes, writes_reason, redaction_rules),",
            "exported_at and exported_by, and the volatile rules (yours to edit)."
        },
        footer = {
            "",
            "Examples:",
            "  audit-cli fixture verify tests/prod-listing.mcpfix.json",
            "  audit-cli fixture verify prod-listing.mcpfix.json --db /backups/audit.db",
            "",
            "Exit codes: 0 the fixture matches the log, 1 differences found (listed),",
            "2 usage error, 3 the log or FILE cannot be read (missing, not JSON, not an",
            "mcp-audit-fixture/1 document)."
        })
public final class FixtureVerifyCommand implements Callable<Integer> {
    @ParentCommand
    FixtureCommand fixture;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The fixture to check (written by `audit-cli fixture export`).")
    Path file;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Fixture read;
        try {
            read = Fixture.read(file);
        } catch (NoSuchFileException e) {
            err.println("audit-cli: no fixture at " + file + "; give the path of a file `audit-cli fixture export` wrote.");
            return ExitCode.ENVIRONMENT;
        } catch (IOException e) {
            err.println("audit-cli: cannot read " + file + ": " + e.getMessage());
            return ExitCode.ENVIRONMENT;
        } catch (IllegalArgumentException e) {
            err.println("audit-cli: " + e.getMessage());
            return ExitCode.ENVIRONMENT;
        }
        FixtureVerifier.Verdict verdict;
        Path logPath;
        try (AuditLog log = fixture.auditCli().openForReading(spec)) {
            logPath = log.path();
            verdict = FixtureVerifier.verify(read, log);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Verifying fixture %s against audit log %s (log %s), session %s%n", file, logPath, verdict.logId(),
                read.source().sessionId());
        verdict.differences().forEach(d -> out.println(d.line()));
        int n = verdict.differences().size();
        if (verdict.matches()) {
            out.printf("Results: %d call%s checked, 0 differences: the fixture comes unchanged from the log.%n",
                    verdict.callsChecked(), verdict.callsChecked() == 1 ? "" : "s");
        } else {
            out.printf("Results: %d call%s checked, %d difference%s: the fixture does NOT match the log.%n",
                    verdict.callsChecked(), verdict.callsChecked() == 1 ? "" : "s", n, n == 1 ? "" : "s");
        }
        out.flush();
        return verdict.matches() ? ExitCode.OK : ExitCode.FINDING;
    }
}
