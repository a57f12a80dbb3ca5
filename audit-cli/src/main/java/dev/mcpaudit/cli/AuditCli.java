package dev.mcpaudit.cli;

import dev.mcpaudit.cli.demo.DemoCommand;
import dev.mcpaudit.cli.query.CallsCommand;
import dev.mcpaudit.cli.query.SessionsCommand;
import dev.mcpaudit.cli.query.ShowCommand;
import dev.mcpaudit.cli.redact.RedactCommand;
import dev.mcpaudit.cli.replay.DiffCommand;
import dev.mcpaudit.cli.replay.FixtureCommand;
import dev.mcpaudit.cli.replay.MockCommand;
import dev.mcpaudit.cli.replay.ReplayCommand;
import dev.mcpaudit.cli.report.ReportCommand;
import dev.mcpaudit.cli.ship.ShipCommand;
import dev.mcpaudit.cli.verify.BackupCommand;
import dev.mcpaudit.cli.verify.CheckpointCommand;
import dev.mcpaudit.cli.verify.ExportCommand;
import dev.mcpaudit.cli.verify.KeygenCommand;
import dev.mcpaudit.cli.verify.PurgeCommand;
import dev.mcpaudit.cli.verify.UpgradeCommand;
import dev.mcpaudit.cli.verify.VerifyCommand;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.AuditLogException;
import dev.mcpaudit.schema.AuditLogLocation;
import dev.mcpaudit.schema.ProductVersion;
import dev.mcpaudit.schema.redact.RedactionRulesException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

@Command(
        name = "audit-cli",
        mixinStandardHelpOptions = true,
        versionProvider = AuditCli.Version.class,
        description = "Reads, verifies and checkpoints the mcp-audit-proxy audit log, purges a leaked value from it, and"
                + " shows what redaction hides.",
        subcommands = {
            CallsCommand.class,
            ShowCommand.class,
            SessionsCommand.class,
            VerifyCommand.class,
            ExportCommand.class,
            CheckpointCommand.class,
            KeygenCommand.class,
            UpgradeCommand.class,
            PurgeCommand.class,
            RedactCommand.class,
            ReportCommand.class,
            BackupCommand.class,
            ShipCommand.class,
            MockCommand.class,
            DiffCommand.class,
            FixtureCommand.class,
            ReplayCommand.class,
            DemoCommand.class,
            CommandLine.HelpCommand.class,
            AutoComplete.GenerateCompletion.class
        },
        footer = {
            "",
            "The log is $MCP_AUDIT_DB if set, else $XDG_STATE_HOME/mcp-audit-proxy/audit.db,",
            "else ~/.local/state/mcp-audit-proxy/audit.db; --db overrides all of them.",
            "",
            "Exit codes: 0 ok, 1 finding (verification failed, drift, a difference, a miss),",
            "2 usage error, 3 environment (log missing, locked, unreadable, not an audit log,",
            "newer schema), 4 refused by a safety rule (replay --strict)."
        })
public final class AuditCli {

    @Option(names = "--db", paramLabel = "PATH", scope = CommandLine.ScopeType.INHERIT,
            description = "Audit log to use (default: $MCP_AUDIT_DB, else the XDG state directory).")
    Path db;

    @Option(names = {"-q", "--quiet"}, scope = CommandLine.ScopeType.INHERIT,
            description = "No notes or progress bar on stderr; warnings and errors are still printed.")
    boolean quiet;

    private final Terminal terminal;

    AuditCli(Terminal terminal) {
        this.terminal = terminal;
    }

    public Path dbPath() {
        return db != null ? db : AuditLogLocation.defaultPath();
    }

    /**
     * Opens the log for a command that only reads it. A file the proxy created but never wrote reads
     * as an empty log, and a note on stderr says so (it is not corrupt, and it is not an error).
     */
    public AuditLog openForReading(CommandSpec command) {
        AuditLog log = AuditLog.openReadOnly(dbPath());
        if (log.neverWritten()) {
            note(command, log.path() + " was created but never written (the proxy stopped before its first write);"
                    + " it is read as an empty log.");
        }
        return log;
    }

    /** The environment audit-cli runs in: the PG* variables that say where the central database is. */
    public java.util.Map<String, String> env() {
        return terminal.env();
    }

    /** Prints "audit-cli: note: TEXT" on stderr, unless --quiet: what is worth knowing, and not wrong. */
    public void note(CommandSpec command, String text) {
        info(command, "audit-cli: note: " + text);
    }

    /** Prints a line on stderr that says what was done (a file written), unless --quiet. */
    public void info(CommandSpec command, String line) {
        if (!quiet) {
            command.commandLine().getErr().println(line);
        }
    }

    /** A progress bar on stderr for {@code total} steps, drawn only on a terminal and without --quiet. */
    public ProgressBar progressBar(CommandSpec command, long total) {
        return new ProgressBar(command.commandLine().getErr(), total, terminal.interactive() && !quiet);
    }

    /**
     * A progress bar for work over {@code events} events whose count so far {@code done} reads, redrawn
     * while the work runs; only on a terminal, without --quiet, and for large work. Close it before
     * printing the result.
     */
    public ProgressTicker progress(CommandSpec command, String label, long events, LongSupplier done) {
        boolean shown = !quiet && terminal.showsProgressFor(events);
        return shown ? new ProgressTicker(new ProgressBar(command.commandLine().getErr(), events, true), done, label,
                true) : ProgressTicker.off();
    }

    /**
     * Opens the log read-only for a command that goes on to write it (checkpoint, upgrade): a file the
     * proxy created but never wrote is refused, and left as it is, rather than made a log.
     */
    public AuditLog openWrittenForReading() {
        AuditLog log = AuditLog.openReadOnly(dbPath());
        if (log.neverWritten()) {
            log.close();
            throw AuditLog.neverWrittenRefusal(log.path());
        }
        return log;
    }

    public static void main(String[] args) {
        String logLevel = System.getenv("AUDIT_CLI_LOG_LEVEL");
        if (logLevel != null && !logLevel.isBlank()) { // read by slf4j-simple when the first logger is made
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", logLevel.strip().toLowerCase(Locale.ROOT));
        }
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(out, err, args));
    }

    /** Runs a command line and returns its exit code; tests call this in-process. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(out, err, Terminal.current(), args);
    }

    /** Runs a command line as if on {@code terminal}; tests call this to see what a person would. */
    public static int run(PrintWriter out, PrintWriter err, Terminal terminal, String... args) {
        CommandLine cli = commandLine(terminal);
        cli.setOut(out);
        cli.setErr(err);
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(terminal.ansi()));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("audit-cli: " + e.getMessage());
            return exitCodeFor(e);
        });
        return cli.execute(args);
    }

    /** The command tree with its parser settings, unbound to any output; tests parse examples with it. */
    public static CommandLine commandLine() {
        return commandLine(Terminal.current());
    }

    private static CommandLine commandLine(Terminal terminal) {
        CommandLine cli = new CommandLine(new AuditCli(terminal));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    private static int exitCodeFor(Exception e) {
        if (e instanceof AuditLogException || e instanceof IOException) {
            return ExitCode.ENVIRONMENT;
        }
        if (e instanceof IllegalArgumentException || e instanceof RedactionRulesException) {
            return ExitCode.USAGE;
        }
        return ExitCode.ENVIRONMENT;
    }

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"audit-cli " + ProductVersion.get()};
        }
    }
}
