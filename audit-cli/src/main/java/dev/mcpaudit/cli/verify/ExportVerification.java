package dev.mcpaudit.cli.verify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.schema.ChainProblem;
import dev.mcpaudit.schema.ChainProblem.Kind;
import dev.mcpaudit.schema.ChainVerifier;
import dev.mcpaudit.schema.Checkpoint;
import dev.mcpaudit.schema.CheckpointKeys;
import dev.mcpaudit.schema.VerificationReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code verify --jsonl FILE}: the same {@link ChainVerifier} over an export instead of the database,
 * then the export's own rules. A partial export (its header's {@code first_seq} above 1) starts in
 * the middle of the chain: the missing seq before it are expected, not deletions, and its first
 * event's link to its predecessor cannot be checked without that predecessor. Every other link is.
 * The header's range is compared with what the file holds, so lines cut from either end are found.
 */
final class ExportVerification {
    private static final String EXPORT_NOTE = "without a checkpoint (--checkpoint), events cut from the end along with"
            + " the header's last_seq (the header is not signed) and a rewrite of the whole chain cannot be detected;"
            + " see `audit-cli checkpoint --help`.";

    private ExportVerification() {}

    static int run(PrintWriter out, Path file, Checkpoint checkpoint, PublicKey key, boolean json) throws IOException {
        ExportFile export = ExportFile.open(file);
        ExportFile.Header h = export.header();
        if (checkpoint != null && !h.empty() && checkpoint.seq() < h.firstSeq()) {
            throw new IllegalArgumentException("the checkpoint covers seq " + checkpoint.seq() + ", before this export's"
                    + " first seq " + h.firstSeq() + "; check it against the log, or an export that includes seq "
                    + checkpoint.seq() + ".");
        }
        VerificationReport raw = ChainVerifier.verify(h.logId(), export, checkpoint, key);
        VerificationReport report = adjust(raw, export);
        Path path = file.toAbsolutePath();
        if (json) {
            ObjectNode root = VerifyCommand.toJson(path, report, null, key == null ? null : CheckpointKeys.keyId(key), EXPORT_NOTE);
            ObjectNode e = root.putObject("export");
            putSeq(e, "first_seq", h.firstSeq());
            putSeq(e, "last_seq", h.lastSeq());
            e.put("since", h.since());
            e.put("until", h.until());
            e.put("exported_at", h.exportedAt());
            e.put("partial", h.firstSeq() > 1);
            if (export.hasUncheckedLink()) {
                e.putObject("unchecked_link").put("seq", report.firstSeq()).put("prev_hash", export.firstPrevHash())
                        .put("detail", "links to seq " + (report.firstSeq() - 1) + ", which is not in the export");
            } else {
                e.putNull("unchecked_link");
            }
            out.println(VerifyCommand.PRETTY.writeValueAsString(root));
        } else {
            printText(out, path, export, report, key == null ? null : CheckpointKeys.keyId(key));
        }
        out.flush();
        return report.intact() ? ExitCode.OK : ExitCode.FINDING;
    }

    /** The verifier's findings, corrected for where the export starts and ends, plus unreadable lines. */
    static VerificationReport adjust(VerificationReport r, ExportFile export) {
        ExportFile.Header h = export.header();
        List<ChainProblem> problems = new ArrayList<>(r.problems());
        if (h.firstSeq() > 1 && r.eventsChecked() > 0 && r.firstSeq() > 1) {
            // The verifier expects seq 1 first; for a partial export seq 1 .. first_seq-1 are meant to be absent.
            problems.removeIf(p -> p.seq() == 1 && p.kind() == Kind.DELETED);
        }
        if (!h.empty()) {
            if (r.eventsChecked() == 0) {
                problems.add(new ChainProblem(h.firstSeq(), Kind.DELETED, "the export's header says it holds seq "
                        + h.firstSeq() + " to " + h.lastSeq() + ", but the file has no events: they were removed"));
            } else {
                if (h.firstSeq() > 1 && r.firstSeq() > h.firstSeq()) {
                    problems.add(new ChainProblem(h.firstSeq(), Kind.DELETED, span(h.firstSeq(), r.firstSeq() - 1)
                            + " missing from the start of the export (its header says it starts at seq " + h.firstSeq() + ")"));
                } else if (r.firstSeq() < h.firstSeq()) {
                    problems.add(new ChainProblem(r.firstSeq(), Kind.INSERTED, "the export's header says it starts at seq "
                            + h.firstSeq() + ", but the file starts at seq " + r.firstSeq() + ": events were added before it"));
                }
                if (r.lastSeq() < h.lastSeq()) {
                    problems.add(new ChainProblem(r.lastSeq() + 1, Kind.DELETED, span(r.lastSeq() + 1, h.lastSeq())
                            + " missing from the end of the export (its header says it ends at seq " + h.lastSeq() + ")"));
                } else if (r.lastSeq() > h.lastSeq()) {
                    problems.add(new ChainProblem(h.lastSeq() + 1, Kind.INSERTED, "the export's header says it ends at seq "
                            + h.lastSeq() + ", but the file goes on to seq " + r.lastSeq() + ": events were added after it"));
                }
            }
        } else if (r.eventsChecked() > 0) {
            problems.add(new ChainProblem(r.firstSeq(), Kind.INSERTED, "the export's header says it is empty, but the file"
                    + " holds seq " + r.firstSeq() + " to " + r.lastSeq()));
        }
        for (ExportFile.BadLine b : export.badLines()) {
            problems.add(new ChainProblem(b.seq(), Kind.MALFORMED, "line " + b.line() + " of the export is not an event ("
                    + b.reason() + "); it was altered or damaged"));
        }
        problems.sort(Comparator.comparingLong(ChainProblem::seq));
        return new VerificationReport(r.logId(), r.eventsChecked(), r.firstSeq(), r.lastSeq(), r.firstTime(), r.lastTime(),
                problems, r.checkpoint(), r.checkpointEvents(), r.checkpointEventsChecked(), r.purges());
    }

    private static void printText(PrintWriter out, Path path, ExportFile export, VerificationReport r, String keyId) {
        ExportFile.Header h = export.header();
        out.printf("Validating export %s (log %s, exported %s)%n", path, r.logId(), h.exportedAt());
        if (!h.empty() && (h.firstSeq() > 1 || h.since() != null || h.until() != null)) {
            out.printf("Export of seq %d to %d%s%n", h.firstSeq(), h.lastSeq(),
                    (h.since() == null ? "" : ", since " + h.since()) + (h.until() == null ? "" : ", until " + h.until()));
        }
        if (r.eventsChecked() == 0) {
            out.println("The export has no events.");
        } else {
            out.printf("Checked seq %d to %d: %s to %s%n", r.firstSeq(), r.lastSeq(), r.firstTime(), r.lastTime());
            if (export.hasUncheckedLink()) {
                out.printf("Not checked: seq %d's link to seq %d (prev_hash %s), which is not in the export;"
                        + " every link within it is checked.%n", r.firstSeq(), r.firstSeq() - 1, export.firstPrevHash());
            }
        }
        VerifyCommand.printFindings(out, r, List.of(), keyId, "export", EXPORT_NOTE);
    }

    private static String span(long from, long to) {
        return from == to ? "seq " + from + " is" : "seq " + from + " to " + to + " are";
    }

    private static void putSeq(ObjectNode o, String name, long seq) {
        if (seq == 0) {
            o.putNull(name);
        } else {
            o.put(name, seq);
        }
    }
}
