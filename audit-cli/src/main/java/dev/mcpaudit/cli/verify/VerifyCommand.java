package dev.mcpaudit.cli.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.cli.AuditCli;
import dev.mcpaudit.cli.CheckpointOptions;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.cli.ProgressTicker;
import dev.mcpaudit.cli.ship.CentralAddress;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.ChainProblem;
import dev.mcpaudit.schema.ChainHead;
import dev.mcpaudit.schema.ChainVerifier;
import dev.mcpaudit.schema.LogPermissions;
import dev.mcpaudit.schema.PurgeNotice;
import dev.mcpaudit.schema.Checkpoint;
import dev.mcpaudit.schema.CheckpointKeys;
import dev.mcpaudit.schema.SchemaCheck;
import dev.mcpaudit.schema.SchemaProblem;
import dev.mcpaudit.schema.VerificationReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Recomputes every hash of the log's chain and reports each problem with its seq.",
            "Problems are edited, deleted, inserted or reordered events and broken links. Checks the log's",
            "schema too: a dropped or rewritten trigger, index or view (such as `calls`) is a problem.",
            "With a signed checkpoint it also detects removal of the newest events and a rewritten chain;",
            "with --public-key, the checkpoints recorded in the log are checked against that key too.",
            "A payload replaced by `audit-cli purge` is a notice (PURGED: which values,",
            "when, by whom, why), not a problem; any other change to a payload is one."
        },
        footer = {
            "",
            "Examples:",
            "  audit-cli verify",
            "  audit-cli verify --checkpoint daily.checkpoint \\",
            "      --public-key audit-checkpoint.key.pub",
            "  audit-cli verify --public-key audit-checkpoint.key.pub   # logged checkpoints",
            "  audit-cli verify --format json | jq .intact",
            "  audit-cli verify --jsonl november.jsonl   # an export, e.g. on another machine",
            "  audit-cli verify --source postgresql://reviewer@db.example.com/audit",
            "",
            "Warns on stderr (JSON: warnings) when the log or its WAL can be read or written by group or others;",
            "that is not a problem of the log. A 0-byte log (never written) verifies as an empty log.",
            "",
            "Exit codes: 0 intact, 1 problems found, 2 usage error, 3 log, export or key unavailable."
        })
public final class VerifyCommand implements Callable<Integer> {
    enum Format { text, json }

    /** What a chain cannot show by itself; said whenever no checkpoint was given. */
    static final String LOG_NOTE = "without a checkpoint kept outside the log (--checkpoint), removal of the newest"
            + " events (tail truncation) and a rewrite of the whole chain cannot be detected; see"
            + " `audit-cli checkpoint --help`.";

    /** How both the log's and an export's JSON report are written. */
    static final ObjectWriter PRETTY = new ObjectMapper().writerWithDefaultPrettyPrinter();

    @ParentCommand
    AuditCli parent;

    @Spec
    CommandSpec spec;

    @Mixin
    CheckpointOptions checkpointOptions;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "text (default) or json.")
    Format format;

    @Option(names = "--jsonl", paramLabel = "FILE",
            description = "Verify this export (`audit-cli export`) instead of the log; --db is not read.")
    Path jsonl;

    @Option(names = "--source", paramLabel = "URL",
            description = "Verify the central copy (`audit-cli ship`) at postgresql://[user@]host[:port]/db instead"
                    + " of the log; each shipped log, or --log-id's.")
    String source;

    @Option(names = "--log-id", paramLabel = "ID", description = "With --source, only this log.")
    String logId;

    @Override
    public Integer call() throws Exception {
        checkpointOptions.check(spec.commandLine());
        Checkpoint checkpoint = checkpointOptions.checkpoint();
        PublicKey key = checkpointOptions.publicKey();
        if (logId != null && source == null) {
            throw new IllegalArgumentException("--log-id picks a log of the central copy: give --source too.");
        }
        if (source != null) {
            if (jsonl != null) {
                throw new IllegalArgumentException("give --source or --jsonl, not both.");
            }
            return CentralVerification.run(spec.commandLine().getOut(), CentralAddress.parse(source, parent.env()), logId,
                    checkpoint, key, format == Format.json);
        }
        if (jsonl != null) {
            return ExportVerification.run(spec.commandLine().getOut(), jsonl, checkpoint, key, format == Format.json);
        }
        Verdict verdict;
        List<String> warnings;
        Path path;
        try (AuditLog log = parent.openForReading(spec)) {
            path = log.path();
            warnings = LogPermissions.warnings(path);
            warnings.forEach(w -> spec.commandLine().getErr().println("audit-cli: warning: " + w));
            AtomicLong checked = new AtomicLong();
            try (ProgressTicker progress = parent.progress(spec, "verifying the chain", headSeq(log), checked::get)) {
                verdict = check(log, checkpoint, key, checked);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        String keyId = key == null ? null : CheckpointKeys.keyId(key);
        if (format == Format.json) {
            ObjectNode json = toJson(path, verdict.report(), verdict.schema(), keyId, LOG_NOTE);
            ArrayNode array = json.putArray("warnings");
            warnings.forEach(array::add);
            out.println(PRETTY.writeValueAsString(json));
        } else {
            printText(out, path, verdict.report(), verdict.schema(), keyId);
        }
        out.flush();
        return verdict.intact() ? ExitCode.OK : ExitCode.FINDING;
    }

    /** What verifying a log found: the chain's report and the schema's problems. */
    record Verdict(VerificationReport report, List<SchemaProblem> schema) {
        /** True when neither the chain nor the schema has a problem (purge notices are not problems). */
        boolean intact() {
            return report.intact() && schema.isEmpty();
        }

        int problems() {
            return report.problems().size() + schema.size();
        }

        /**
         * For a command that acts on the log only if it verifies: prints each problem to {@code err}, then
         * "audit-cli: audit log PATH does not verify (N problems, above), " and {@code consequence}, which
         * says what was not done and why.
         */
        void refuse(PrintWriter err, Path path, String consequence) {
            printProblems(err, report, schema);
            err.printf("audit-cli: audit log %s does not verify (%d problem%s, above), %s%n", path, problems(),
                    problems() == 1 ? "" : "s", consequence);
        }
    }

    /**
     * Verifies the log's chain (against {@code checkpoint} and the checkpoint events signed with
     * {@code key}; either may be null) and its schema, as `audit-cli verify` does.
     */
    static Verdict check(AuditLog log, Checkpoint checkpoint, PublicKey key) {
        return check(log, checkpoint, key, new AtomicLong());
    }

    /** As above, counting the events checked in {@code checked} for a progress bar. */
    static Verdict check(AuditLog log, Checkpoint checkpoint, PublicKey key, AtomicLong checked) {
        return new Verdict(ChainVerifier.verify(log, checkpoint, key, checked), SchemaCheck.check(log));
    }

    /** The newest event's seq: about how many events a verification reads. */
    public static long headSeq(AuditLog log) {
        return log.head().map(ChainHead::seq).orElse(0L);
    }

    /** One "INVALID" line for each problem of the chain, then of the schema. */
    static void printProblems(PrintWriter out, VerificationReport r, List<SchemaProblem> schema) {
        for (ChainProblem p : r.problems()) {
            out.printf("seq %d INVALID (%s): %s%n", p.seq(), p.kind().label(), p.detail());
        }
        for (SchemaProblem p : schema) {
            out.printf("schema INVALID (%s): %s%n", p.kind().label(), p.detail());
        }
    }

    private static void printText(PrintWriter out, Path path, VerificationReport r, List<SchemaProblem> schema,
            String keyId) {
        out.printf("Validating audit log %s (%s)%n", path, r.logId() == null ? "never written, no log id yet"
                : "log " + r.logId());
        if (r.eventsChecked() == 0) {
            out.println("The log has no events.");
        } else {
            out.printf("Checked seq %d to %d: %s to %s%n", r.firstSeq(), r.lastSeq(), r.firstTime(), r.lastTime());
        }
        printFindings(out, r, schema, keyId, "log", LOG_NOTE);
    }

    /**
     * The text output's common tail, for the log and for an export ({@code what}): the checkpoint, the
     * checkpoint events checked against {@code keyId} (null: no --public-key), each problem of the chain
     * and of the schema (none for an export), the result, and {@code note} when there is no checkpoint.
     */
    static void printFindings(PrintWriter out, VerificationReport r, List<SchemaProblem> schema, String keyId,
            String what, String note) {
        r.checkpoint().ifPresent(cp -> out.printf("Against checkpoint: seq %d, signed %s with key %s%n",
                cp.seq(), cp.time(), cp.keyId()));
        int recorded = r.checkpointEvents();
        if (keyId != null) {
            out.printf("Checkpoints recorded in the %s: %d of %d checked against key %s%s.%n", what,
                    r.checkpointEventsChecked(), recorded, keyId, recorded > r.checkpointEventsChecked()
                            ? "; the others name other keys and were not checked" : "");
        } else if (recorded > 0) {
            out.printf("The %s records %d checkpoint%s; pass --public-key to check %s.%n", what, recorded,
                    recorded == 1 ? "" : "s", recorded == 1 ? "it" : "them");
        }
        printProblems(out, r, schema);
        for (PurgeNotice n : r.purges()) {
            out.printf("seq %d PURGED (notice): %s of this %s event replaced by `audit-cli purge` (payload.purged at"
                    + " seq %d, %s, by %s): %s%n", n.seq(), String.join(", ", n.pointers()), n.type(), n.purgedBySeq(),
                    n.time(), n.osUser(), n.reason());
        }
        int problems = r.problems().size() + schema.size();
        String purges = r.purges().isEmpty() ? ""
                : ", " + r.purges().size() + (r.purges().size() == 1 ? " purge" : " purges") + " (notices)";
        if (problems == 0) {
            out.printf("Results: %d events checked, 0 problems%s: the %s is intact.%n", r.eventsChecked(), purges, what);
        } else {
            out.printf("Results: %d events checked, %d problem%s found%s: the %s is NOT intact.%n",
                    r.eventsChecked(), problems, problems == 1 ? "" : "s", purges, what);
        }
        if (r.checkpoint().isEmpty()) {
            out.println("Note: " + note);
        }
    }

    /**
     * The JSON report; {@code schema} is null for an export, which has no schema to check, {@code keyId}
     * when no --public-key was given; {@code note} is written when no checkpoint was given.
     */
    static ObjectNode toJson(Path path, VerificationReport r, List<SchemaProblem> schema, String keyId, String note) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("path", path.toString());
        root.put("log_id", r.logId());
        root.put("intact", r.intact() && (schema == null || schema.isEmpty()));
        root.put("events_checked", r.eventsChecked());
        root.put("first_seq", r.firstSeq());
        root.put("last_seq", r.lastSeq());
        root.put("first_time", r.firstTime());
        root.put("last_time", r.lastTime());
        r.checkpoint().ifPresentOrElse(cp -> {
            ObjectNode c = root.putObject("checkpoint");
            c.put("seq", cp.seq());
            c.put("hash", cp.hash());
            c.put("time", cp.time());
            c.put("key_id", cp.keyId());
        }, () -> root.putNull("checkpoint"));
        root.putObject("checkpoint_events").put("recorded", r.checkpointEvents())
                .put("checked", r.checkpointEventsChecked()).put("public_key_id", keyId);
        root.put("note", r.checkpoint().isEmpty() ? note : null);
        ArrayNode problems = root.putArray("problems");
        for (ChainProblem p : r.problems()) {
            problems.addObject().put("seq", p.seq()).put("kind", p.kind().label()).put("detail", p.detail());
        }
        ArrayNode notices = root.putArray("notices");
        for (PurgeNotice n : r.purges()) {
            ObjectNode o = notices.addObject().put("seq", n.seq()).put("kind", "purged").put("type", n.type())
                    .put("purged_by_seq", n.purgedBySeq());
            n.pointers().forEach(o.putArray("pointers")::add);
            o.put("reason", n.reason()).put("os_user", n.osUser()).put("time", n.time());
        }
        if (schema != null) {
            ArrayNode schemaProblems = root.putArray("schema_problems");
            for (SchemaProblem p : schema) {
                schemaProblems.addObject().put("type", p.type()).put("name", p.name()).put("kind", p.kind().label())
                        .put("detail", p.detail());
            }
        }
        return root;
    }
}
