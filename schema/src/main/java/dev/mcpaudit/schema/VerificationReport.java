package dev.mcpaudit.schema;

import java.util.List;
import java.util.Optional;

/**
 * The verdict of {@link ChainVerifier}: the range checked and every problem found. The log is intact
 * when there are no problems.
 *
 * @param firstSeq 0 when the log has no events
 * @param checkpoint the checkpoint the chain was compared against, if one was given
 * @param checkpointEvents how many {@code checkpoint} events the log records
 * @param checkpointEventsChecked how many of those were checked against the given public key (those
 *     signed with other keys, and all of them when no key was given, are not)
 * @param purges every payload purged through the purge path, in seq order of the purge: notices, not
 *     problems (a log with purges and no problems is intact)
 */
public record VerificationReport(
        String logId,
        long eventsChecked,
        long firstSeq,
        long lastSeq,
        String firstTime,
        String lastTime,
        List<ChainProblem> problems,
        Optional<Checkpoint> checkpoint,
        int checkpointEvents,
        int checkpointEventsChecked,
        List<PurgeNotice> purges) {

    public VerificationReport {
        problems = List.copyOf(problems);
        purges = List.copyOf(purges);
    }

    public boolean intact() {
        return problems.isEmpty();
    }
}
