package dev.mcpaudit.schema.redact;

/**
 * Turns on the model-driven rules ({@link ModelRules}): members AWS's own service models mark
 * sensitive are hidden in {@code aws___call_aws} commands and their results. Its name goes into the
 * markers; each finding adds the model member, e.g. {@code aws-model:lambda.create-function.Environment.Variables}.
 */
public record ModelRule(String name) implements Rule {
    @Override
    public String type() {
        return "model";
    }
}
