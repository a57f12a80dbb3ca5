package dev.mcpaudit.cli;

/** audit-cli's documented exit codes (README, "Exit codes"). */
public final class ExitCode {
    public static final int OK = 0;
    /** A finding: verification failed. */
    public static final int FINDING = 1;
    /** Bad flags or arguments. */
    public static final int USAGE = 2;
    /** The environment: log missing, locked, not ours, newer schema; unreadable key file. */
    public static final int ENVIRONMENT = 3;
    /** Refused by a safety rule: {@code replay --strict} would have had to skip a write. */
    public static final int POLICY_REFUSED = 4;

    private ExitCode() {}
}
