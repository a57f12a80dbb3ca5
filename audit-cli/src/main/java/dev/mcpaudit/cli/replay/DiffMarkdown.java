package dev.mcpaudit.cli.replay;

import dev.mcpaudit.cli.replay.DiffReport.Line;
import dev.mcpaudit.cli.replay.DiffReport.OneSidedWrite;
import dev.mcpaudit.cli.replay.DiffReport.Status;
import java.io.PrintWriter;
import java.util.List;

/** The diff as Markdown, for a pull-request comment: a header table, one table row per call, the one-sided writes. */
final class DiffMarkdown {
    private DiffMarkdown() {}

    static void write(DiffReport report, boolean all, PrintWriter out) {
        out.println("## audit-cli diff");
        out.println();
        out.println("| | |");
        out.println("|---|---|");
        out.println("| A | " + cell(report.a().describe()) + " |");
        out.println("| B | " + cell(report.b().describe()) + " |");
        report.accounts().forEach((from, to) -> out.println("| normalised | account " + from + " → " + to + " in A |"));
        String hint = report.accounts().isEmpty() ? DiffHints.accountMapping(report) : null;
        if (hint != null) {
            out.println("| hint | " + cell(hint) + " |");
        }
        out.println("| result | " + cell(report.summary()) + "; " + report.ignoredPaths() + " volatile paths ignored |");
        Line first = report.firstDivergence();
        out.println("| first divergence | " + (first == null ? "none" : cell(DiffHints.position(first))) + " |");
        out.println();
        CatalogueRendering.markdown(out, report.catalogue());
        out.println("| | A | B | call | what differs |");
        out.println("|---|---|---|---|---|");
        for (List<Line> row : report.rows(all)) {
            Line line = row.get(0);
            String call;
            String what;
            if (row.size() > 1) {
                call = row.size() + " calls";
                what = line.status() == Status.SAME ? "same tool, arguments and result"
                        : "volatile fields only (" + row.stream().mapToInt(Line::ignoredPaths).sum() + " paths ignored)";
            } else {
                DiffCall c = DiffValues.callOf(line);
                call = "`" + cell(c.label()) + "` " + cell(DiffValues.profiles(line)) + (c.write() ? " **write**" : "");
                what = line.status() == Status.ONLY_A || line.status() == Status.ONLY_B ? code(DiffValues.unpaired(c))
                        : String.join("<br>", DiffValues.reasons(line).stream().map(DiffMarkdown::code).toList());
            }
            out.println("| " + line.status().symbol + " | " + DiffValues.indexes("A", row) + " | " + DiffValues.indexes("B", row)
                    + " | " + call + " | " + what + " |");
        }
        out.println();
        out.println("### Writes present on one side only");
        out.println();
        if (report.oneSidedWrites().isEmpty()) {
            out.println("None.");
        }
        for (OneSidedWrite w : report.oneSidedWrites()) {
            DiffCall c = w.call();
            out.println("- " + w.side() + "#" + c.index() + " `" + cell(c.label()) + "` in " + cell(c.profile())
                    + (c.accountId() == null ? "" : " (" + c.accountId() + ")") + ", outcome " + c.outcome() + ": " + cell(w.why()));
        }
    }

    /** Text safe inside a table cell: pipes escaped, no line breaks. */
    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }

    private static String code(String reason) {
        return cell(reason).replace("`", "'");
    }
}
