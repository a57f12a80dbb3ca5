package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.fixtures.replay.Fixture.Outcome;
import dev.mcpaudit.schema.CanonicalJson;
import dev.mcpaudit.schema.compare.Comparison;
import dev.mcpaudit.schema.compare.Difference;
import dev.mcpaudit.schema.compare.JsonComparison;
import dev.mcpaudit.schema.compare.VolatileRules;
import dev.mcpaudit.schema.redact.Redactor;
import java.util.List;

/**
 * Decides the status of one replayed call from its recording and the answer that came back:
 * MISSING without an answer; OUTCOME when ok and error swapped; MATCH when the result's RFC 8785
 * SHA-256 equals the recorded {@code result_sha256}, or the bodies are equal apart from volatile
 * paths; CHANGED with the differing pointers; HASH-ONLY when the hash differs and no complete
 * recorded body can say where.
 *
 * <p>The live result is redacted with the log's rules before the bodies are compared: the recorded
 * body was redacted when it was written, so a secret must meet its marker (equal by rule) rather
 * than read as a change, and no secret reaches the report. The hash is taken before redaction, as
 * the proxy takes it.
 */
public final class DriftCheck {
    static final String ERROR_MESSAGE = "/error/message";
    private static final int SHOWN_TEXT = 160;

    private final VolatileRules rules;
    private final Redactor redactor;

    public DriftCheck(VolatileRules rules, Redactor redactor) {
        this.rules = rules;
        this.redactor = redactor;
    }

    /** The built-in volatile rules plus the fixture's own ({@code volatile.ignore}, {@code volatile.ignore_keys}). */
    public static VolatileRules rulesOf(Fixture fixture) {
        return VolatileRules.defaults()
                .withIgnoredPointers(fixture.volatileFields().ignore())
                .withIgnoredKeys(fixture.volatileFields().ignoreKeys());
    }

    public CallVerdict check(Fixture.Call recorded, Answer answer) {
        Outcome was = recorded.outcome();
        if (answer.isMissing()) {
            return verdict(CallStatus.MISSING, answer.missingReason(), List.of(), 0, was, null);
        }
        Outcome now = answer.outcome();
        if (was != now) {
            return verdict(CallStatus.OUTCOME, outcomeFlip(recorded, answer), List.of(), 0, was, now);
        }
        if (answer.error() != null) {
            return errorMessages(recorded, answer);
        }
        if (CanonicalJson.sha256Hex(answer.result()).equals(recorded.resultSha256())) {
            return verdict(CallStatus.MATCH, null, List.of(), 0, was, now);
        }
        if (recorded.result() == null) {
            return verdict(CallStatus.HASH_ONLY, recorded.resultSha256() == null
                    ? "nothing to compare with: neither the result nor its hash was recorded"
                    : "the result's hash differs and its body was not recorded (record with --record-results to see where)",
                    List.of(), 0, was, now);
        }
        if (Boolean.FALSE.equals(recorded.resultComplete())) {
            return verdict(CallStatus.HASH_ONLY, "the result's hash differs and its recorded body was cut short, so where cannot be shown"
                    + " (raise --record-results-max-bytes)", List.of(), 0, was, now);
        }
        Comparison c = JsonComparison.compare(recorded.result(), redactedResult(recorded, answer.result()), rules);
        if (c.matches()) {
            return verdict(CallStatus.MATCH, ignored(c.ignoredPaths()), List.of(), c.ignoredPaths(), was, now);
        }
        return verdict(CallStatus.CHANGED, ignored(c.ignoredPaths()), c.differences(), c.ignoredPaths(), was, now);
    }

    /** Both ended in a JSON-RPC error: their messages are what there is to compare. */
    private CallVerdict errorMessages(Fixture.Call recorded, Answer answer) {
        Outcome was = recorded.outcome();
        if (recorded.error() == null) {
            return verdict(CallStatus.MATCH, null, List.of(), 0, was, was);
        }
        String now = redactor.redactText(answer.errorText());
        Comparison c = JsonComparison.compare(TextNode.valueOf(recorded.error()), TextNode.valueOf(now), rules);
        if (c.matches()) {
            return verdict(CallStatus.MATCH, ignored(c.ignoredPaths()), List.of(), c.ignoredPaths(), was, was);
        }
        List<Difference> at = c.differences().stream()
                .map(d -> new Difference(ERROR_MESSAGE + d.pointer(), d.kind(), d.recorded(), d.actual()))
                .toList();
        return verdict(CallStatus.CHANGED, ignored(c.ignoredPaths()), at, c.ignoredPaths(), was, was);
    }

    private JsonNode redactedResult(Fixture.Call recorded, JsonNode result) {
        if (Fixture.Call.TOOLS_CALL.equals(recorded.method()) && recorded.args() != null) {
            return redactor.redactResult(recorded.tool(), recorded.args(), result).value();
        }
        return redactor.redact(result).value();
    }

    /** {@code ok -> tool_error: AccessDenied: …}, with the error text redacted and cut to one short line. */
    private String outcomeFlip(Fixture.Call recorded, Answer answer) {
        String flip = recorded.outcome().wire() + " -> " + answer.outcome().wire();
        String text = answer.outcome() == Outcome.OK ? recorded.error() : answer.errorText();
        if (text == null || text.isBlank()) {
            return flip;
        }
        String shown = redactor.redactText(text).replaceAll("\\s+", " ").strip();
        if (shown.length() > SHOWN_TEXT) {
            shown = shown.substring(0, SHOWN_TEXT) + "...";
        }
        return flip + (answer.outcome() == Outcome.OK ? " (recorded error: " + shown + ")" : ": " + shown);
    }

    private static String ignored(int paths) {
        return paths == 0 ? null : paths + " volatile path" + (paths == 1 ? "" : "s") + " ignored";
    }

    private static CallVerdict verdict(CallStatus status, String reason, List<Difference> differences, int ignoredPaths,
            Outcome recorded, Outcome replayed) {
        return new CallVerdict(status, reason, differences, ignoredPaths, recorded, replayed);
    }
}
