package dev.mcpaudit.schema.compare;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One place where the actual JSON differs from the recorded one.
 *
 * @param pointer  RFC 6901 pointer to the place. In an array aligned by identity or by content, the
 *                 index is the actual side's for CHANGED, TYPE and ADDED and the recorded side's for
 *                 REMOVED. Inside JSON held as text in an MCP {@code content[].text}, the pointer
 *                 continues into the parsed text: {@code /content/0/text/Reservations/0/...}.
 * @param recorded the recorded value; null when it was ADDED
 * @param actual   the actual value; null when it was REMOVED
 */
public record Difference(String pointer, Kind kind, JsonNode recorded, JsonNode actual) {
    public enum Kind {
        /** Same type, other value. */
        CHANGED,
        /** Present only on the actual side. */
        ADDED,
        /** Present only on the recorded side. */
        REMOVED,
        /** The JSON types differ, e.g. a string became a number or an object became null. */
        TYPE
    }

    public Difference {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(kind, "kind");
        if ((recorded == null) != (kind == Kind.ADDED) || (actual == null) != (kind == Kind.REMOVED)) {
            throw new IllegalArgumentException(kind + " at " + pointer + " needs "
                    + (kind == Kind.ADDED ? "only an actual value" : kind == Kind.REMOVED ? "only a recorded value" : "both values"));
        }
    }

    @Override
    public String toString() {
        return kind + " " + pointer + ": " + recorded + " -> " + actual;
    }
}
