package dev.mcpaudit.cli.report;

import dev.mcpaudit.cli.AuditCli;
import dev.mcpaudit.cli.CallScopeOptions;
import dev.mcpaudit.cli.CheckpointOptions;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.cli.ProgressTicker;
import dev.mcpaudit.cli.TimeArgs;
import dev.mcpaudit.cli.ship.CentralAddress;
import dev.mcpaudit.cli.verify.VerifyCommand;
import dev.mcpaudit.schema.AtomicFile;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.ChainVerifier;
import dev.mcpaudit.schema.Checkpoint;
import dev.mcpaudit.schema.EventScan;
import dev.mcpaudit.schema.VerificationReport;
import dev.mcpaudit.schema.query.CallFilter;
import dev.mcpaudit.schema.query.ScopeReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Writes the compliance report for a scope of the log.",
            "Per account and profile it lists the calls, errors, denials and mutating calls; then the AWS",
            "services and operations touched; the sessions (agent, host, user);",
            "a timeline by outcome; every mutating call and every denied attempt with its time, profile,",
            "account and (redacted) arguments; and whether the log's hash chain verifies.",
            "Reads the log only; never writes to it."
        },
        footer = {
            "",
            "Formats:",
            "  md    markdown (default): tables that read in a terminal and render anywhere.",
            "  html  one self-contained file (inline CSS and SVG timeline; no scripts, fonts or network).",
            "  json  the whole report, arguments embedded as JSON (listings: total, not_listed, rows).",
            "  csv   one row per profile, account, tool and operation: profile, account_id, tool, service,",
            "        operation, mutating, calls, ok, errors, denied, incomplete, first_call, last_call,",
            "        refused_profile (a refused aws_profile value, JSON-quoted; profile is then empty).",
            "        For one row per call use `audit-cli calls --format csv`.",
            "",
            "Errors are tool errors, failures, timeouts and cancellations. Mutating calls are those sent to AWS",
            "that may change something: every operation that is not a read (describe, list, get, ...), and every",
            "aws___run_script. Denied attempts never reached AWS and are listed on their own. An aws_profile value",
            "that is not among its session's allowed profiles is a refused value, never a profile: it has a section",
            "of its own, quoted (\"prod \", \"PROD\"); --profile prod also takes in the denied attempts whose value",
            "differs from prod only in case or surrounding whitespace, and says so.",
            "The timeline is per minute for calls spanning up to 2 hours, per hour up to 2 days, per day up to",
            "92 days, else per week (UTC).",
            "The chain is verified over the whole log (all events, not only the scope), optionally against a",
            "signed checkpoint, in the same pass that reads the calls reported: what is reported is what was",
            "verified. --no-verify skips the hashing (and the report says so).",
            "",
            "Examples:",
            "  audit-cli report --profile prod --since 7d",
            "  audit-cli report --account 777788889999 --since 2026-11-01 \\",
            "      --until 2026-12-01 --format html --out nov.html",
            "  audit-cli report --session 0b6c3a1e-... --format json | jq .mutating_calls",
            "  audit-cli report --since 24h --checkpoint daily.checkpoint \\",
            "      --public-key audit.key.pub",
            "  audit-cli report --format csv --out activity.csv",
            "  audit-cli report --source postgresql://reviewer@db.example.com/audit \\",
            "      --account 444455556666 --since 2026-11-01   # every shipped log",
            "",
            "Times: ISO-8601 (2026-11-26, 2026-11-26T14:00:00Z, 2026-11-26T15:00+01:00; UTC unless an offset",
            "is given) or relative to now (30m, 24h, 7d, 2w). --since is inclusive, --until exclusive.",
            "",
            "Exit codes: 0 report written (also when no call matches), 1 report written but the chain does not",
            "verify, 2 usage error (bad time, bad option), 3 log missing, locked, not an audit log, newer schema,",
            "or a file that cannot be read or written."
        })
public final class ReportCommand implements Callable<Integer> {
    enum Format { md, html, json, csv }

    @ParentCommand
    AuditCli parent;

    @Spec
    CommandSpec spec;

    @Mixin
    CallScopeOptions scope;

    @Option(names = "--format", defaultValue = "md", paramLabel = "FORMAT",
            description = "md (default), html, json or csv; see below.")
    Format format;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write the report to FILE (UTF-8, created 0600, replaced only once complete) instead of"
                    + " standard output; prints nothing else.")
    Path out;

    @Option(names = "--max-listed", defaultValue = "1000", paramLabel = "N",
            description = "List at most N mutating calls, N denied attempts and N sessions (default ${DEFAULT-VALUE});"
                    + " the rest are counted.")
    int maxListed;

    @Mixin
    CheckpointOptions checkpointOptions;

    @Option(names = "--no-verify", description = "Do not verify the chain (faster on a large log; the report says so).")
    boolean noVerify;

    @Option(names = "--source", paramLabel = "URL",
            description = "Report on the central copy (`audit-cli ship`) at postgresql://[user@]host[:port]/db: every"
                    + " shipped log with calls in the scope, each log's central chain verified.")
    String source;

    @Override
    public Integer call() throws Exception {
        checkpointOptions.check(spec.commandLine());
        if (noVerify && checkpointOptions.given()) {
            throw new ParameterException(spec.commandLine(), "--no-verify contradicts --checkpoint and --public-key, which ask for a verification.");
        }
        if (maxListed < 0) {
            throw new ParameterException(spec.commandLine(), "--max-listed must be 0 or more, not " + maxListed + ".");
        }
        Instant now = Instant.now();
        TimeArgs.Period period;
        try {
            period = scope.time().period(now);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Checkpoint checkpoint = checkpointOptions.checkpoint();
        PublicKey key = checkpointOptions.publicKey();

        Report report;
        if (source != null) {
            report = CentralReport.build(CentralAddress.parse(source, parent.env()), scope, period, checkpoint, key,
                    !noVerify, maxListed, TimeArgs.stored(now));
            return write(report);
        }
        Report.Listing<Report.ApprovalRow> protectedWrites;
        AtomicLong checked = new AtomicLong();
        try (AuditLog log = parent.openForReading(spec);
                ProgressTicker progress = parent.progress(spec, "verifying the chain", noVerify ? 0
                        : VerifyCommand.headSeq(log), checked::get)) {
            // Its own small query (approvals are few), apart from the rest of the report.
            protectedWrites = ReportApprovals.of(log, scope.filter(log, period, null, null, false), period, maxListed);
            CallFilter filter = scope.filter(log, period, null, null, false);
            Report.Scope reportScope = new Report.Scope(scope.profile(), scope.account(), filter.session(),
                    period.storedSince(), period.storedUntil(), filter.describe());
            // One pass: the rows the verifier checks are the rows the report is computed from.
            ScopeReader rows = new ScopeReader(filter);
            VerificationReport verification = null;
            if (noVerify) {
                EventScan.inSegments(log, rows);
            } else {
                verification = ChainVerifier.verify(log, checkpoint, key, checked, rows);
            }
            Report built = new ReportBuilder(log, filter, maxListed).build(rows, reportScope, TimeArgs.stored(now));
            Report.Verification verified = verification == null ? ReportBuilder.notVerified()
                    : ReportBuilder.verification(verification, built.lastCall());
            report = built.withVerification(verified);
        }
        report = report.withProtectedWrites(protectedWrites);
        return write(report);
    }

    /** Writes the report in its format to --out or stdout; exit 1 when its chain does not verify. */
    private int write(Report report) throws Exception {
        String text = switch (format) {
            case html -> ReportHtml.render(report);
            case json -> ReportJson.render(report) + "\n";
            case csv -> ReportCsv.render(report);
            default -> ReportMarkdown.render(report);
        };
        if (out != null) {
            AtomicFile.write(out, text);
        } else {
            PrintWriter w = spec.commandLine().getOut();
            w.print(text);
            w.flush();
            if (format == Format.csv && report.empty()) {
                parent.note(spec, report.noCallsMessage() + ".");
            }
        }
        boolean chainFailed = report.verification().performed() && !report.verification().intact();
        return chainFailed ? ExitCode.FINDING : ExitCode.OK;
    }
}
