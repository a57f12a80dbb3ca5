package dev.mcpaudit.cli.replay;

import dev.mcpaudit.schema.compare.Difference;
import java.util.List;

/**
 * One part of a server's catalogue compared: a profile's answer to {@code initialize} or to
 * {@code tools/list}, recorded (or side A) against replayed (or side B).
 *
 * @param profile     the recorded profile (side A's in a diff); null only for "nothing recorded at all"
 * @param sentAs      the profile it was replayed as (side B's in a diff); null when the same
 * @param method      {@code initialize} or {@code tools/list}; null only for "nothing recorded at all"
 * @param differences the differences that count, by RFC 6901 pointer into the result
 * @param note        why there was nothing to compare, when there was not
 */
record CatalogueEntry(String profile, String sentAs, String method, Status status, List<Difference> differences,
        int ignoredPaths, String note) {

    CatalogueEntry {
        differences = List.copyOf(differences);
    }

    enum Status {
        SAME("same", "SAME"),
        CHANGED("changed", "CHANGED"),
        /** One side holds no such answer because it was recorded without it: nothing to compare, not drift. */
        NOT_RECORDED("not recorded", "NOT-RECORDED"),
        /** Only side A's session initialised this profile. */
        ONLY_A("only_a", "ONLY-A"),
        /** Only side B's session initialised this profile. */
        ONLY_B("only_b", "ONLY-B");

        /** The name in JSON output. */
        final String wire;
        /** The ASCII tag in text output. */
        final String tag;

        Status(String wire, String tag) {
            this.wire = wire;
            this.tag = tag;
        }
    }

    /** Only a changed answer is drift: a part missing on one side says how it was recorded, not what upstream serves. */
    boolean isDrift() {
        return status == Status.CHANGED;
    }

    /** {@code dev}, or {@code prod->readonly-prod} when the other side used another profile. */
    String profileLabel() {
        if (profile == null) {
            return sentAs == null ? "-" : sentAs;
        }
        return sentAs == null || sentAs.equals(profile) ? profile : profile + "->" + sentAs;
    }

    /** {@code dev  tools/list}, or {@code (no server answers)} when nothing was recorded at all. */
    String subject() {
        return method == null ? "(no server answers)" : profileLabel() + "  " + method;
    }
}
