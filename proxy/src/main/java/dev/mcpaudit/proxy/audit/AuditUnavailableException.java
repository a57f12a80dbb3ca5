package dev.mcpaudit.proxy.audit;

/** The call could not be recorded, so (fail-closed) it must not be sent. The message says why. */
public final class AuditUnavailableException extends Exception {
    public AuditUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
