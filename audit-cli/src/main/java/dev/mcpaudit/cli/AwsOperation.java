package dev.mcpaudit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.schema.Purges;
import dev.mcpaudit.schema.query.AwsTools;
import dev.mcpaudit.schema.query.WriteClassifier;
import dev.mcpaudit.schema.redact.ShellWords;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The AWS service and operation a recorded call ran ({@code s3api put-bucket-policy}), parsed from
 * the {@code cli_command} of {@code aws___call_aws}, and whether it changes anything. Read
 * operations are recognised by their verb (describe, list, get, head, lookup, …); everything else
 * that calls AWS, and every {@code aws___run_script} (its code can do anything), counts as a write.
 * So does a command removed by {@code audit-cli purge} ({@link #PURGED}): nothing left shows it was
 * only a read.
 */
public record AwsOperation(String service, String operation) {
    public static final String CALL_AWS = AwsTools.CALL_AWS;
    public static final String RUN_SCRIPT = AwsTools.RUN_SCRIPT;
    /** {@link #isWrite(String, JsonNode)} over arguments as stored, for the queries' {@code writes} filter. */
    public static final WriteClassifier RECORDED_CALLS = (tool, args) -> isWrite(tool, JsonText.parseArgs(args));

    private static final List<String> READ_PREFIXES = List.of("describe", "list", "get", "head", "lookup", "search",
            "scan", "query", "select", "batch-get", "check", "estimate", "preview", "filter", "view", "simulate",
            "validate", "detect", "test", "generate-presigned", "presign", "wait", "help");
    private static final Set<String> S3_READS = Set.of("ls", "presign");
    /** The operation of a call whose command (or whole arguments) a purge replaced by [PURGED:<seq>]. */
    public static final AwsOperation PURGED = new AwsOperation("(purged)", "");
    private static final Set<String> VALUELESS_GLOBAL_FLAGS = Set.of("--debug", "--no-verify-ssl", "--no-paginate",
            "--no-sign-request", "--no-cli-pager", "--cli-auto-prompt", "--no-cli-auto-prompt");

    /** "service operation", e.g. "s3api put-bucket-policy". */
    public String name() {
        return operation.isEmpty() ? service : service + " " + operation;
    }

    public boolean isWrite() {
        if (service.equals("s3")) {
            return !S3_READS.contains(operation);
        }
        String op = operation.toLowerCase(Locale.ROOT);
        return READ_PREFIXES.stream().noneMatch(p -> op.equals(p) || op.startsWith(p + "-"));
    }

    /** The operation of a {@code cli_command}, if it names one. */
    public static Optional<AwsOperation> ofCommand(String cliCommand) {
        if (cliCommand == null) {
            return Optional.empty();
        }
        if (Purges.isMarker(cliCommand.strip())) {
            return Optional.of(PURGED);
        }
        // Quotes as a shell reads them: a quoted value with spaces (--query 'a b') is one word.
        List<String> words = ShellWords.split(cliCommand).stream().map(ShellWords.Word::text).toList();
        List<String> found = new ArrayList<>(2);
        int i = !words.isEmpty() && words.get(0).equals("aws") ? 1 : 0;
        while (i < words.size() && found.size() < 2) {
            String w = words.get(i);
            if (w.startsWith("-")) {
                i += VALUELESS_GLOBAL_FLAGS.contains(w) || w.contains("=") ? 1 : 2;
                continue;
            }
            found.add(w.toLowerCase(Locale.ROOT));
            i++;
        }
        if (found.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AwsOperation(found.get(0), found.size() > 1 ? found.get(1) : ""));
    }

    /** A call's operation from its tool and (redacted) arguments. */
    public static Optional<AwsOperation> ofCall(String tool, JsonNode args) {
        if (CALL_AWS.equals(tool) && args != null) {
            // Arguments a purge replaced as a whole are the marker's text.
            return ofCommand(args.isTextual() ? args.asText() : args.path("cli_command").asText(null));
        }
        return Optional.empty();
    }

    /** Whether a recorded call changes anything in AWS, as far as the log can tell. */
    public static boolean isWrite(String tool, JsonNode args) {
        return isWrite(tool, ofCall(tool, args));
    }

    /** The same, for a call of {@code tool} whose operation is {@code op} (as {@link #ofCall} gives it). */
    public static boolean isWrite(String tool, Optional<AwsOperation> op) {
        return RUN_SCRIPT.equals(tool) || op.map(AwsOperation::isWrite).orElse(false);
    }
}
