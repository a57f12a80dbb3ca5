package dev.mcpaudit.schema.redact;

/**
 * Finds {@code name=value}, {@code name: value} and {@code name = "literal"} inside free text and
 * scripts, and redacts the value when a {@link KeyRule} matches the name. The marker names the key
 * rule that matched, so a reviewer sees why.
 */
public record AssignmentRule(String name) implements Rule {
    @Override
    public String type() {
        return "assignment";
    }
}
