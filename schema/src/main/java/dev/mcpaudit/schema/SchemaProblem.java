package dev.mcpaudit.schema;

import java.util.Locale;

/**
 * One finding of {@link SchemaCheck}: a table, index, trigger or view of the log that is not the one
 * its schema version defines.
 *
 * @param type {@code table}, {@code index}, {@code trigger} or {@code view}
 * @param name the object's name
 */
public record SchemaProblem(String type, String name, Kind kind, String detail) {

    public enum Kind {
        /** The schema version defines it, the log does not have it. */
        MISSING,
        /** The log has it, with another definition. */
        ALTERED,
        /** The log has it, the schema version does not define it. */
        UNEXPECTED;

        /** Lower-case, for output that is read or parsed. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
