package dev.mcpaudit.cli.replay;

import dev.mcpaudit.schema.compare.Difference;
import dev.mcpaudit.schema.compare.VolatileRules;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code audit-cli diff} found: the two sides lined up call by call, and the writes made on one
 * side only. The renderers ({@link DiffText}, {@link DiffJson}, {@link DiffMarkdown}) only format it.
 *
 * @param accounts       {@code --map-account}: A's account ids rewritten to B's before comparing
 * @param rules          the volatile rules the comparison applied
 * @param lines          every call of both sides, in reading order
 * @param oneSidedWrites writes that took place, or were attempted, on one side only
 * @param catalogue      A's server catalogue (initialize, tools/list per profile) against B's; empty with --profiles
 */
record DiffReport(DiffSide a, DiffSide b, Map<String, String> accounts, VolatileRules rules, List<Line> lines,
        List<OneSidedWrite> oneSidedWrites, List<CatalogueEntry> catalogue) {

    DiffReport {
        accounts = Map.copyOf(accounts);
        lines = List.copyOf(lines);
        oneSidedWrites = List.copyOf(oneSidedWrites);
        catalogue = List.copyOf(catalogue);
    }

    /** How a call of A relates to its counterpart in B. */
    enum Status {
        /** Same call, same result (by hash, or by body once normalised). */
        SAME("same", "=", "SAME"),
        /** Same call; the results differ only where the volatile rules say differences do not count. */
        SIMILAR("similar", "≈", "SIMILAR"),
        /** The same tool on both sides, but other arguments, another outcome or another result. */
        CHANGED("changed", "≠", "CHANGED"),
        /** Only in A. */
        ONLY_A("only_a", "−", "ONLY-A"),
        /** Only in B. */
        ONLY_B("only_b", "+", "ONLY-B");

        /** The name in JSON output. */
        final String wire;
        /** The sign in Markdown output. */
        final String symbol;
        /** The ASCII tag in text output. */
        final String tag;

        Status(String wire, String symbol, String tag) {
            this.wire = wire;
            this.symbol = symbol;
            this.tag = tag;
        }

        boolean isDivergence() {
            return this == CHANGED || this == ONLY_A || this == ONLY_B;
        }
    }

    /** Where a difference is: in the arguments or in the result. */
    record Entry(String in, Difference difference) {}

    /**
     * One line of the diff; {@code a} or {@code b} is null for a call on one side only.
     *
     * @param entries       the differences that count, arguments first
     * @param ignoredPaths  places that differed but were ignored as volatile
     * @param hashOnly      the results differ by {@code result_sha256} and a side has no recorded body to show how
     * @param outcomeChanged the calls ended differently ({@code ok} on one side, {@code tool_error} on the other, …)
     */
    record Line(Status status, DiffCall a, DiffCall b, List<Entry> entries, int ignoredPaths, boolean hashOnly,
            boolean outcomeChanged) {
        Line {
            entries = List.copyOf(entries);
        }
    }

    /** A write on one side that the other side did not make: unpaired, made with other arguments, or ending otherwise. */
    record OneSidedWrite(String side, DiffCall call, String why) {}

    Map<Status, Integer> counts() {
        Map<Status, Integer> counts = new EnumMap<>(Status.class);
        for (Status s : Status.values()) {
            counts.put(s, 0);
        }
        lines.forEach(l -> counts.merge(l.status(), 1, Integer::sum));
        return counts;
    }

    int ignoredPaths() {
        return lines.stream().mapToInt(Line::ignoredPaths).sum();
    }

    /** A call that differs, or a changed server catalogue. */
    boolean hasDivergence() {
        return lines.stream().anyMatch(l -> l.status().isDivergence()) || catalogueChanged();
    }

    boolean catalogueChanged() {
        return catalogue.stream().anyMatch(CatalogueEntry::isDrift);
    }

    /** The first changed, removed or added call; null when there is none. */
    Line firstDivergence() {
        return lines.stream().filter(l -> l.status().isDivergence()).findFirst().orElse(null);
    }

    /** Each line, or, unless {@code all}, each run of {@code =} or of {@code ≈} lines as one row. */
    List<List<Line>> rows(boolean all) {
        List<List<Line>> rows = new ArrayList<>();
        for (Line line : lines) {
            List<Line> last = rows.isEmpty() ? null : rows.get(rows.size() - 1);
            boolean collapsible = !all && !line.status().isDivergence();
            if (collapsible && last != null && last.get(0).status() == line.status()) {
                last.add(line);
            } else {
                List<Line> row = new ArrayList<>();
                row.add(line);
                rows.add(row);
            }
        }
        return rows;
    }

    /** One sentence of counts: {@code 3 same, 1 similar, 1 changed, 0 only in A, 2 only in B}. */
    String summary() {
        Map<Status, Integer> c = counts();
        return c.get(Status.SAME) + " same, " + c.get(Status.SIMILAR) + " similar (volatile fields only), "
                + c.get(Status.CHANGED) + " changed, " + c.get(Status.ONLY_A) + " only in A, " + c.get(Status.ONLY_B) + " only in B"
                + (catalogueChanged() ? "; the server's catalogue changed" : "");
    }
}
