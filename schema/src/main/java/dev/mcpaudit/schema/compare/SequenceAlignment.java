package dev.mcpaudit.schema.compare;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.ToDoubleBiFunction;

/**
 * Lines two sequences up the way a person reads a diff: items with equal keys are matched along a
 * longest common subsequence ({@link CommonSubsequence}); between two matches, the leftovers are
 * paired as CHANGED when {@code pairable} allows it and they are at least {@value #MIN_SIMILARITY}
 * similar, so "the same call with other arguments" reads as one change rather than a removal and an
 * addition. Deterministic: on ties the earlier item wins.
 */
public final class SequenceAlignment {
    /** Below this similarity two leftovers are reported as removed and added, not as one change. */
    public static final double MIN_SIMILARITY = 0.5;

    // Leftovers between two matches are paired by an exact table when the stretch is small (every
    // cell costs one similarity, e.g. a JSON walk); a larger stretch (two sessions with little in
    // common) gets a greedy pairing over a short window.
    private static final long EXACT_PAIRING_LIMIT = 40_000;
    private static final int GREEDY_WINDOW = 32;

    private SequenceAlignment() {}

    /** One line of an alignment; {@code a}/{@code b} are null (and their index -1) on the side that lacks the item. */
    public record Step<T>(Kind kind, int aIndex, T a, int bIndex, T b) {
        public enum Kind { SAME, CHANGED, REMOVED, ADDED }

        static <T> Step<T> same(int i, T a, int j, T b) {
            return new Step<>(Kind.SAME, i, a, j, b);
        }

        static <T> Step<T> changed(int i, T a, int j, T b) {
            return new Step<>(Kind.CHANGED, i, a, j, b);
        }

        static <T> Step<T> removed(int i, T a) {
            return new Step<>(Kind.REMOVED, i, a, -1, null);
        }

        static <T> Step<T> added(int j, T b) {
            return new Step<>(Kind.ADDED, -1, null, j, b);
        }
    }

    /**
     * Aligns {@code a} (e.g. the recorded session) with {@code b} (the other one).
     *
     * @param key        what makes two items "the same" (e.g. {@link CallKey})
     * @param similarity how alike two items with different keys are, from 0 to 1
     * @param pairable   whether two items may be reported as one changed item at all (e.g. same tool)
     */
    public static <T> List<Step<T>> align(List<T> a, List<T> b, Function<T, String> key,
            ToDoubleBiFunction<T, T> similarity, BiPredicate<T, T> pairable) {
        Map<String, Integer> tokens = new HashMap<>();
        int[] ka = tokenize(a, key, tokens);
        int[] kb = tokenize(b, key, tokens);
        int[] partner = CommonSubsequence.partners(ka, kb);

        Pairing<T> pairing = new Pairing<>(a, b, similarity, pairable);
        int i = 0;
        int j = 0;
        for (int anchor = 0; anchor < a.size(); anchor++) {
            if (partner[anchor] < 0) {
                continue;
            }
            pairing.gap(i, anchor, j, partner[anchor]);
            pairing.steps.add(Step.same(anchor, a.get(anchor), partner[anchor], b.get(partner[anchor])));
            i = anchor + 1;
            j = partner[anchor] + 1;
        }
        pairing.gap(i, a.size(), j, b.size());
        return List.copyOf(pairing.steps);
    }

    private static <T> int[] tokenize(List<T> items, Function<T, String> key, Map<String, Integer> tokens) {
        int[] out = new int[items.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = tokens.computeIfAbsent(key.apply(items.get(i)), k -> tokens.size());
        }
        return out;
    }

    /** Pairs the leftovers of one stretch between two matches, and writes the steps in reading order. */
    private static final class Pairing<T> {
        final List<Step<T>> steps = new ArrayList<>();
        final List<T> a;
        final List<T> b;
        final ToDoubleBiFunction<T, T> similarity;
        final BiPredicate<T, T> pairable;

        Pairing(List<T> a, List<T> b, ToDoubleBiFunction<T, T> similarity, BiPredicate<T, T> pairable) {
            this.a = a;
            this.b = b;
            this.similarity = similarity;
            this.pairable = pairable;
        }

        /** Pair weight, or NaN when the two may not be paired. */
        double weight(int i, int j) {
            T x = a.get(i);
            T y = b.get(j);
            if (!pairable.test(x, y)) {
                return Double.NaN;
            }
            double s = similarity.applyAsDouble(x, y);
            return s >= MIN_SIMILARITY ? s : Double.NaN;
        }

        void gap(int aFrom, int aTo, int bFrom, int bTo) {
            int k = aTo - aFrom;
            int l = bTo - bFrom;
            if (k == 0 || l == 0) {
                for (int i = aFrom; i < aTo; i++) {
                    steps.add(Step.removed(i, a.get(i)));
                }
                for (int j = bFrom; j < bTo; j++) {
                    steps.add(Step.added(j, b.get(j)));
                }
            } else if ((long) k * l <= EXACT_PAIRING_LIMIT) {
                exact(aFrom, k, bFrom, l);
            } else {
                greedy(aFrom, aTo, bFrom, bTo);
            }
        }

        /**
         * The order-keeping pairing with the highest total similarity. The table is filled from the
         * end so that walking it from the start can prefer, among equal totals, pairing first, then
         * the earlier removal: the earliest candidate wins a tie.
         */
        private void exact(int aFrom, int k, int bFrom, int l) {
            int width = l + 1;
            double[] best = new double[(k + 1) * width]; // best total over a[i..k) × b[j..l)
            double[] w = new double[k * l];
            for (int i = k - 1; i >= 0; i--) {
                for (int j = l - 1; j >= 0; j--) {
                    double pair = weight(aFrom + i, bFrom + j);
                    w[i * l + j] = pair;
                    double value = Math.max(best[(i + 1) * width + j], best[i * width + j + 1]);
                    if (!Double.isNaN(pair)) {
                        value = Math.max(value, pair + best[(i + 1) * width + j + 1]);
                    }
                    best[i * width + j] = value;
                }
            }
            int i = 0;
            int j = 0;
            while (i < k && j < l) {
                double here = best[i * width + j];
                double pair = w[i * l + j];
                if (!Double.isNaN(pair) && pair + best[(i + 1) * width + j + 1] == here) {
                    steps.add(Step.changed(aFrom + i, a.get(aFrom + i), bFrom + j, b.get(bFrom + j)));
                    i++;
                    j++;
                } else if (best[(i + 1) * width + j] == here) {
                    steps.add(Step.removed(aFrom + i, a.get(aFrom + i)));
                    i++;
                } else {
                    steps.add(Step.added(bFrom + j, b.get(bFrom + j)));
                    j++;
                }
            }
            gap(aFrom + i, aFrom + k, bFrom + j, bFrom + l);
        }

        /** Each leftover of a, in order, takes the most similar of the next few unpaired items of b. */
        private void greedy(int aFrom, int aTo, int bFrom, int bTo) {
            int cursor = bFrom;
            for (int i = aFrom; i < aTo; i++) {
                int chosen = -1;
                double chosenWeight = 0;
                for (int j = cursor; j < bTo && j < cursor + GREEDY_WINDOW; j++) {
                    double pair = weight(i, j);
                    if (!Double.isNaN(pair) && pair > chosenWeight) {
                        chosen = j;
                        chosenWeight = pair;
                    }
                }
                if (chosen < 0) {
                    steps.add(Step.removed(i, a.get(i)));
                    continue;
                }
                for (int j = cursor; j < chosen; j++) {
                    steps.add(Step.added(j, b.get(j)));
                }
                steps.add(Step.changed(i, a.get(i), chosen, b.get(chosen)));
                cursor = chosen + 1;
            }
            for (int j = cursor; j < bTo; j++) {
                steps.add(Step.added(j, b.get(j)));
            }
        }
    }
}
