package dev.mcpaudit.cli.replay;

import dev.mcpaudit.schema.compare.Difference;
import com.fasterxml.jackson.databind.node.TextNode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.mcpaudit.cli.replay.DiffReport.Entry;
import dev.mcpaudit.cli.replay.DiffReport.Line;
import dev.mcpaudit.cli.replay.DiffReport.OneSidedWrite;
import dev.mcpaudit.cli.replay.DiffReport.Status;
import dev.mcpaudit.schema.compare.CallKey;
import dev.mcpaudit.schema.compare.Comparison;
import dev.mcpaudit.schema.compare.JsonComparison;
import dev.mcpaudit.schema.compare.JsonSimilarity;
import dev.mcpaudit.schema.compare.SequenceAlignment;
import dev.mcpaudit.schema.compare.SequenceAlignment.Step;
import dev.mcpaudit.schema.compare.VolatileRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Lines up the calls of two sides and says, per pair, how they differ. Calls are aligned by tool and
 * normalised arguments ({@link CallKey}); leftovers of the same tool are paired by argument
 * similarity, so "the same call with other arguments" is one changed call, not a removal and an
 * addition. A pair's results are equal when their {@code result_sha256} is; otherwise their bodies
 * are compared under the volatile rules.
 */
final class SessionDiff {
    private final VolatileRules rules;
    private final boolean accountsMapped;

    private SessionDiff(VolatileRules rules, boolean accountsMapped) {
        this.rules = rules;
        this.accountsMapped = accountsMapped;
    }

    /**
     * @param userRules the defaults plus {@code --ignore}/{@code --ignore-key}; a fixture's own volatile fields are added
     */
    static DiffReport compare(DiffSide a, DiffSide b, DiffAccountMap accounts, VolatileRules userRules) {
        VolatileRules rules = withFixtureRules(withFixtureRules(userRules, a), b);
        DiffSide mappedA = accounts.apply(a);
        SessionDiff diff = new SessionDiff(rules, !accounts.isEmpty());
        List<Step<DiffCall>> steps = SequenceAlignment.align(mappedA.calls(), b.calls(),
                call -> CallKey.of(call.callName(), call.args(), rules).toString(),
                (x, y) -> JsonSimilarity.between(x.args(), y.args()),
                (x, y) -> x.callName().equals(y.callName()));
        List<Line> lines = new ArrayList<>();
        List<OneSidedWrite> writes = new ArrayList<>();
        for (Step<DiffCall> step : steps) {
            // Report A's calls as recorded: the mapping only serves the comparison.
            DiffCall originalA = step.a() == null ? null : a.calls().get(step.aIndex());
            Line line = switch (step.kind()) {
                case REMOVED -> new Line(Status.ONLY_A, originalA, null, List.of(), 0, false, false);
                case ADDED -> new Line(Status.ONLY_B, null, step.b(), List.of(), 0, false, false);
                case SAME, CHANGED -> diff.pair(step.a(), step.b()).withA(originalA);
            };
            lines.add(line);
            writes.addAll(oneSided(line));
        }
        // --profiles compares two profiles of one session: one upstream, so no second catalogue to compare with.
        List<CatalogueEntry> catalogue = a.profile() != null || b.profile() != null ? List.of()
                : CatalogueComparison.ofDiff(a.servers(), b.servers());
        return new DiffReport(a, b, accounts.accounts(), rules, lines, writes, catalogue);
    }

    /** A fixture's own {@code volatile} fields (empty for a session) added to the rules. */
    private static VolatileRules withFixtureRules(VolatileRules rules, DiffSide side) {
        try {
            return rules.withIgnoredPointers(side.ignore()).withIgnoredKeys(side.ignoreKeys());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(side.name() + " (" + side.source() + ") has a volatile field the diff cannot use: "
                    + e.getMessage() + "; fix its \"volatile\" section or export it again.", e);
        }
    }

    private LineDraft pair(DiffCall a, DiffCall b) {
        List<Entry> entries = new ArrayList<>();
        int ignored = 0;
        Comparison args = JsonComparison.compare(orNull(a.args()), orNull(b.args()), rules);
        ignored += args.ignoredPaths();
        args.differences().forEach(d -> entries.add(new Entry("args", d)));

        // Approvals are compared between two logs only: a fixture does not carry them (null).
        if (a.approval() != null && b.approval() != null && !a.approval().equals(b.approval())) {
            entries.add(new Entry("approval", new Difference("", Difference.Kind.CHANGED,
                    TextNode.valueOf(a.approval()), TextNode.valueOf(b.approval()))));
        }
        boolean outcomeChanged = !Objects.equals(a.outcome(), b.outcome());
        boolean hashOnly = false;
        boolean sameHash = a.resultSha256() != null && a.resultSha256().equals(b.resultSha256());
        boolean bothBodies = a.result() != null && b.result() != null;
        if (sameHash && !(accountsMapped && bothBodies)) {
            // the same bytes upstream sent: nothing to compare (a mapped body is compared, the hash is of the unmapped one)
        } else if (bothBodies) {
            Comparison result = JsonComparison.compare(a.result(), b.result(), rules);
            ignored += result.ignoredPaths();
            result.differences().forEach(d -> entries.add(new Entry("result", d)));
        } else if (a.resultSha256() != null && b.resultSha256() != null) {
            hashOnly = true;
        } else if (!outcomeChanged && hasResult(a) != hasResult(b)) {
            hashOnly = true; // one side got a result, the other none, yet both ended alike: only the hash tells
        }
        Status status;
        if (!entries.isEmpty() || hashOnly || outcomeChanged) {
            status = Status.CHANGED;
        } else {
            status = ignored > 0 ? Status.SIMILAR : Status.SAME;
        }
        return new LineDraft(status, b, entries, ignored, hashOnly, outcomeChanged);
    }

    /** A line whose A side is filled in last, with A's call as recorded rather than as mapped. */
    private record LineDraft(Status status, DiffCall b, List<Entry> entries, int ignored, boolean hashOnly, boolean outcomeChanged) {
        Line withA(DiffCall a) {
            return new Line(status, a, b, entries, ignored, hashOnly, outcomeChanged);
        }
    }

    private static boolean hasResult(DiffCall call) {
        return call.resultSha256() != null || call.result() != null;
    }

    private static JsonNode orNull(JsonNode value) {
        return value == null ? NullNode.getInstance() : value;
    }

    /**
     * Writes the other side did not match: a call on one side only; a pair whose arguments differ
     * (each side's write is its own); a pair where the write went through on one side only.
     */
    private static List<OneSidedWrite> oneSided(Line line) {
        DiffCall a = line.a();
        DiffCall b = line.b();
        List<OneSidedWrite> out = new ArrayList<>();
        switch (line.status()) {
            case ONLY_A -> {
                if (a.write()) {
                    out.add(new OneSidedWrite("A", a, "only in A"));
                }
            }
            case ONLY_B -> {
                if (b.write()) {
                    out.add(new OneSidedWrite("B", b, "only in B"));
                }
            }
            case CHANGED -> {
                boolean argsDiffer = line.entries().stream().anyMatch(e -> e.in().equals("args"));
                boolean okA = "ok".equals(a.outcome());
                boolean okB = "ok".equals(b.outcome());
                if (argsDiffer) {
                    if (a.write()) {
                        out.add(new OneSidedWrite("A", a, "B#" + b.index() + " has other arguments"));
                    }
                    if (b.write()) {
                        out.add(new OneSidedWrite("B", b, "A#" + a.index() + " has other arguments"));
                    }
                } else if (a.write() && okA != okB) {
                    out.add(okA ? new OneSidedWrite("A", a, "succeeded only in A (B: " + b.outcome() + ")")
                            : new OneSidedWrite("B", b, "succeeded only in B (A: " + a.outcome() + ")"));
                }
            }
            default -> { }
        }
        return out;
    }
}
