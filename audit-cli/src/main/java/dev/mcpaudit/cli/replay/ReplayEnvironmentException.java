package dev.mcpaudit.cli.replay;

/** The replay cannot run here: the proxy jar is missing, or the proxy would not start (exit 3). */
public final class ReplayEnvironmentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ReplayEnvironmentException(String message) {
        super(message);
    }

    public ReplayEnvironmentException(String message, Throwable cause) {
        super(message, cause);
    }
}
