package dev.mcpaudit.schema;

import dev.mcpaudit.schema.AuditLogException.Reason;
import java.nio.file.Path;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Turns SQLite's result codes into one sentence a person can act on. */
final class SqliteErrors {
    private SqliteErrors() {}

    static AuditLogException explain(Path path, String action, SQLException e) {
        SQLiteErrorCode code = e instanceof SQLiteException s ? s.getResultCode() : null;
        String primary = code == null ? "" : code.name().replaceAll("^(SQLITE_[A-Z]+).*$", "$1");
        String where = "audit log " + path;
        return switch (primary) {
            case "SQLITE_BUSY", "SQLITE_LOCKED" -> new AuditLogException(Reason.LOCKED,
                    where + " stayed locked by another process while trying to " + action
                            + "; retry, or stop the process holding it.", e);
            case "SQLITE_NOTADB" -> new AuditLogException(Reason.NOT_AN_AUDIT_LOG,
                    path + " is not an SQLite database, so it is not an mcp-audit-proxy log; it was left"
                            + " untouched. Use another path (--audit-db for the proxy, --db for audit-cli, or MCP_AUDIT_DB).", e);
            case "SQLITE_FULL" -> new AuditLogException(Reason.UNAVAILABLE,
                    where + " is unavailable: the disk is full; free some space and retry.", e);
            case "SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH" -> new AuditLogException(Reason.UNAVAILABLE,
                    where + " is unavailable: it cannot be written (read-only file, directory or mount);"
                            + " fix its permissions or choose another path.", e);
            case "SQLITE_CANTOPEN" -> new AuditLogException(Reason.UNAVAILABLE,
                    where + " cannot be opened; check that its directory exists and is writable.", e);
            case "SQLITE_CORRUPT" -> new AuditLogException(Reason.UNAVAILABLE,
                    where + " is corrupt at the SQLite level; keep a copy and run `audit-cli verify` on it.", e);
            default -> new AuditLogException(Reason.UNAVAILABLE,
                    where + " failed to " + action + ": " + e.getMessage(), e);
        };
    }
}
