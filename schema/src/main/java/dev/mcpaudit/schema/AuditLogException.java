package dev.mcpaudit.schema;

/**
 * The audit log cannot be used. The message is one sentence for a person: what happened and what to
 * do; {@link #reason()} lets callers map it to an exit code or a fail-closed answer.
 */
public final class AuditLogException extends RuntimeException {

    public enum Reason {
        /** No log at the path (read-only opens never create one). */
        MISSING,
        /** The file exists but is not an mcp-audit-proxy log; it was left untouched. */
        NOT_AN_AUDIT_LOG,
        /** The file was created but never written (0 bytes); refused by commands that would write it. */
        EMPTY,
        /** Written by a newer version of this tool. */
        NEWER_SCHEMA,
        /** Written by an older version; it needs an upgrade that a read-only open cannot do. */
        OLDER_SCHEMA,
        /** Another writer held the lock past the busy timeout. */
        LOCKED,
        /** Disk full, permission denied, I/O error, closed log. */
        UNAVAILABLE
    }

    private final Reason reason;

    public AuditLogException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public AuditLogException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
