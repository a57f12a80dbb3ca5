package dev.mcpaudit.cli.replay;

import dev.mcpaudit.cli.replay.DiffReport.Line;
import java.util.Set;

/** Sentences every report format shares: where the first divergence is, and when --map-account would help. */
final class DiffHints {
    private DiffHints() {}

    /** {@code A#5 (seq 1015) / B#5 (seq 2040)}, or one side for a call on one side only. */
    static String position(Line line) {
        String a = line.a() == null ? null : "A#" + line.a().index() + " (seq " + line.a().seq() + ")";
        String b = line.b() == null ? null : "B#" + line.b().index() + " (seq " + line.b().seq() + ")";
        return a != null && b != null ? a + " / " + b : a != null ? a + ", only in A" : b + ", only in B";
    }

    /**
     * When each side used one account and they differ, a hint that {@code --map-account} lines them up
     * (every ARN would otherwise differ); null when it does not apply.
     */
    static String accountMapping(DiffReport report) {
        Set<String> a = report.a().accounts();
        Set<String> b = report.b().accounts();
        if (a.size() == 1 && b.size() == 1 && !a.equals(b)) {
            return "A used account " + a.iterator().next() + " and B " + b.iterator().next() + "; add --map-account "
                    + a.iterator().next() + "=" + b.iterator().next() + " to compare them as one";
        }
        return null;
    }
}
