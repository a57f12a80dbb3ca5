package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.cli.replay.DiffReport.Entry;
import dev.mcpaudit.cli.replay.DiffReport.Line;
import java.util.ArrayList;
import java.util.List;

/** How the text and Markdown reports write values and the reasons a pair differs, cut to a readable length. */
final class DiffValues {
    /** Longest value shown in a report line; JSON output keeps values whole. */
    static final int MAX_VALUE = 80;
    /** Differing paths listed per pair before "… and N more". */
    static final int MAX_PATHS = 10;

    private DiffValues() {}

    /** The value as JSON, cut to {@value #MAX_VALUE} characters; {@code (absent)} for a missing one. */
    static String show(JsonNode value) {
        if (value == null) {
            return "(absent)";
        }
        return cut(value.toString(), MAX_VALUE);
    }

    static String cut(String text, int max) {
        String oneLine = text.replace("\n", "\\n");
        return oneLine.length() > max ? oneLine.substring(0, max - 3) + "..." : oneLine;
    }

    /** {@code result /content/0/text/State: "running" -> "stopped"}. */
    static String describe(Entry e) {
        String pointer = e.difference().pointer().isEmpty() ? "(whole)" : e.difference().pointer();
        return e.in() + " " + pointer + ": " + show(e.difference().recorded()) + " -> " + show(e.difference().actual());
    }

    /** {@code args {"cli_command":"aws s3 ls"}, outcome ok}: what a call on one side only did. */
    static String unpaired(DiffCall call) {
        return "args " + (call.args() == null ? "(none)" : cut(call.args().toString(), 2 * MAX_VALUE)) + ", outcome " + call.outcome();
    }

    /** Why a line is not SAME: outcome, hash-only, the first paths, volatile paths ignored. */
    static List<String> reasons(Line line) {
        List<String> out = new ArrayList<>();
        if (line.outcomeChanged()) {
            String error = line.b().error() != null ? line.b().error() : line.a().error();
            out.add("outcome " + line.a().outcome() + " -> " + line.b().outcome() + (error == null ? "" : ": " + cut(error, MAX_VALUE)));
        }
        if (line.hashOnly()) {
            String missing = line.a().result() == null && line.b().result() == null ? "neither side has a recorded result body"
                    : (line.a().result() == null ? "A" : "B") + " has no recorded result body";
            out.add("result differs (hash only: " + missing + "; record with --record-results to see where)");
        }
        line.entries().stream().limit(MAX_PATHS).forEach(e -> out.add(describe(e)));
        if (line.entries().size() > MAX_PATHS) {
            out.add("... and " + (line.entries().size() - MAX_PATHS) + " more path(s)");
        }
        if (line.ignoredPaths() > 0) {
            out.add("(" + line.ignoredPaths() + " volatile path" + (line.ignoredPaths() == 1 ? "" : "s") + " ignored)");
        }
        return out;
    }

    /** {@code A#3} or {@code A#1-4} for a collapsed run; empty when the side has no call on the row. */
    static String indexes(String side, List<Line> row) {
        List<DiffCall> calls = row.stream().map(l -> side.equals("A") ? l.a() : l.b()).filter(c -> c != null).toList();
        if (calls.isEmpty()) {
            return "";
        }
        int first = calls.get(0).index();
        int last = calls.get(calls.size() - 1).index();
        return side + "#" + first + (last == first ? "" : "-" + last);
    }

    /** {@code [dev]} or {@code [staging|prod]}: the profiles of a pair. */
    static String profiles(Line line) {
        String pa = line.a() == null ? null : line.a().profile();
        String pb = line.b() == null ? null : line.b().profile();
        if (pa == null || pb == null || pa.equals(pb)) {
            return "[" + (pa != null ? pa : pb) + "]";
        }
        return "[" + pa + "|" + pb + "]";
    }

    /** The call a line is about, from A when it has it. */
    static DiffCall callOf(Line line) {
        return line.a() != null ? line.a() : line.b();
    }

    /** {@code seq 12/40}, {@code seq 12}: where to find the calls in their logs or fixtures. */
    static String seqs(Line line) {
        if (line.a() != null && line.b() != null) {
            return "seq " + line.a().seq() + "/" + line.b().seq();
        }
        return "seq " + callOf(line).seq();
    }
}
