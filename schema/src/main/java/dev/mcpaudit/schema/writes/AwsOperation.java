package dev.mcpaudit.schema.writes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.schema.Purges;
import dev.mcpaudit.schema.query.AwsTools;
import dev.mcpaudit.schema.redact.ShellWords;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The AWS service and operation a call runs ({@code s3api put-bucket-policy}), parsed from the
 * {@code cli_command} of {@code aws___call_aws}, with the words after the operation (what a few
 * exceptions look at: {@code s3 cp}'s source and destination, an Athena query). Whether it changes
 * anything is {@link WriteRules}' decision; {@link #isWrite()} asks it. A command removed by
 * {@code audit-cli purge} is {@link #PURGED}: nothing left shows it was only a read.
 *
 * @param words the words after the operation, unquoted as a shell reads them (options and operands)
 */
public record AwsOperation(String service, String operation, List<String> words) {
    public static final String CALL_AWS = AwsTools.CALL_AWS;
    public static final String RUN_SCRIPT = AwsTools.RUN_SCRIPT;

    /** The operation of a call whose command (or whole arguments) a purge replaced by [PURGED:<seq>]. */
    public static final AwsOperation PURGED = new AwsOperation("(purged)", "", List.of());
    private static final java.util.Set<String> VALUELESS_GLOBAL_FLAGS = java.util.Set.of("--debug",
            "--no-verify-ssl", "--no-paginate", "--no-sign-request", "--no-cli-pager", "--cli-auto-prompt",
            "--no-cli-auto-prompt");

    public AwsOperation {
        words = List.copyOf(words);
    }

    public AwsOperation(String service, String operation) {
        this(service, operation, List.of());
    }

    /** "service operation", e.g. "s3api put-bucket-policy". */
    public String name() {
        return operation.isEmpty() ? service : service + " " + operation;
    }

    /** Whether running it may change something, by {@link WriteRules}. */
    public boolean isWrite() {
        return WriteRules.ofOperation(this).write();
    }

    /** The value of option {@code --name} among {@link #words} ({@code --name v} or {@code --name=v}), if given. */
    public Optional<String> option(String name) {
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals(name) && i + 1 < words.size()) {
                return Optional.of(words.get(i + 1));
            }
            if (w.startsWith(name + "=")) {
                return Optional.of(w.substring(name.length() + 1));
            }
        }
        return Optional.empty();
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
        return Optional.of(new AwsOperation(found.get(0), found.size() > 1 ? found.get(1) : "",
                words.subList(Math.min(i, words.size()), words.size())));
    }

    /** A call's operation from its tool and (redacted) arguments. */
    public static Optional<AwsOperation> ofCall(String tool, JsonNode args) {
        if (CALL_AWS.equals(tool) && args != null) {
            // Arguments a purge replaced as a whole are the marker's text.
            return ofCommand(args.isTextual() ? args.asText() : args.path("cli_command").asText(null));
        }
        return Optional.empty();
    }

    /**
     * Whether a recorded call changes anything in AWS, as far as the log can tell: {@link WriteRules}
     * for a call whose tool's {@code readOnlyHint} is not known (the log does not carry it).
     */
    public static boolean isWrite(String tool, JsonNode args) {
        return WriteRules.classify(tool, args, null).write();
    }

    /** The same, for a call of {@code tool} whose operation is {@code op} (as {@link #ofCall} gives it). */
    public static boolean isWrite(String tool, Optional<AwsOperation> op) {
        return RUN_SCRIPT.equals(tool) || op.map(AwsOperation::isWrite).orElse(false);
    }
}
