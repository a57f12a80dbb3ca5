package dev.mcpaudit.schema.redact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.mcpaudit.schema.redact.SensitiveMembers.AnyDepth;
import dev.mcpaudit.schema.redact.SensitiveMembers.AnyElement;
import dev.mcpaudit.schema.redact.SensitiveMembers.AnyValue;
import dev.mcpaudit.schema.redact.SensitiveMembers.Member;
import dev.mcpaudit.schema.redact.SensitiveMembers.MemberPath;
import dev.mcpaudit.schema.redact.SensitiveMembers.Operation;
import dev.mcpaudit.schema.redact.SensitiveMembers.Step;
import dev.mcpaudit.schema.redact.Shorthand.Items;
import dev.mcpaudit.schema.redact.Shorthand.Pairs;
import dev.mcpaudit.schema.redact.Shorthand.Scalar;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Model-driven rules (the {@code model} rule type, built in as {@code aws-model}): what AWS's own
 * service models mark sensitive ({@link SensitiveMembers}) is hidden for the operation an
 * {@code aws___call_aws} command runs, found by its CLI service and operation
 * ({@code aws lambda create-function …}).
 *
 * <ul>
 *   <li><b>Arguments.</b> A flag that sets a sensitive member has its value hidden
 *       ({@code aws cognito-idp admin-get-user --username X}). Where only part of a member is
 *       sensitive, only that part is: {@code --environment Variables={LOG_LEVEL=info}} and
 *       {@code --environment '{"Variables":{"LOG_LEVEL":"info"}}'} hide {@code info} and keep the
 *       key; so does {@code --cli-input-json} with the member inside. A list flag's every word is
 *       seen ({@code --user-attributes Name=email,Value=a@example.com Name=phone,Value=…}).
 *   <li><b>Results.</b> With the call's command known ({@link Redactor#redactResult}), the
 *       operation's sensitive output paths are hidden wherever in the result an object matches them,
 *       so it does not matter how the MCP server wraps the CLI's JSON output (a text block, a nested
 *       {@code response}, {@code structuredContent}). Text output ({@code --output text|table}) has
 *       no member names and is left to the other rules.
 * </ul>
 *
 * The name rules run first: a value a key or flag rule hides keeps that rule's name
 * ({@code DB_PASSWORD=[REDACTED:password-field:…]}), and this rule hides what they leave. Markers
 * say {@code aws-model}; a finding names the model member, e.g.
 * {@code aws-model:lambda.create-function.Environment.Variables}, which {@code audit-cli redact
 * --explain} prints. A value that cannot be read as shorthand or JSON where part of a member is
 * sensitive is hidden whole. Not covered: {@code aws___run_script} (boto3 calls in Python),
 * {@code --cli-input-yaml}, the CLI's own commands that are not API operations ({@code aws s3 cp},
 * {@code aws configure}), and members the botocore version the table was generated from does not
 * mark yet.
 */
final class ModelRules {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> SCALAR_TYPES = Set.of("string", "blob", "long", "integer", "double", "float",
            "timestamp", "boolean");

    private ModelRules() {}

    /** The sensitive members of the command's operation ("lambda create-function"), or null (none, or the rule is off). */
    static Operation operation(RedactionRules rules, String serviceOperation) {
        return rules.modelRule() == null || serviceOperation.isEmpty() ? null
                : SensitiveMembers.aws().operation(serviceOperation);
    }

    /** True when {@code flag} sets a list member, so every word after it until the next flag is one element. */
    static boolean takesWords(Operation op, String flag) {
        List<MemberPath> paths = op.inputsByFlag().get(flag);
        if (paths == null) {
            return false;
        }
        for (MemberPath p : paths) {
            List<Step> below = p.belowTop();
            if (below.isEmpty() ? p.type().equals("list") : below.get(0) instanceof AnyElement) {
                return true;
            }
        }
        return false;
    }

    /**
     * The replacement for one word given to {@code flag}, or null when the model hides nothing in
     * it. {@code element} is true for a list flag's second and later words, each one element.
     */
    static String flagValue(Redactor.Walk walk, Operation op, String flag, String value, boolean element, JsonPath where) {
        List<MemberPath> paths = op.inputsByFlag().get(flag);
        if (paths == null) {
            return null;
        }
        for (MemberPath p : paths) {
            if (p.belowTop().isEmpty() && SCALAR_TYPES.contains(p.type())) {
                return walk.modelMarker(p.rule(), value, where); // one value, all of it, JSON-looking or not
            }
        }
        boolean listWords = takesWords(op, flag);
        JsonNode json = element ? null : jsonContainer(value);
        if (json != null) {
            int before = walk.findingCount();
            JsonNode redacted = walk.node(json, where);
            for (MemberPath p : paths) {
                List<Step> below = p.belowTop();
                if (listWords && json.isObject() && !below.isEmpty() && below.get(0) instanceof AnyElement) {
                    below = below.subList(1, below.size()); // one element written as an object
                }
                redacted = hide(walk, redacted, below, 0, p.rule(), where);
            }
            return walk.findingCount() == before ? null : redacted.toString();
        }
        List<Scalar> hidden = new ArrayList<>();
        List<String> rules = new ArrayList<>();
        Pairs pairs = Shorthand.parse(value);
        for (MemberPath p : paths) {
            List<Step> below = p.belowTop();
            boolean perElement = listWords && (below.isEmpty() ? p.type().equals("list") : below.get(0) instanceof AnyElement);
            if (element && !perElement) {
                continue; // a later word is one more element of a list member
            }
            if (perElement && !below.isEmpty()) {
                below = below.subList(1, below.size()); // this word is one element of the list
            }
            int before = hidden.size();
            if (pairs != null) {
                collect(pairs, below, 0, hidden);
            } else {
                // One plain word: a list's element, or something the CLI would refuse where a structure
                // belongs, or JSON it cannot parse. Hidden whole rather than guessed at.
                hidden.add(new Scalar(0, value.length(), null));
            }
            for (int i = before; i < hidden.size(); i++) {
                rules.add(p.rule());
            }
        }
        return replace(walk, value, hidden, rules, where);
    }

    /** {@code --cli-input-json}: the operation's sensitive input paths in the request body. */
    static JsonNode cliInputJson(Redactor.Walk walk, Operation op, JsonNode input, JsonPath where) {
        JsonNode out = input;
        for (MemberPath p : op.inputs()) {
            out = hide(walk, out, p.steps(), 0, p.rule(), where);
        }
        return out;
    }

    /** In a result: the output paths of the operation, starting at this object (every object is tried). */
    static void output(Redactor.Walk walk, Operation op, ObjectNode object, JsonPath path) {
        if (op.outputsByTop().isEmpty()) {
            return;
        }
        List<MemberPath> found = new ArrayList<>();
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            found.addAll(op.outputsByTop().getOrDefault(names.next(), List.of()));
        }
        for (MemberPath p : found) {
            hide(walk, object, p.steps(), 0, p.rule(), path);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // JSON

    /** Follows {@code steps} from {@code node}; everything at the end is hidden. Returns the node to use. */
    private static JsonNode hide(Redactor.Walk walk, JsonNode node, List<Step> steps, int i, String rule, JsonPath path) {
        if (i == steps.size()) {
            return hideAll(walk, node, rule, path);
        }
        Step step = steps.get(i);
        if (step instanceof Member m) {
            if (node instanceof ObjectNode object && object.has(m.name())) {
                object.set(m.name(), hide(walk, object.get(m.name()), steps, i + 1, rule, path.field(m.name())));
            }
        } else if (step instanceof AnyElement) {
            if (node instanceof ArrayNode array) {
                for (int k = 0; k < array.size(); k++) {
                    array.set(k, hide(walk, array.get(k), steps, i + 1, rule, path.index(k)));
                }
            }
        } else if (step instanceof AnyValue) {
            if (node instanceof ObjectNode object) {
                for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    e.setValue(hide(walk, e.getValue(), steps, i + 1, rule, path.field(e.getKey())));
                }
            }
        } else if (step instanceof AnyDepth) {
            node = hide(walk, node, steps, i + 1, rule, path);
            if (node instanceof ObjectNode object) {
                for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    e.setValue(hide(walk, e.getValue(), steps, i, rule, path.field(e.getKey())));
                }
            } else if (node instanceof ArrayNode array) {
                for (int k = 0; k < array.size(); k++) {
                    array.set(k, hide(walk, array.get(k), steps, i, rule, path.index(k)));
                }
            }
        }
        return node;
    }

    /** Every string and number below {@code node}; keys, booleans, nulls and markers stay. */
    private static JsonNode hideAll(Redactor.Walk walk, JsonNode node, String rule, JsonPath path) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                e.setValue(hideAll(walk, e.getValue(), rule, path.field(e.getKey())));
            }
            return node;
        }
        if (node instanceof ArrayNode array) {
            for (int k = 0; k < array.size(); k++) {
                array.set(k, hideAll(walk, array.get(k), rule, path.index(k)));
            }
            return node;
        }
        if ((node.isTextual() && !node.asText().isEmpty() && !Marker.isMarker(node.asText())) || node.isNumber()) {
            return TextNode.valueOf(walk.modelMarker(rule, node.asText(), path));
        }
        return node;
    }

    private static JsonNode jsonContainer(String value) {
        String trimmed = value.strip();
        if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(trimmed);
            return node != null && node.isContainerNode() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Shorthand

    private static void collect(Shorthand.Node node, List<Step> steps, int i, List<Scalar> out) {
        if (i == steps.size()) {
            all(node, out);
            return;
        }
        Step step = steps.get(i);
        if (step instanceof Member m) {
            if (node instanceof Pairs pairs && pairs.entries().containsKey(m.name())) {
                collect(pairs.entries().get(m.name()), steps, i + 1, out);
            }
        } else if (step instanceof AnyElement) {
            if (node instanceof Items items) {
                items.items().forEach(item -> collect(item, steps, i + 1, out));
            } else {
                collect(node, steps, i + 1, out); // Values=a is a list of one
            }
        } else if (step instanceof AnyValue) {
            if (node instanceof Pairs pairs) {
                pairs.entries().values().forEach(v -> collect(v, steps, i + 1, out));
            }
        } else if (step instanceof AnyDepth) {
            collect(node, steps, i + 1, out);
            if (node instanceof Pairs pairs) {
                pairs.entries().values().forEach(v -> collect(v, steps, i, out));
            } else if (node instanceof Items items) {
                items.items().forEach(item -> collect(item, steps, i, out));
            }
        }
    }

    private static void all(Shorthand.Node node, List<Scalar> out) {
        if (node instanceof Scalar s) {
            out.add(s);
        } else if (node instanceof Pairs pairs) {
            pairs.entries().values().forEach(v -> all(v, out));
        } else if (node instanceof Items items) {
            items.items().forEach(item -> all(item, out));
        }
    }

    /** The value with each hidden span replaced by a marker, right to left; null when nothing was hidden. */
    private static String replace(Redactor.Walk walk, String value, List<Scalar> found, List<String> foundRules, JsonPath where) {
        List<Scalar> hidden = found;
        List<String> rules = foundRules;
        for (int k = 0; k < found.size(); k++) {
            if (found.get(k).start() == 0 && found.get(k).end() == value.length()) {
                hidden = List.of(found.get(k)); // the whole value: nothing inside it needs its own marker
                rules = List.of(foundRules.get(k));
                break;
            }
        }
        List<Scalar> spans = hidden;
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < hidden.size(); k++) {
            order.add(k);
        }
        order.sort(Comparator.comparingInt((Integer k) -> spans.get(k).start()).reversed());
        StringBuilder out = new StringBuilder(value);
        int limit = Integer.MAX_VALUE; // spans found by two paths are hidden once
        boolean any = false;
        for (int k : order) {
            Scalar s = hidden.get(k);
            String secret = value.substring(s.start(), s.end());
            if (s.end() > limit || secret.isEmpty() || Marker.isMarker(secret.strip())) {
                continue;
            }
            KeyRule byKey = s.key() == null ? null : walk.rules().keyRuleFor(s.key());
            String marker = byKey != null ? walk.marker(byKey.name(), secret, where)
                    : walk.modelMarker(rules.get(k), secret, where);
            out.replace(s.start(), s.end(), marker);
            limit = s.start();
            any = true;
        }
        return any ? out.toString() : null;
    }
}
