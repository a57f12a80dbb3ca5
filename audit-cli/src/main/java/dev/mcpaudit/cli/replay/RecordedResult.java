package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.schema.Purges;

/**
 * A call's result as its {@code call.completed} holds it, in the fixture's terms: the body when it was
 * recorded whole ({@code result_complete: true}); no body and {@code result_complete: false} when the
 * call had a result (its {@code result_sha256} is recorded) but not all of it is in the log; no body
 * and no completeness when there was no result to record (a JSON-RPC error, a call cancelled by
 * shutdown, a result canonical JSON cannot carry).
 */
record RecordedResult(JsonNode body, Boolean complete, Gap gap) {

    /** Why a result the call had is not in the log whole. */
    enum Gap {
        NONE(""),
        /** Recorded without --record-results: only the hash. */
        NOT_RECORDED("not recorded"),
        /** Longer than --record-results-max-bytes: the log holds its first bytes as a string. */
        CUT("cut short"),
        /** Replaced by `audit-cli purge`. */
        PURGED("purged");

        final String words;

        Gap(String words) {
            this.words = words;
        }
    }

    static RecordedResult of(JsonNode completedPayload) {
        JsonNode result = completedPayload.get("result");
        boolean hashed = completedPayload.hasNonNull("result_sha256");
        if (completedPayload.path("result_truncated").asBoolean(false)) {
            return new RecordedResult(null, false, Gap.CUT);
        }
        if (Purges.isMarker(result)) {
            return new RecordedResult(null, false, Gap.PURGED);
        }
        if (result != null && !result.isNull()) {
            return new RecordedResult(result, true, Gap.NONE);
        }
        return hashed ? new RecordedResult(null, false, Gap.NOT_RECORDED) : new RecordedResult(null, null, Gap.NONE);
    }
}
