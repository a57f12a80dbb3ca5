package dev.mcpaudit.schema.redact;

import java.util.List;

/**
 * Marks the value of named command-line flags as secret (e.g. {@code --user-data}), optionally
 * only for one command ({@code ssm put-parameter}) and only when another flag has a given value
 * ({@code --type SecureString}). Flags without a rule whose value is JSON ({@code --cli-input-json},
 * {@code --environment}) are redacted key by key instead, see {@link CommandLineRedactor}.
 */
public record FlagRule(String name, List<String> flags, String command, String whenFlag, String whenEquals)
        implements Rule {

    boolean appliesTo(String flag) {
        return flags.contains(flag);
    }

    @Override
    public String type() {
        return "flag";
    }
}
