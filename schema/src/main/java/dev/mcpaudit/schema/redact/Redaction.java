package dev.mcpaudit.schema.redact;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A redacted copy of a value and what was hidden where (rule names and paths, never the secrets). */
public record Redaction(JsonNode value, List<Finding> findings) {

    /** One hidden value: the rule that fired and where, e.g. {@code $.arguments.cli_command --password}. */
    public record Finding(String rule, String path) {}
}
