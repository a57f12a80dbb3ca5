package dev.mcpaudit.schema.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * What makes two calls "the same call" for mock matching and session diffs: the tool and the RFC
 * 8785 canonical JSON of its arguments, with the members the volatile rules ignore (e.g.
 * {@code _meta}) taken out and redaction markers reduced to their rule, so a fixture keeps matching
 * across logs with different fingerprint keys. Values of volatile shape are kept: a call for another
 * time range is another call.
 */
public record CallKey(String tool, String arguments) {
    public static CallKey of(String tool, JsonNode arguments, VolatileRules rules) {
        if (tool == null) {
            throw new IllegalArgumentException("a call key needs the tool name");
        }
        return new CallKey(tool, NormalForm.withoutVolatileKeys(arguments == null ? NullNode.getInstance() : arguments, rules));
    }

    /** The key as one string, for maps and for {@link SequenceAlignment}. */
    @Override
    public String toString() {
        return tool + " " + arguments;
    }
}
