package dev.mcpaudit.schema.redact;

import java.util.List;

/**
 * Marks the value of named command-line flags as secret (e.g. {@code --user-data}), optionally
 * only for one command ({@code ssm put-parameter}) and only when another flag has a given value
 * ({@code --type SecureString}). With {@code json} the value is not hidden whole but parsed as JSON
 * and redacted key by key ({@code --cli-input-json}).
 */
public record FlagRule(String name, List<String> flags, String command, String whenFlag, String whenEquals, boolean json)
        implements Rule {

    boolean appliesTo(String flag) {
        return flags.contains(flag);
    }

    @Override
    public String type() {
        return "flag";
    }
}
