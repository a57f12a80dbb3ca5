package dev.mcpaudit.schema.query;

/**
 * Whether a recorded call may have changed something, from its tool and its recorded arguments
 * ({@code args} as stored: JSON text, or a purge marker's text; null when there are none). The
 * classifier itself lives with its callers; the queries only apply it ({@link CallFilter#writes()}).
 */
@FunctionalInterface
public interface WriteClassifier {
    boolean isWrite(String tool, String args);
}
