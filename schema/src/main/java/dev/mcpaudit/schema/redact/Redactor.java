package dev.mcpaudit.schema.redact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.mcpaudit.schema.redact.Redaction.Finding;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies the rule set to what is about to be recorded. Thread-safe and stateless apart from the
 * rules and the fingerprint key. Inputs are never modified; each call returns a redacted copy.
 *
 * <p>Everything is walked: object keys are matched against key rules (a matching key hides every
 * string and number below it), strings holding JSON are parsed and walked (so a tool result's
 * {@code content[].text} is redacted field by field), other strings go through the value and
 * assignment rules, and the command and script arguments of the configured tools get their own
 * command-line and script handling. Already redacted text is left as it is, so redacting twice
 * changes nothing.
 *
 * <p>An event payload goes through a redactor once, in {@link dev.mcpaudit.schema.EventAppender}
 * ({@link #redactPayload(JsonNode, String, JsonNode)}); the other methods serve what is not stored as
 * an event: {@code audit-cli redact}'s samples, and the proxy's debug log lines ({@link #redactText}).
 */
public final class Redactor {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RedactionRules rules;
    private final FingerprintKey key;
    private final TextScanner scanner;

    public Redactor(RedactionRules rules, FingerprintKey key) {
        this.rules = rules;
        this.key = key;
        this.scanner = new TextScanner(rules);
    }

    /**
     * An event payload: generic, except that {@code args} next to a {@code tool} name (the call
     * events' fields, see the {@code calls} view) is redacted as that tool's arguments.
     */
    public Redaction redactPayload(JsonNode payload) {
        return redactPayload(payload, null, null);
    }

    /**
     * An event payload whose {@code result} is the result of the call of {@code resultTool} with
     * {@code resultArguments} (a {@code call.completed}): as {@link #redactPayload(JsonNode)}, and the
     * {@code result} as {@link #redactResult} would, in the same single pass. With a null tool, as
     * {@link #redactPayload(JsonNode)}.
     */
    public Redaction redactPayload(JsonNode payload, String resultTool, JsonNode resultArguments) {
        String tool = payload.path("tool").isTextual() ? payload.get("tool").asText() : null;
        Walk walk = new Walk(tool);
        // Only a recorded result needs the call's operation: without one, don't parse its command line again.
        walk.resultOf = resultTool == null || !payload.has("result") ? null : ModelRules.operation(rules, awsOperation(resultTool, resultArguments));
        return walk.done(walk.node(payload.deepCopy(), JsonPath.ROOT));
    }

    /** The arguments of one {@code tools/call}. */
    public Redaction redactArguments(String tool, JsonNode arguments) {
        Walk walk = new Walk(null);
        JsonNode copy = arguments.deepCopy();
        JsonNode out = copy instanceof ObjectNode object ? walk.arguments(tool, object, JsonPath.ROOT) : walk.node(copy, JsonPath.ROOT);
        return walk.done(out);
    }

    /**
     * The result of one {@code tools/call}, knowing the call: for an {@code aws___call_aws} command
     * the model rules also hide what its operation returns in sensitive members
     * ({@code ssm get-parameter}'s {@code Parameter.Value}, see {@link ModelRules}). Otherwise as
     * {@link #redact}.
     */
    public Redaction redactResult(String tool, JsonNode arguments, JsonNode result) {
        Walk walk = new Walk(null);
        walk.outputOf = ModelRules.operation(rules, awsOperation(tool, arguments));
        return walk.done(walk.node(result.deepCopy(), JsonPath.ROOT));
    }

    /** "service operation" of the call's AWS CLI command, or "" when it has none. */
    private String awsOperation(String tool, JsonNode arguments) {
        if (tool == null || arguments == null) {
            return "";
        }
        for (String name : rules.commandArguments(tool)) {
            JsonNode command = arguments.get(name);
            if (command != null && command.isTextual()) {
                return CommandLineRedactor.serviceOperation(ShellWords.split(command.asText()));
            }
        }
        return "";
    }

    /** Any other JSON: a tool result, resource contents, an error. */
    public Redaction redact(JsonNode value) {
        Walk walk = new Walk(null);
        return walk.done(walk.node(value.deepCopy(), JsonPath.ROOT));
    }

    /** Free text, e.g. an error message on its way to a log line. */
    public String redactText(String text) {
        return new Walk(null).string(text, JsonPath.ROOT, false);
    }

    /** One redaction pass; collects findings. */
    final class Walk {
        private final List<Finding> findings = new ArrayList<>();
        /** The payload's tool, whose {@code $.args} get command-line and script handling. */
        private final String payloadTool;
        /** In a result: the operation whose sensitive output members are hidden, or null. */
        private SensitiveMembers.Operation outputOf;
        /** In a payload: the operation of the call whose result is its {@code $.result}, or null. */
        private SensitiveMembers.Operation resultOf;

        Walk(String payloadTool) {
            this.payloadTool = payloadTool;
        }

        Redaction done(JsonNode value) {
            return new Redaction(value, List.copyOf(findings));
        }

        /** Redacts in place where it can; returns the node to use (a string may become a new node). */
        JsonNode node(JsonNode node, JsonPath path) {
            if (node instanceof ObjectNode object) {
                List<String> pairValues = secretPairValues(object);
                for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    field.setValue(pairValues != null && pairValues.contains(field.getKey())
                            ? hideAll(field.getValue(), rules.pairRule(), path.field(field.getKey()))
                            : child(field.getKey(), field.getValue(), path.field(field.getKey())));
                }
                if (outputOf != null) {
                    ModelRules.output(this, outputOf, object, path);
                }
            } else if (node instanceof ArrayNode array) {
                ArgumentLists.hideInArray(array, this, path);
                for (int i = 0; i < array.size(); i++) {
                    array.set(i, node(array.get(i), path.index(i)));
                }
            } else if (node.isTextual()) {
                String text = node.asText();
                String redacted = string(text, path, false);
                return redacted.equals(text) ? node : TextNode.valueOf(redacted);
            }
            return node;
        }

        private JsonNode child(String name, JsonNode value, JsonPath path) {
            KeyRule rule = rules.keyRuleFor(name);
            if (rule != null && !(rule.scalarsOnly() && value.isContainerNode())) {
                return hideAll(value, rule.name(), path);
            }
            if (payloadTool != null && path.isTopLevelField("args") && value instanceof ObjectNode arguments) {
                return arguments(payloadTool, arguments, path);
            }
            if (resultOf != null && path.isTopLevelField("result")) {
                outputOf = resultOf;
                try {
                    return node(value, path);
                } finally {
                    outputOf = null;
                }
            }
            return node(value, path);
        }

        /** {@code {"name": "DB_PASSWORD", "value": …}}: the members holding a secret pair's value, or null. */
        private List<String> secretPairValues(ObjectNode object) {
            return rules.pairRule() == null ? null : NameValuePairs.secretValueMembers(object, rules);
        }

        /** Below a secret key every string and number is hidden; the shape (keys, arrays) stays. */
        private JsonNode hideAll(JsonNode node, String rule, JsonPath path) {
            if (node instanceof ObjectNode object) {
                for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    field.setValue(hideAll(field.getValue(), rule, path.field(field.getKey())));
                }
                return node;
            }
            if (node instanceof ArrayNode array) {
                for (int i = 0; i < array.size(); i++) {
                    array.set(i, hideAll(array.get(i), rule, path.index(i)));
                }
                return node;
            }
            if (node.isTextual() && (node.asText().isEmpty() || Marker.isMarker(node.asText()))) {
                return node;
            }
            if (node.isTextual() || node.isNumber()) {
                return TextNode.valueOf(marker(rule, node.asText(), path));
            }
            return node; // true/false/null say nothing about the secret
        }

        JsonNode arguments(String tool, ObjectNode arguments, JsonPath path) {
            Set<String> commandArguments = rules.commandArguments(tool);
            boolean script = rules.isScriptTool(tool);
            List<String> pairValues = secretPairValues(arguments);
            for (Iterator<Map.Entry<String, JsonNode>> it = arguments.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonPath fieldPath = path.field(field.getKey());
                JsonNode value = field.getValue();
                if (pairValues != null && pairValues.contains(field.getKey())) {
                    field.setValue(hideAll(value, rules.pairRule(), fieldPath));
                } else if (value.isTextual() && rules.keyRuleFor(field.getKey()) == null
                        && (commandArguments.contains(field.getKey()) || script)) {
                    String text = value.asText();
                    String redacted = commandArguments.contains(field.getKey())
                            ? new CommandLineRedactor(this, text, fieldPath).redact()
                            : string(text, fieldPath, true);
                    field.setValue(redacted.equals(text) ? value : TextNode.valueOf(redacted));
                } else {
                    field.setValue(child(field.getKey(), value, fieldPath));
                }
            }
            return arguments;
        }

        /** A string: JSON inside is walked as JSON, anything else scanned as text. */
        String string(String text, JsonPath path, boolean script) {
            if (text.isEmpty() || Marker.isMarker(text)) {
                return text;
            }
            JsonNode parsed = parseJsonContainer(text);
            if (parsed != null) {
                int before = findings.size();
                JsonNode redacted = node(parsed, path.then("<json>"));
                return findings.size() == before ? text : redacted.toString();
            }
            List<TextScanner.Hit> hits = scanner.scan(text, script);
            if (hits.isEmpty()) {
                return text;
            }
            StringBuilder out = new StringBuilder(text.length());
            int at = 0;
            for (TextScanner.Hit hit : hits) {
                out.append(text, at, hit.start()).append(marker(hit.rule(), text.substring(hit.start(), hit.end()), path));
                at = hit.end();
            }
            return out.append(text, at, text.length()).toString();
        }

        String marker(String rule, String secret, JsonPath path) {
            findings.add(new Finding(rule, path.toString()));
            return Marker.of(rule, key.fingerprint(secret));
        }

        /** A marker of the model rule; the finding names the model member, e.g. {@code aws-model:lambda.create-function.Environment}. */
        String modelMarker(String member, String secret, JsonPath path) {
            findings.add(new Finding(rules.modelRule() + ":" + member, path.toString()));
            return Marker.of(rules.modelRule(), key.fingerprint(secret));
        }

        int findingCount() {
            return findings.size();
        }

        RedactionRules rules() {
            return rules;
        }
    }

    /** The JSON object or array a string holds, or null when it holds something else. */
    private static JsonNode parseJsonContainer(String text) {
        int i = 0;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        if (i == text.length() || (text.charAt(i) != '{' && text.charAt(i) != '[')) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.isContainerNode() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
