package dev.mcpaudit.cli.ship;

/** The central database cannot be used as asked (no schema, a newer one, a forked log): exit code 3. */
public final class CentralException extends RuntimeException {
    public CentralException(String message) {
        super(message);
    }

    public CentralException(String message, Throwable cause) {
        super(message, cause);
    }
}
