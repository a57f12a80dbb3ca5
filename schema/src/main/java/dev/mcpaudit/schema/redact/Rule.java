package dev.mcpaudit.schema.redact;

/** One named redaction rule; the name appears in every marker it writes. */
public sealed interface Rule permits KeyRule, ValueRule, FlagRule, AssignmentRule, PairRule, ModelRule {
    String name();

    /** The rule file's {@code type} for this kind of rule. */
    String type();
}
