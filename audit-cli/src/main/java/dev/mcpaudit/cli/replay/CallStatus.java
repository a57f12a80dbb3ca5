package dev.mcpaudit.cli.replay;

import java.util.Locale;

/** How a replayed call compares with its recording. {@link #SEND} appears only in a --dry-run plan. */
public enum CallStatus {
    /** Same result: equal hash, or bodies equal apart from volatile paths. */
    MATCH,
    /** Same outcome, different result; the differences say where. */
    CHANGED,
    /** ok became an error, or the other way round. */
    OUTCOME,
    /** No answer in time, or the proxy died. */
    MISSING,
    /** Not sent; the reason says why. */
    SKIPPED,
    /** The hash differs and no complete recorded body explains how. */
    HASH_ONLY,
    /** --dry-run: would be sent. */
    SEND;

    /** The text tag: {@code MATCH}, {@code HASH-ONLY}; in a plan {@code SEND} and {@code SKIP}. */
    public String tag(boolean plan) {
        if (plan && this == SKIPPED) {
            return "SKIP";
        }
        return name().replace('_', '-');
    }

    /** The JSON value: {@code match}, {@code hash_only}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for what counts as drift (exit 1): everything sent that did not MATCH. */
    public boolean isDrift() {
        return this == CHANGED || this == OUTCOME || this == MISSING || this == HASH_ONLY;
    }
}
