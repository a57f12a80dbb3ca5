package dev.mcpaudit.schema.writes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.schema.query.WriteClassifier;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The one rule for whether a tool call may change something, shared by the proxy (which asks the user
 * before a write on a protected profile), audit-cli's mutating calls and replay's safety rules:
 *
 * <ul>
 *   <li>{@code aws___call_aws}: by its operation. Reads are the operations whose name starts with one of
 *       {@link #READ_VERBS} (the CLI spelling of Describe, List, Get, Head, Lookup, Search, Scan,
 *       Query, Select, BatchGet and a few more verbs that only read), plus the
 *       {@link ReadExceptions} table; every other operation is a write. A command naming no operation
 *       runs nothing, so it is no write; a purged one cannot be shown to be a read, so it is one.
 *   <li>{@code aws___run_script}: always a write (code cannot be proven read-only).
 *   <li>any other tool: a write unless upstream marks it {@code readOnlyHint: true}. The log does not
 *       carry the hint, so a recorded call of another tool (hint unknown, {@code null}) is not counted
 *       as a write there.
 * </ul>
 */
public final class WriteRules {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Verbs that only read: the list (describe … batch-get) and these, each checked against the
     * AWS CLI: check, estimate, preview, filter, view, simulate, validate, detect, generate-presigned,
     * presign, wait, help. Not {@code test}: {@code apigateway test-invoke-method} runs the backend.
     */
    public static final List<String> READ_VERBS = List.of("describe", "list", "get", "head", "lookup", "search",
            "scan", "query", "select", "batch-get", "check", "estimate", "preview", "filter", "view", "simulate",
            "validate", "detect", "generate-presigned", "presign", "wait", "help");

    /** {@link #classify} over arguments as stored (hint unknown), for the queries' {@code writes} filter. */
    public static final WriteClassifier RECORDED_CALLS = (tool, args) -> classify(tool, parseArgs(args), null).write();

    /** Whether a call may change something, and why, in words ({@code s3 ls: a read}). */
    public record Verdict(boolean write, String reason) {}

    private WriteRules() {}

    /**
     * @param tool the tool's name
     * @param args its arguments (redacted is fine), without {@code aws_profile}; null when none
     * @param readOnlyHint upstream's {@code readOnlyHint} for the tool: true, false (also: not listed), or
     *     null when not known (recorded calls)
     */
    public static Verdict classify(String tool, JsonNode args, Boolean readOnlyHint) {
        if (AwsOperation.RUN_SCRIPT.equals(tool)) {
            return new Verdict(true, tool + ": code cannot be proven read-only");
        }
        if (AwsOperation.CALL_AWS.equals(tool)) {
            Optional<AwsOperation> op = AwsOperation.ofCall(tool, args);
            return op.isEmpty() ? new Verdict(false, tool + ": names no AWS operation") : ofOperation(op.get());
        }
        if (readOnlyHint == null) {
            return new Verdict(false, tool + ": not an AWS CLI command or script, so not a write");
        }
        return readOnlyHint
                ? new Verdict(false, tool + ": marked readOnlyHint: true by upstream")
                : new Verdict(true, tool + ": not marked readOnlyHint: true by upstream");
    }

    /** The verdict on one AWS CLI operation. */
    public static Verdict ofOperation(AwsOperation op) {
        if (op.equals(AwsOperation.PURGED)) {
            return new Verdict(true, AwsOperation.CALL_AWS + ": its command was purged, so nothing shows it was only a read");
        }
        Optional<ReadExceptions.Entry> exception = ReadExceptions.find(op);
        if (exception.isPresent()) {
            boolean read = exception.get().isRead().test(op);
            return new Verdict(!read, op.name() + (read ? ": a read" : ": a write"));
        }
        String operation = op.operation().toLowerCase(Locale.ROOT);
        boolean read = READ_VERBS.stream().anyMatch(v -> operation.equals(v) || operation.startsWith(v + "-"));
        return new Verdict(!read, op.name() + (read ? ": a read" : ": a write"));
    }

    /** Stored arguments: JSON, or (a whole-arguments purge marker) their text; null when none. */
    private static JsonNode parseArgs(String args) {
        if (args == null) {
            return null;
        }
        try {
            return JSON.readTree(args);
        } catch (java.io.IOException e) {
            return JSON.getNodeFactory().textNode(args);
        }
    }
}
