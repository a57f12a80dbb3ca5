package dev.mcpaudit.cli.replay;

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
        CatalogueRendering.markdown(out, report.catalogue());
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

    private static String detail(ReplayReport.Entry e) {
        List<String> parts = new ArrayList<>();
        String reason = ReplayText.detail(e);
        if (reason != null) {
            parts.add(cell(reason));
        }
        parts.addAll(CatalogueRendering.markdownDifferences(e.verdict().differences()));
        return String.join("<br>", parts);
    }

    /** Pipes and line breaks would end the cell or the row. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}
