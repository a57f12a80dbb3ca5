package dev.mcpaudit.cli;

/** audit-cli's documented exit codes (README, "Exit codes"). */
final class ExitCode {
    static final int OK = 0;
    /** A finding: verification failed. */
    static final int FINDING = 1;
    /** Bad flags or arguments. */
    static final int USAGE = 2;
    /** The environment: log missing, locked, not ours, newer schema; unreadable key file. */
    static final int ENVIRONMENT = 3;

    private ExitCode() {}
}
