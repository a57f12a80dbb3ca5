package dev.mcpaudit.cli.replay;

import dev.mcpaudit.schema.compare.Difference;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The report as Markdown, for a pull-request comment: one table row per call, differences inside the row. */
final class ReplayMarkdown {
    private ReplayMarkdown() {}

    static void write(PrintWriter out, ReplayReport report) {
        out.println("## " + (report.dryRun() ? "Replay plan" : "Replay") + ": " + report.sourceDescription());
        out.println();
        out.println("Fixture `" + cell(report.input()) + "` against `" + cell(report.endpoint().toString()) + "` ("
                + report.targetRule() + ")." + (report.dryRun() ? " Dry run: nothing was sent." : ""));
        out.println();
        writeCatalogue(out, report.catalogue());
        out.println("| # | seq | profile | call | status | detail |");
        out.println("|---:|---:|---|---|---|---|");
        for (ReplayReport.Entry e : report.entries()) {
            ReplayPlan.PlannedCall p = e.planned();
            String tag = e.status().tag(report.dryRun());
            out.println("| " + p.number() + " | " + p.call().seq() + " | " + cell(p.profileLabel()) + " | `" + cell(p.description())
                    + "` | " + (e.status().isDrift() ? "**" + tag + "**" : tag) + " | " + detail(e) + " |");
        }
        out.println();
        out.println("**" + (report.dryRun() ? "Plan" : "Result") + ":** " + report.summary().sentence(report.dryRun())
                + report.catalogueSentence() + " Exit " + report.exitCode() + ".");
    }

    /** The server's catalogue as its own small table, before the calls; nothing when nothing was compared. */
    private static void writeCatalogue(PrintWriter out, List<CatalogueEntry> catalogue) {
        if (catalogue.isEmpty()) {
            return;
        }
        out.println("| catalogue | answer | status | detail |");
        out.println("|---|---|---|---|");
        for (CatalogueEntry c : catalogue) {
            List<String> parts = new ArrayList<>();
            if (c.note() != null) {
                parts.add(cell(c.note()));
            }
            parts.addAll(differences(c.differences()));
            String tag = c.status().tag;
            out.println("| " + cell(c.profileLabel()) + " | " + (c.method() == null ? "-" : "`" + c.method() + "`") + " | "
                    + (c.isDrift() ? "**" + tag + "**" : tag) + " | " + String.join("<br>", parts) + " |");
        }
        out.println();
    }
    private static String detail(ReplayReport.Entry e) {
        List<String> parts = new ArrayList<>();
        String reason = ReplayText.detail(e);
        if (reason != null) {
            parts.add(cell(reason));
        }
        parts.addAll(differences(e.verdict().differences()));
        return String.join("<br>", parts);
    }

    /** The first few differences as {@code `pointer`: `old` → `new`}, and how many more. */
    private static List<String> differences(List<Difference> differences) {
        List<String> parts = new ArrayList<>();
        differences.stream().limit(ReplayText.SHOWN_DIFFERENCES)
                .forEach(d -> parts.add("`" + cell(d.pointer()) + "`: `" + cell(ReplayText.value(d.recorded())) + "` &rarr; `"
                        + cell(ReplayText.value(d.actual())) + "`"));
        if (differences.size() > ReplayText.SHOWN_DIFFERENCES) {
            parts.add("and " + (differences.size() - ReplayText.SHOWN_DIFFERENCES) + " more");
        }
        return parts;
    }

    /** Pipes and line breaks would end the cell or the row. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}
