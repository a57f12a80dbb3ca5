package dev.mcpaudit.schema.redact;

/**
 * Where a finding is, e.g. {@code $.args.cli_command --password}. Built as a linked list and only
 * rendered for findings: a large result has thousands of nodes and usually no finding at all.
 */
final class JsonPath {
    static final JsonPath ROOT = new JsonPath(null, "$");

    private final JsonPath parent;
    private final String step;

    private JsonPath(JsonPath parent, String step) {
        this.parent = parent;
        this.step = step;
    }

    JsonPath field(String name) {
        return new JsonPath(this, "." + name);
    }

    JsonPath index(int i) {
        return new JsonPath(this, "[" + i + "]");
    }

    /** Free-form continuation: {@code <json>} for JSON inside a string, {@code " --flag"} in a command. */
    JsonPath then(String text) {
        return new JsonPath(this, text);
    }

    boolean isTopLevelField(String name) {
        return parent == ROOT && step.equals("." + name);
    }

    @Override
    public String toString() {
        return parent == null ? step : parent + step;
    }
}
