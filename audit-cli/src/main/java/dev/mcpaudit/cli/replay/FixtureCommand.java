package dev.mcpaudit.cli.replay;

import dev.mcpaudit.cli.AuditCli;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "fixture",
        mixinStandardHelpOptions = true,
        description = {
            "Turns a recorded session into a test fixture, and checks one against its log.",
            "A fixture (format mcp-audit-fixture/1) is one JSON file: each call with its",
            "arguments, outcome and result, and the seq and hash of the events it was read",
            "from, so that anyone holding the log can check where it came from."
        },
        subcommands = {FixtureExportCommand.class, FixtureVerifyCommand.class},
        footer = {
            "",
            "Examples:",
            "  audit-cli fixture export --session 01a2310b --out prod-listing.mcpfix.json",
            "  audit-cli fixture export --session 01a2310b --format wiremock --out stubs/",
            "  audit-cli fixture verify prod-listing.mcpfix.json",
            "",
            "Exit codes: see `audit-cli fixture export --help` and `… verify --help`."
        })
public final class FixtureCommand implements Runnable {
    @ParentCommand
    AuditCli parent;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "fixture needs a subcommand: export or verify (see `audit-cli fixture --help`).");
    }

    /** The top-level command, which knows the log (--db). */
    AuditCli auditCli() {
        return parent;
    }
}
