package dev.mcpaudit.schema;

import java.util.List;
import java.util.Optional;

/**
 * The verdict of {@link ChainVerifier}: the range checked and every problem found. The log is intact
 * when there are no problems.
 *
 * @param firstSeq 0 when the log has no events
 * @param checkpoint the checkpoint the chain was compared against, if one was given
 */
public record VerificationReport(
        String logId,
        long eventsChecked,
        long firstSeq,
        long lastSeq,
        String firstTime,
        String lastTime,
        List<ChainProblem> problems,
        Optional<Checkpoint> checkpoint) {

    public VerificationReport {
        problems = List.copyOf(problems);
    }

    public boolean intact() {
        return problems.isEmpty();
    }
}
