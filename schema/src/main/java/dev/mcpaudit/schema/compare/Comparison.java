package dev.mcpaudit.schema.compare;

import java.util.List;

/**
 * The outcome of comparing recorded JSON with actual JSON.
 *
 * @param differences  the differences that count, in reading order
 * @param ignoredPaths how many places differed but were ignored as volatile; reported so that noise
 *                     suppression stays visible ("2 volatile paths ignored")
 */
public record Comparison(List<Difference> differences, int ignoredPaths) {
    public Comparison {
        differences = List.copyOf(differences);
        if (ignoredPaths < 0) {
            throw new IllegalArgumentException("ignoredPaths < 0");
        }
    }

    /** Identical, volatile fields included (values equal by number, redaction markers by rule). */
    public boolean equal() {
        return differences.isEmpty() && ignoredPaths == 0;
    }

    /** Differs, but only where the volatile rules say differences do not count. */
    public boolean volatileOnly() {
        return differences.isEmpty() && ignoredPaths > 0;
    }

    /** No difference that counts: {@link #equal()} or {@link #volatileOnly()}. */
    public boolean matches() {
        return differences.isEmpty();
    }
}
