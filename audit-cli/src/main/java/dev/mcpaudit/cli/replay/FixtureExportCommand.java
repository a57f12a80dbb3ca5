package dev.mcpaudit.cli.replay;

import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.schema.AtomicFile;
import dev.mcpaudit.schema.AuditLog;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Writes one recorded session as a fixture file (or WireMock stubs).",
            "The fixture holds the session's profiles (account, region), what upstream",
            "answered to initialize and tools/list, and every call in seq order: its",
            "redacted arguments, outcome, result and result_sha256, whether it may write",
            "(and why), and the seq and hash of its events. Denied calls are included",
            "(outcome denied); a call that never completed is left out and named on stderr.",
            "",
            "A mock answers a call only from its recorded result, so a session recorded",
            "without --record-results, or with results cut at --record-results-max-bytes,",
            "is refused (exit 1, no file written) unless --allow-incomplete: those calls",
            "are then written without a result (result_complete: false), unservable.",
            "",
            "--format wiremock writes into the directory --out (new or empty) the stub",
            "files mappings/*.json and __files/*.json, which a stock WireMock (JUnit",
            "extension or standalone) loads as they are. They answer an MCP client at the",
            "recorded endpoint's path: initialize (Mcp-Session-Id: mcp-audit-fixture),",
            "notifications (202), ping, tools/list, and each call matched on method, tool",
            "and exact arguments (id and _meta ignored; a redacted secret matches any",
            "value). Identical calls are answered in recorded order, each as often as it",
            "was recorded, then miss (404). Responses carry the request's id; recorded",
            "results come back unchanged. WireMock's scenario state is global, so identical",
            "calls on two profiles share one queue."
        },
        footer = {
            "",
            "Examples:",
            "  audit-cli fixture export --session 01a2310b-facc --out prod.mcpfix.json",
            "  audit-cli fixture export --session 01a2310b --out - | jq '.calls[].outcome'",
            "  audit-cli fixture export --session 01a2310b --allow-incomplete --out p.json",
            "  audit-cli fixture export --session 01a2310b --format wiremock \\",
            "      --out src/test/resources/prod-listing",
            "  then, in a JUnit 5 test:",
            "    WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()",
            "        .usingFilesUnderClasspath(\"prod-listing\")).build()",
            "  or standalone:",
            "    java -jar wiremock-standalone.jar --root-dir src/test/resources/prod-listing",
            "",
            "Files are written 0600 (directories 0700) and appear only once complete.",
            "Exit codes: 0 written, 1 refused (results missing: see --allow-incomplete),",
            "2 usage error (unknown or ambiguous session, bad option), 3 log missing or",
            "unreadable, or the output cannot be written."
        })
public final class FixtureExportCommand implements Callable<Integer> {
    enum Format { mcpfix, wiremock }

    @ParentCommand
    FixtureCommand fixture;

    @Spec
    CommandSpec spec;

    @Option(names = "--session", required = true, paramLabel = "ID",
            description = "The session to export: its id or a unique prefix of it (see `audit-cli sessions`).")
    String session;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Where to write: a file (mcpfix; - for stdout) or a directory (wiremock).")
    String out;

    @Option(names = "--format", defaultValue = "mcpfix", paramLabel = "FORMAT",
            description = "mcpfix (default): one mcp-audit-fixture/1 JSON file; wiremock: WireMock stub files.")
    Format format;

    @Option(names = "--allow-incomplete",
            description = "Export even when results were not recorded or were cut; those calls are then unservable.")
    boolean allowIncomplete;

    @Override
    public Integer call() throws Exception {
        boolean toStdout = out.equals("-");
        Path target = toStdout ? null : Path.of(out);
        if (format == Format.wiremock && toStdout) {
            throw new IllegalArgumentException("--format wiremock writes a directory of stub files; give --out DIR, not -.");
        }
        if (format == Format.wiremock) {
            WireMockExport.checkTarget(target); // before the export, so a bad --out is all that is said
        }
        if (format == Format.mcpfix && target != null && Files.isDirectory(target)) {
            throw new IllegalArgumentException("--out " + out + " is a directory; give a file name such as "
                    + target.resolve("session.mcpfix.json") + " (or --format wiremock to write stub files into it).");
        }
        PrintWriter err = spec.commandLine().getErr();
        FixtureExporter.FixtureExport export;
        String logPath;
        try (AuditLog log = fixture.auditCli().openForReading(spec)) {
            logPath = log.path().toString();
            export = new FixtureExporter().export(log, session, allowIncomplete);
        } catch (FixtureExporter.IncompleteSessionException e) {
            err.println("audit-cli: " + e.getMessage() + " No file was written.");
            return ExitCode.FINDING;
        }
        export.notes().forEach(n -> err.println("audit-cli: note: " + n));
        Fixture f = export.fixture();
        String where;
        if (format == Format.wiremock) {
            WireMockExport.Written written = WireMockExport.write(f, target);
            written.skipped().forEach(n -> err.println("audit-cli: note: " + n));
            where = "WireMock stubs in " + target + " (" + written.mappings() + " mappings; serve path "
                    + written.urlPath() + ")";
        } else if (toStdout) {
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.print(f.toJson());
            stdout.flush();
            where = "stdout";
        } else {
            AtomicFile.write(target, f.toJson());
            where = target.toString();
        }
        long denied = f.calls().stream().filter(c -> c.outcome() == Fixture.Outcome.DENIED).count();
        long unservable = f.calls().stream().filter(c -> !c.isServable()).count() - denied;
        err.printf("Exported %d call%s (%d denied, %d unservable) of session %s (log %s, %s) to %s.%n",
                f.calls().size(), f.calls().size() == 1 ? "" : "s", denied, unservable, f.source().sessionId(),
                f.source().logId(), logPath, where);
        err.flush();
        return ExitCode.OK;
    }
}
