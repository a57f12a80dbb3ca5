package dev.mcpaudit.cli.replay;

import dev.mcpaudit.fixtures.replay.Fixture.Outcome;
import dev.mcpaudit.schema.compare.Difference;
import java.util.List;

/**
 * The status of one call and what explains it.
 *
 * @param reason          for SKIPPED, MISSING, OUTCOME and HASH-ONLY, one sentence; for a MATCH with
 *                        volatile paths, "N volatile paths ignored"; otherwise null
 * @param differences     for CHANGED: every difference that counts, by RFC 6901 pointer into the
 *                        result (into the JSON-RPC error for {@code /error/message})
 * @param ignoredPaths    places that differed only where the volatile rules say it does not count
 * @param recordedOutcome the outcome the log recorded
 * @param replayOutcome   the outcome of the replay; null when nothing came back (or nothing was sent)
 */
public record CallVerdict(CallStatus status, String reason, List<Difference> differences, int ignoredPaths,
        Outcome recordedOutcome, Outcome replayOutcome) {

    public CallVerdict {
        differences = differences == null ? List.of() : List.copyOf(differences);
    }

    static CallVerdict skipped(String reason, Outcome recorded) {
        return new CallVerdict(CallStatus.SKIPPED, reason, List.of(), 0, recorded, null);
    }

    static CallVerdict planned(Outcome recorded) {
        return new CallVerdict(CallStatus.SEND, null, List.of(), 0, recorded, null);
    }
}
