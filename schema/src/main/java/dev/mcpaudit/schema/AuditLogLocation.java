package dev.mcpaudit.schema;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the log lives unless a flag says otherwise: {@code $MCP_AUDIT_DB}, else
 * {@code $XDG_STATE_HOME/mcp-audit-proxy/audit.db}, else {@code ~/.local/state/mcp-audit-proxy/audit.db}.
 * The proxy and audit-cli share this rule so that they find the same file without configuration.
 */
public final class AuditLogLocation {
    public static final String DB_ENV = "MCP_AUDIT_DB";

    private AuditLogLocation() {}

    public static Path defaultPath() {
        return defaultPath(System.getenv(), System.getProperty("user.home"));
    }

    static Path defaultPath(Map<String, String> env, String userHome) {
        String explicit = env.get(DB_ENV);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = env.get("XDG_STATE_HOME");
        // The XDG spec says relative values are invalid and must be ignored.
        Path stateHome = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg)
                : Path.of(userHome, ".local", "state");
        return stateHome.resolve("mcp-audit-proxy").resolve("audit.db");
    }
}
