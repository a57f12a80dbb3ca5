package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.schema.compare.Difference;
import java.io.PrintWriter;
import java.util.List;

/**
 * The terminal report: a header, one line per call led by an ASCII status tag (so logs grep
 * well), indented pointers under a CHANGED call, and a summary line.
 *
 * <pre>
 * replay  fixture s3.mcpfix.json: session sess-1 of log log-1, 2 calls
 * target  http://127.0.0.1:4711/mcp  [mock on loopback: every call is sent except denied and cancelled ones]
 * CATALOGUE  SAME     dev  initialize
 * CATALOGUE  CHANGED  dev  tools/list
 *              /tools/0/inputSchema/properties/region: (absent) -> {"type":"string"}
 * MATCH    #1  seq 3  dev  aws___call_aws s3 ls
 * CHANGED  #2  seq 5  dev  aws___call_aws ec2 describe-instances  (1 volatile path ignored)
 *            /content/0/text/Reservations/0/State/Name: "running" -> "stopped"
 * Result: 2 calls: 1 match, 1 changed, 0 outcome changed, 0 missing, 0 hash-only, 0 skipped. First drift: #2 (seq 5). Exit 1.
 * </pre>
 */
final class ReplayText {
    /** Differences listed per call; the rest are counted. */
    static final int SHOWN_DIFFERENCES = 5;
    private static final int SHOWN_VALUE = 80;

    private ReplayText() {}

    static void write(PrintWriter out, ReplayReport report) {
        List<ReplayReport.Entry> entries = report.entries();
        out.println("replay  fixture " + report.input() + ": " + report.sourceDescription() + ", " + entries.size() + " call"
                + (entries.size() == 1 ? "" : "s"));
        out.println("target  " + report.endpoint() + "  [" + report.targetRule() + "]");
        if (report.dryRun()) {
            out.println("plan    dry run: nothing is sent and no proxy is started");
        }
        CatalogueRendering.text(out, report.catalogue());
        int tagWidth = 0;
        int numberWidth = 0;
        int seqWidth = 0;
        int profileWidth = 0;
        for (ReplayReport.Entry e : entries) {
            tagWidth = Math.max(tagWidth, e.status().tag(report.dryRun()).length());
            numberWidth = Math.max(numberWidth, ("#" + e.planned().number()).length());
            seqWidth = Math.max(seqWidth, ("seq " + e.planned().call().seq()).length());
            profileWidth = Math.max(profileWidth, e.planned().profileLabel().length());
        }
        String indent = " ".repeat(tagWidth + 2 + numberWidth + 2);
        for (ReplayReport.Entry e : entries) {
            StringBuilder line = new StringBuilder()
                    .append(pad(e.status().tag(report.dryRun()), tagWidth)).append("  ")
                    .append(pad("#" + e.planned().number(), numberWidth)).append("  ")
                    .append(pad("seq " + e.planned().call().seq(), seqWidth)).append("  ")
                    .append(pad(e.planned().profileLabel(), profileWidth)).append("  ")
                    .append(e.planned().description());
            String detail = detail(e);
            if (detail != null) {
                line.append("  ").append(e.status() == CallStatus.MATCH || e.status() == CallStatus.CHANGED ? "(" + detail + ")" : detail);
            }
            out.println(line.toString().stripTrailing());
            List<Difference> differences = e.verdict().differences();
            differences.stream().limit(SHOWN_DIFFERENCES).forEach(d -> out.println(indent + difference(d)));
            if (differences.size() > SHOWN_DIFFERENCES) {
                out.println(indent + "and " + (differences.size() - SHOWN_DIFFERENCES) + " more");
            }
        }
        ReplayReport.Summary summary = report.summary();
        out.println((report.dryRun() ? "Plan: " : "Result: ") + summary.sentence(report.dryRun()) + report.catalogueSentence()
                + " Exit " + report.exitCode() + ".");
    }

    /** The reason, or for a call sent only because --allow-writes allowed it, that note. */
    static String detail(ReplayReport.Entry e) {
        if (e.verdict().reason() != null) {
            return e.verdict().reason();
        }
        return e.planned().decision().note();
    }

    /** {@code /path: "running" -> "stopped"}; a side that is absent reads {@code (absent)}. */
    static String difference(Difference d) {
        return (d.pointer().isEmpty() ? "(whole result)" : d.pointer()) + ": " + value(d.recorded()) + " -> " + value(d.actual());
    }

    /** Compact JSON, cut to a readable length. */
    static String value(JsonNode value) {
        if (value == null) {
            return "(absent)";
        }
        String text = value.toString();
        return text.length() <= SHOWN_VALUE ? text : text.substring(0, SHOWN_VALUE) + "...";
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
