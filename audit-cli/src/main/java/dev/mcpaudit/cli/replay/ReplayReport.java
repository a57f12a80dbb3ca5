package dev.mcpaudit.cli.replay;

import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.fixtures.replay.Fixture;
import java.net.URI;
import java.util.List;

/**
 * What a replay found, call by call, in recorded order; the text, JSON and Markdown renderers all
 * read this one model, so they always agree.
 *
 * @param input       what was replayed, as the user named it (the fixture file)
 * @param safety      the rules calls were sent under (loopback or not, --allow-writes)
 * @param dryRun      true: a plan, nothing was sent (statuses are SEND and SKIPPED)
 * @param catalogue   the recorded server catalogue against the replay's, per profile the replay used;
 *                    empty when nothing was sent
 */
public record ReplayReport(String input, Fixture.Source source, URI endpoint, ReplaySafety safety, boolean dryRun,
        List<Entry> entries, List<CatalogueEntry> catalogue) {

    public ReplayReport {
        entries = List.copyOf(entries);
        catalogue = List.copyOf(catalogue);
    }

    /** One call: how it was planned and how it came out. */
    public record Entry(ReplayPlan.PlannedCall planned, CallVerdict verdict) {
        public CallStatus status() {
            return verdict.status();
        }
    }

    /** Counts per status, and the first call that drifted (null: none). */
    public record Summary(int calls, int match, int changed, int outcome, int missing, int skipped, int hashOnly, int send,
            Entry firstDrift) {

        /** {@code 3 calls: 1 match, 1 changed, …. First drift: #2 (seq 5).} */
        public String sentence(boolean dryRun) {
            if (dryRun) {
                return calls + " call" + (calls == 1 ? "" : "s") + ": " + send + " to send, " + skipped + " skipped. Nothing was sent.";
            }
            return calls + " call" + (calls == 1 ? "" : "s") + ": " + match + " match, " + changed + " changed, " + outcome
                    + " outcome changed, " + missing + " missing, " + hashOnly + " hash-only, " + skipped + " skipped."
                    + (firstDrift == null ? "" : " First drift: #" + firstDrift.planned().number() + " (seq "
                    + firstDrift.planned().call().seq() + ").");
        }
    }

    public Summary summary() {
        int[] n = new int[CallStatus.values().length];
        Entry first = null;
        for (Entry e : entries) {
            n[e.status().ordinal()]++;
            if (first == null && e.status().isDrift()) {
                first = e;
            }
        }
        return new Summary(entries.size(), n[CallStatus.MATCH.ordinal()], n[CallStatus.CHANGED.ordinal()],
                n[CallStatus.OUTCOME.ordinal()], n[CallStatus.MISSING.ordinal()], n[CallStatus.SKIPPED.ordinal()],
                n[CallStatus.HASH_ONLY.ordinal()], n[CallStatus.SEND.ordinal()], first);
    }

    /** 0 when every call sent matched (or nothing was sent), 1 when any drifted or the server's catalogue changed. */
    public int exitCode() {
        return entries.stream().anyMatch(e -> e.status().isDrift()) || catalogueChanged() ? ExitCode.FINDING : ExitCode.OK;
    }

    public boolean catalogueChanged() {
        return catalogue.stream().anyMatch(CatalogueEntry::isDrift);
    }

    /** {@code  The server's catalogue changed: dev initialize, dev tools/list.}, or empty when it did not. */
    public String catalogueSentence() {
        if (!catalogueChanged()) {
            return "";
        }
        return " The server's catalogue changed: " + String.join(", ", catalogue.stream().filter(CatalogueEntry::isDrift)
                .map(c -> c.profileLabel() + " " + c.method()).toList()) + ".";
    }

    /** {@code mock on loopback: …} or {@code real endpoint: …}: which calls the target gets. */
    public String targetRule() {
        if (safety.loopback()) {
            return "mock on loopback: every call is sent except denied and cancelled ones";
        }
        return "real endpoint: only calls proven read-only are sent"
                + (safety.allowWrites().isEmpty() ? "" : ", and those --allow-writes allows ("
                + String.join(", ", safety.allowWrites().stream().map(g -> "'" + g + "'").toList()) + ")");
    }

    /** {@code session sess-1 of log log-1}, from the fixture's provenance. */
    public String sourceDescription() {
        String session = source.sessionId() == null ? "an unnamed session" : "session " + source.sessionId();
        return session + (source.logId() == null ? "" : " of log " + source.logId());
    }
}
