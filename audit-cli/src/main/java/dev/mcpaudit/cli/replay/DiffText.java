package dev.mcpaudit.cli.replay;

import dev.mcpaudit.cli.replay.DiffReport.Line;
import dev.mcpaudit.cli.replay.DiffReport.OneSidedWrite;
import dev.mcpaudit.cli.replay.DiffReport.Status;
import java.io.PrintWriter;
import java.util.List;

/**
 * The diff for a terminal or a log: plain ASCII tags at the start of each call line ({@code SAME},
 * {@code SIMILAR}, {@code CHANGED}, {@code ONLY-A}, {@code ONLY-B}) so it greps well, no colour.
 */
final class DiffText {
    private DiffText() {}

    static void write(DiffReport report, boolean all, PrintWriter out) {
        out.println("diff A: " + report.a().describe());
        out.println("     B: " + report.b().describe());
        if (!report.accounts().isEmpty()) {
            report.accounts().forEach((from, to) -> out.println("     normalised: account " + from + " -> " + to + " in A's arguments and results"));
        } else {
            String hint = DiffHints.accountMapping(report);
            if (hint != null) {
                out.println("     hint: " + hint);
            }
        }
        out.println("     result: " + report.summary() + "; " + report.ignoredPaths() + " volatile path"
                + (report.ignoredPaths() == 1 ? "" : "s") + " ignored");
        Line first = report.firstDivergence();
        out.println("     first divergence: " + (first == null ? "none" : DiffHints.position(first)));
        out.println();
        if (!report.catalogue().isEmpty()) {
            CatalogueRendering.text(out, report.catalogue());
            out.println();
        }
        for (List<Line> row : report.rows(all)) {
            Line line = row.get(0);
            String what;
            if (row.size() > 1) {
                what = row.size() + " calls: " + (line.status() == Status.SAME ? "same tool, arguments and result"
                        : "results differ only in volatile fields ("
                        + row.stream().mapToInt(Line::ignoredPaths).sum() + " paths ignored)");
            } else {
                DiffCall call = DiffValues.callOf(line);
                what = call.label() + "  " + DiffValues.profiles(line) + (call.write() ? " [WRITE]" : "") + "  " + DiffValues.seqs(line);
            }
            out.printf("%-8s %-8s %-8s %s%n", line.status().tag, DiffValues.indexes("A", row), DiffValues.indexes("B", row), what);
            if (row.size() == 1) {
                if (line.status() == Status.ONLY_A || line.status() == Status.ONLY_B) {
                    out.println("         " + DiffValues.unpaired(DiffValues.callOf(line)));
                }
                for (String reason : DiffValues.reasons(line)) {
                    out.println("         " + reason);
                }
            }
        }
        out.println();
        out.println("Writes present on one side only:" + (report.oneSidedWrites().isEmpty() ? " none" : ""));
        for (OneSidedWrite w : report.oneSidedWrites()) {
            DiffCall c = w.call();
            out.println("  " + w.side() + "#" + c.index() + "  [" + c.profile() + (c.accountId() == null ? "" : " " + c.accountId())
                    + "]  " + c.label() + "  outcome " + c.outcome() + "  seq " + c.seq() + "  (" + w.why() + ")");
        }
    }
}
