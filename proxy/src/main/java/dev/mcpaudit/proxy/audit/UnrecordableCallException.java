package dev.mcpaudit.proxy.audit;

/**
 * The call holds a value its audit event cannot carry exactly (a number beyond a 64-bit float, such
 * as 1e400, which RFC 8785 cannot canonicalise), so it is refused whatever the failure policy: this
 * is the call's fault, not the log's. The message says which value.
 */
public final class UnrecordableCallException extends Exception {
    public UnrecordableCallException(String message, Throwable cause) {
        super(message, cause);
    }
}
