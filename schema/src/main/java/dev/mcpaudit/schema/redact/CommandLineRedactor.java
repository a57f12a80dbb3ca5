package dev.mcpaudit.schema.redact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
    private final JsonPath path;

    CommandLineRedactor(Redactor.Walk walk, String command, JsonPath path) {
        this.walk = walk;
        this.command = command;
        this.path = path;
    }

    String redact() {
        List<Word> words = ShellWords.split(command);
        String serviceOperation = serviceOperation(words);
        SensitiveMembers.Operation model = ModelRules.operation(walk.rules(), serviceOperation);
        Map<String, String> flagValues = new HashMap<>();
        List<FlagValue> values = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            FlagValue fv = flagValueAt(words, i);
            if (fv != null) {
                values.add(fv);
                flagValues.putIfAbsent(fv.flag(), fv.value());
                for (int j = i + 2; !fv.inline() && model != null && ModelRules.takesWords(model, fv.flag())
                        && j < words.size() && !isFlag(words.get(j).text()); j++) {
                    values.add(new FlagValue(fv.flag(), words.get(j).text(), words.get(j), false, true));
                }
            }
        }
        StringBuilder out = new StringBuilder(command);
        // Right to left, so earlier spans keep their offsets.
        for (int i = values.size() - 1; i >= 0; i--) {
            FlagValue fv = values.get(i);
            String replacement = redactValue(fv, serviceOperation, flagValues, model);
            if (replacement != null) {
                String quoted = ShellWords.quote(replacement);
                out.replace(fv.span().start(), fv.span().end(), fv.inline() ? fv.flag() + "=" + quoted : quoted);
            }
        }
        return walk.string(out.toString(), path, false);
    }

    /** The new value for a flag's value, or null to leave it to the text rules. */
    private String redactValue(FlagValue fv, String serviceOperation, Map<String, String> flagValues,
            SensitiveMembers.Operation model) {
        String value = fv.value();
        if (value.isEmpty() || Marker.isMarker(value) || value.startsWith("file://") || value.startsWith("fileb://")) {
            return null; // nothing secret is written here: a file reference names where the secret is
        }
        JsonPath where = path.then(" " + fv.flag());
        if (fv.element()) { // a list flag's later word: only the model knows it belongs to the flag
            return ModelRules.flagValue(walk, model, fv.flag(), value, true, where);
        }
        for (FlagRule rule : walk.rules().flagRules()) {
            if (rule.appliesTo(fv.flag()) && commandMatches(rule, serviceOperation) && conditionHolds(rule, flagValues)) {
                return walk.marker(rule.name(), value, where);
            }
        }
        KeyRule byName = walk.rules().keyRuleFor(fv.flag());
        if (byName != null && byName.hidesText(value)) {
            return walk.marker(byName.name(), value, where);
        }
        String byModel = model == null ? null : ModelRules.flagValue(walk, model, fv.flag(), value, false, where);
        if (byModel != null) {
            return byModel;
        }
        return redactJson(value, where, fv.flag().equals("--cli-input-json") ? serviceOperation : null, model);
    }

    /**
     * A JSON flag value, redacted key by key. For {@code --cli-input-json} the flag rules apply too,
     * to the parameter's JSON name ({@code --value} is {@code "Value"}), so the request body cannot
     * carry what the flag form would have hidden.
     */
    private String redactJson(String value, JsonPath where, String inputJsonOf, SensitiveMembers.Operation model) {
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
        if (inputJsonOf != null && parsed instanceof ObjectNode input) {
            hideFlagRuleParameters(input, inputJsonOf, where);
        }
        JsonNode redacted = walk.node(parsed, where);
        if (inputJsonOf != null && model != null) {
            redacted = ModelRules.cliInputJson(walk, model, redacted, where);
        }
        return walk.findingCount() == before ? null : redacted.toString();
    }

    private void hideFlagRuleParameters(ObjectNode input, String serviceOperation, JsonPath where) {
        for (FlagRule rule : walk.rules().flagRules()) {
            boolean applies = commandMatches(rule, serviceOperation) && (rule.whenFlag() == null
                    || rule.whenEquals().equalsIgnoreCase(input.path(jsonName(rule.whenFlag())).asText(null)));
            if (!applies) {
                continue;
            }
            for (String flag : rule.flags()) {
                JsonNode v = input.get(jsonName(flag));
                if (v != null && (v.isTextual() || v.isNumber()) && !Marker.isMarker(v.asText())) {
                    input.put(jsonName(flag), walk.marker(rule.name(), v.asText(), where.field(jsonName(flag))));
                }
            }
        }
    }

    /** The AWS CLI's JSON name of a parameter: {@code --user-data} is {@code UserData}. */
    private static String jsonName(String flag) {
        StringBuilder b = new StringBuilder();
        for (String part : flag.substring(2).split("-")) {
            if (!part.isEmpty()) {
                b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return b.toString();
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
        if (!isFlag(text)) {
            return null;
        }
        int eq = text.indexOf('=');
        if (eq > 2) {
            return new FlagValue(text.substring(0, eq), text.substring(eq + 1), words.get(i), true, false);
        }
        if (i + 1 < words.size() && !isFlag(words.get(i + 1).text())) {
            return new FlagValue(text, words.get(i + 1).text(), words.get(i + 1), false, false);
        }
        return null;
    }

    /** {@code --name}; a value such as "-----BEGIN PRIVATE KEY-----" or "--" alone is not a flag. */
    private static boolean isFlag(String word) {
        return word.length() > 2 && word.startsWith("--") && Character.isLetter(word.charAt(2));
    }

    /** "service operation" in lower case, e.g. "ssm put-parameter", skipping global flags. */
    static String serviceOperation(List<Word> words) {
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

    /** {@code element}: a later word of a list flag ({@code --tags A=1 B=2}), which only the model rules look at. */
    private record FlagValue(String flag, String value, Word span, boolean inline, boolean element) {}
}
