package dev.mcpaudit.schema.redact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.schema.redact.ShellWords.Word;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Redacts one AWS CLI command line ({@code cli_command}): the values of secret flags are replaced
 * in place, JSON flag values are redacted key by key, and the rest of the text goes through the
 * value and assignment rules. Everything else stays byte for byte as the agent wrote it.
 */
final class CommandLineRedactor {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Global AWS CLI flags that take no value, so the service name after them is not taken for one. */
    private static final Set<String> VALUELESS_GLOBAL_FLAGS = Set.of("--debug", "--no-verify-ssl", "--no-paginate",
            "--no-sign-request", "--no-cli-pager", "--cli-auto-prompt", "--no-cli-auto-prompt");

    private final Redactor.Walk walk;
    private final String command;
    private final String path;

    CommandLineRedactor(Redactor.Walk walk, String command, String path) {
        this.walk = walk;
        this.command = command;
        this.path = path;
    }

    String redact() {
        List<Word> words = ShellWords.split(command);
        String serviceOperation = serviceOperation(words);
        Map<String, String> flagValues = new HashMap<>();
        List<FlagValue> values = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            FlagValue fv = flagValueAt(words, i);
            if (fv != null) {
                values.add(fv);
                flagValues.putIfAbsent(fv.flag(), fv.value());
            }
        }
        StringBuilder out = new StringBuilder(command);
        // Right to left, so earlier spans keep their offsets.
        for (int i = values.size() - 1; i >= 0; i--) {
            FlagValue fv = values.get(i);
            String replacement = redactValue(fv, serviceOperation, flagValues);
            if (replacement != null) {
                String quoted = ShellWords.quote(replacement);
                out.replace(fv.span().start(), fv.span().end(), fv.inline() ? fv.flag() + "=" + quoted : quoted);
            }
        }
        return walk.string(out.toString(), path, false);
    }

    /** The new value for a flag's value, or null to leave it to the text rules. */
    private String redactValue(FlagValue fv, String serviceOperation, Map<String, String> flagValues) {
        String value = fv.value();
        if (value.isEmpty() || Marker.isMarker(value) || value.startsWith("file://") || value.startsWith("fileb://")) {
            return null; // nothing secret is written here: a file reference names where the secret is
        }
        String where = path + " " + fv.flag();
        for (FlagRule rule : walk.rules().flagRules()) {
            if (rule.appliesTo(fv.flag()) && commandMatches(rule, serviceOperation) && conditionHolds(rule, flagValues)) {
                return walk.marker(rule.name(), value, where);
            }
        }
        KeyRule byName = Redactor.keyRuleFor(walk.rules(), fv.flag());
        if (byName != null) {
            return walk.marker(byName.name(), value, where);
        }
        return redactJson(value, where);
    }

    private String redactJson(String value, String where) {
        String trimmed = value.strip();
        if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) {
            return null;
        }
        JsonNode parsed;
        try {
            parsed = JSON.readTree(trimmed);
        } catch (JsonProcessingException e) {
            return null;
        }
        int before = walk.findingCount();
        JsonNode redacted = walk.node(parsed, where);
        return walk.findingCount() == before ? null : redacted.toString();
    }

    private static boolean commandMatches(FlagRule rule, String serviceOperation) {
        return rule.command() == null || rule.command().equalsIgnoreCase(serviceOperation);
    }

    private static boolean conditionHolds(FlagRule rule, Map<String, String> flagValues) {
        return rule.whenFlag() == null || rule.whenEquals().equalsIgnoreCase(flagValues.get(rule.whenFlag()));
    }

    /** {@code --flag value} or {@code --flag=value} starting at word i, or null. */
    private static FlagValue flagValueAt(List<Word> words, int i) {
        String text = words.get(i).text();
        if (!text.startsWith("--") || text.length() == 2) {
            return null;
        }
        int eq = text.indexOf('=');
        if (eq > 2) {
            return new FlagValue(text.substring(0, eq), text.substring(eq + 1), words.get(i), true);
        }
        if (i + 1 < words.size() && !words.get(i + 1).text().startsWith("--")) {
            return new FlagValue(text, words.get(i + 1).text(), words.get(i + 1), false);
        }
        return null;
    }

    /** "service operation" in lower case, e.g. "ssm put-parameter", skipping global flags. */
    private static String serviceOperation(List<Word> words) {
        List<String> found = new ArrayList<>(2);
        int i = !words.isEmpty() && words.get(0).text().equals("aws") ? 1 : 0;
        while (i < words.size() && found.size() < 2) {
            String text = words.get(i).text();
            if (text.startsWith("-")) {
                boolean takesValue = !VALUELESS_GLOBAL_FLAGS.contains(text) && !text.contains("=");
                i += takesValue ? 2 : 1;
                continue;
            }
            found.add(text.toLowerCase(Locale.ROOT));
            i++;
        }
        return String.join(" ", found);
    }

    private record FlagValue(String flag, String value, Word span, boolean inline) {}
}
