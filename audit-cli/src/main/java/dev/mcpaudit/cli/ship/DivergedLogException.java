package dev.mcpaudit.cli.ship;

/** The central copy and the local log differ at a seq both hold: a finding (exit 1), never overwritten. */
public final class DivergedLogException extends RuntimeException {
    public DivergedLogException(String message) {
        super(message);
    }
}
