package dev.mcpaudit.schema.redact;

/** A rule file that cannot be used; the message names the file, the rule and what to change. */
public final class RedactionRulesException extends RuntimeException {
    public RedactionRulesException(String message) {
        super(message);
    }
}
