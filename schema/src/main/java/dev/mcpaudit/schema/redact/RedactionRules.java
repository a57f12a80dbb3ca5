package dev.mcpaudit.schema.redact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The rule set: the defaults shipped in the jar ({@code default-rules.json}), plus what a user's
 * rule file adds or turns off. Everything is validated when loaded, so a bad rule stops the program
 * at start-up with a message naming it, never half-way through a session.
 *
 * <p>Rule file format (JSON):
 * <pre>{@code
 * { "disable": ["jwt"],
 *   "rules": [ {"name": "acme-token", "type": "value", "pattern": "acme_[A-Za-z0-9]{32}"} ],
 *   "commandArguments": ["my_tool.command"],
 *   "scriptTools": ["my_python_tool"] }
 * }</pre>
 */
public final class RedactionRules {
    /** Environment variable naming a user rule file (the proxy's and audit-cli's flags win over it). */
    public static final String RULES_ENV = "MCP_AUDIT_REDACTION_RULES";

    private static final String DEFAULTS_RESOURCE = "default-rules.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP_LEVEL = Set.of("disable", "rules", "commandArguments", "scriptTools");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "key", Set.of("name", "type", "description", "match", "words", "except", "scalarsOnly"),
            "value", Set.of("name", "type", "description", "pattern", "group", "hints", "near", "window"),
            "flag", Set.of("name", "type", "description", "flags", "command", "when"),
            "assignment", Set.of("name", "type", "description"),
            "pair", Set.of("name", "type", "description"),
            "model", Set.of("name", "type", "description"));
    private static final RedactionRules DEFAULTS = loadDefaults();

    /** Key names repeat endlessly in tool results; the cache stops growing past this many names. */
    private static final int KEY_CACHE_LIMIT = 10_000;

    private final List<Rule> rules;
    private final Map<String, String> descriptions;
    private final Map<String, Set<String>> commandArguments;
    private final Set<String> scriptTools;
    private final List<KeyRule> keyRules;
    private final List<ValueRule> valueRules;
    private final List<FlagRule> flagRules;
    private final boolean assignmentsEnabled;
    private final String pairRule;
    private final String modelRule;
    private final Map<String, Optional<KeyRule>> keyDecisions = new ConcurrentHashMap<>();

    private RedactionRules(List<Rule> rules, Map<String, String> descriptions,
            Map<String, Set<String>> commandArguments, Set<String> scriptTools) {
        this.rules = List.copyOf(rules);
        this.descriptions = Map.copyOf(descriptions);
        this.commandArguments = Map.copyOf(commandArguments);
        this.scriptTools = Set.copyOf(scriptTools);
        this.keyRules = ofType(KeyRule.class);
        this.valueRules = ofType(ValueRule.class);
        this.flagRules = ofType(FlagRule.class);
        this.assignmentsEnabled = !ofType(AssignmentRule.class).isEmpty();
        this.pairRule = ofType(PairRule.class).stream().map(PairRule::name).findFirst().orElse(null);
        this.modelRule = ofType(ModelRule.class).stream().map(Rule::name).findFirst().orElse(null);
    }

    /** The rules shipped in the jar. */
    public static RedactionRules defaults() {
        return DEFAULTS;
    }

    /** The defaults plus the user's file, or the defaults alone when {@code userFile} is null. */
    public static RedactionRules load(Path userFile) {
        if (userFile == null) {
            return DEFAULTS;
        }
        String text;
        try {
            text = Files.readString(userFile);
        } catch (NoSuchFileException e) {
            throw new RedactionRulesException("redaction rules file " + userFile + " does not exist; "
                    + "fix the path or drop the option to use the built-in rules.");
        } catch (IOException e) {
            throw new RedactionRulesException("redaction rules file " + userFile + " cannot be read ("
                    + e.getMessage() + "); check its permissions.");
        }
        return DEFAULTS.extendedWith(text, userFile.toString());
    }

    /** The defaults plus the rule file named by {@code flagValue}, else by {@link #RULES_ENV}. */
    public static RedactionRules fromFlagOrEnvironment(Path flagValue, Map<String, String> env) {
        if (flagValue != null) {
            return load(flagValue);
        }
        String fromEnv = env.get(RULES_ENV);
        return fromEnv == null || fromEnv.isBlank() ? DEFAULTS : load(Path.of(fromEnv));
    }

    public List<Rule> rules() {
        return rules;
    }

    /** What a rule is for; a finding's {@code aws-model:lambda.create-function.…} gets its rule's. */
    public String description(String ruleName) {
        String own = descriptions.get(ruleName);
        int detail = ruleName.indexOf(':');
        return own != null ? own : detail > 0 ? descriptions.getOrDefault(ruleName.substring(0, detail), "") : "";
    }

    /** The first key rule that marks {@code name} (a JSON key, flag or assigned name) as secret, or null. */
    KeyRule keyRuleFor(String name) {
        Optional<KeyRule> known = keyDecisions.get(name);
        if (known == null) {
            known = Optional.ofNullable(keyRuleForData(name));
            if (keyDecisions.size() < KEY_CACHE_LIMIT) {
                keyDecisions.put(name, known);
            }
        }
        return known.orElse(null);
    }

    /**
     * The same decision, not cached: for names that are data (a name/value pair's name: parameter
     * paths, tag keys), which would otherwise fill the cache that the JSON keys of every call rely on.
     */
    KeyRule keyRuleForData(String name) {
        String normalised = KeyRule.normalise(name);
        for (KeyRule rule : keyRules) {
            if (rule.matches(name, normalised)) {
                return rule;
            }
        }
        return null;
    }

    /**
     * The rule that makes {@code --flag}'s value secret outside a parsed command line: a key rule
     * on its name (that hides this value, see {@link KeyRule#hidesText}), or a flag rule that needs
     * no other flag to decide. Null when none does.
     */
    String secretFlagRule(String flagName, String value) {
        String flag = "--" + flagName;
        for (FlagRule rule : flagRules) {
            if (rule.whenFlag() == null && rule.command() == null && rule.appliesTo(flag)) {
                return rule.name();
            }
        }
        KeyRule byName = keyRuleFor(flag);
        return byName == null || !byName.hidesText(value) ? null : byName.name();
    }

    List<ValueRule> valueRules() {
        return valueRules;
    }

    List<FlagRule> flagRules() {
        return flagRules;
    }

    boolean assignmentsEnabled() {
        return assignmentsEnabled;
    }

    /** True when a rule of that name is in effect (not disabled). */
    boolean hasRule(String name) {
        return rules.stream().anyMatch(r -> r.name().equals(name));
    }

    /** The name of the rule that hides the values of secret name/value pairs, or null when there is none. */
    String pairRule() {
        return pairRule;
    }

    /** The name of the model rule in effect (markers carry it), or null when it is disabled. */
    String modelRule() {
        return modelRule;
    }

    /** Argument names of {@code tool} that hold an AWS CLI command line. */
    public Set<String> commandArguments(String tool) {
        return commandArguments.getOrDefault(tool, Set.of());
    }

    boolean isScriptTool(String tool) {
        return scriptTools.contains(tool);
    }

    private <T extends Rule> List<T> ofType(Class<T> type) {
        return rules.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static RedactionRules loadDefaults() {
        try (InputStream in = RedactionRules.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the jar");
            }
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return new RedactionRules(List.of(), Map.of(), Map.of(), Set.of()).extendedWith(text, "built-in " + DEFAULTS_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** These rules and the file's text (its rules added, its "disable" applied); package-private for tests. */
    RedactionRules extendedWith(String text, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new RedactionRulesException("redaction rules file " + source + " is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + "): "
                    + e.getOriginalMessage() + ".");
        }
        if (root == null || !root.isObject()) {
            throw new RedactionRulesException("redaction rules file " + source
                    + " must hold a JSON object with \"rules\" and/or \"disable\".");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!TOP_LEVEL.contains(field)) {
                throw new RedactionRulesException("redaction rules file " + source + ": unknown field \"" + field
                        + "\"; allowed are " + String.join(", ", new java.util.TreeSet<>(TOP_LEVEL)) + ".");
            }
        }
        Map<String, Rule> byName = new LinkedHashMap<>();
        rules.forEach(r -> byName.put(r.name(), r));
        Map<String, String> desc = new LinkedHashMap<>(descriptions);

        for (String name : strings(root, "disable", source, "the \"disable\" list")) {
            if (byName.remove(name) == null) {
                throw new RedactionRulesException("redaction rules file " + source + ": \"disable\" names rule \""
                        + name + "\", which does not exist; the rules are: " + String.join(", ", byName.keySet()) + ".");
            }
        }
        JsonNode list = root.path("rules");
        if (!list.isMissingNode() && !list.isArray()) {
            throw new RedactionRulesException("redaction rules file " + source + ": \"rules\" must be a JSON array.");
        }
        int index = 0;
        for (JsonNode node : list) {
            index++;
            Rule rule = new RuleParser(source, index, node).parse();
            if (byName.containsKey(rule.name())) {
                throw new RedactionRulesException("redaction rules file " + source + ": rule #" + index + " \""
                        + rule.name() + "\" has the name of an existing rule; pick another name "
                        + "(or disable the existing one first).");
            }
            byName.put(rule.name(), rule);
            desc.put(rule.name(), node.path("description").asText(""));
        }

        Map<String, Set<String>> commands = new LinkedHashMap<>();
        commandArguments.forEach((k, v) -> commands.put(k, new LinkedHashSet<>(v)));
        for (String target : strings(root, "commandArguments", source, "\"commandArguments\"")) {
            int dot = target.lastIndexOf('.');
            if (dot <= 0 || dot == target.length() - 1) {
                throw new RedactionRulesException("redaction rules file " + source + ": \"commandArguments\" entry \""
                        + target + "\" must be TOOL.ARGUMENT, e.g. aws___call_aws.cli_command.");
            }
            commands.computeIfAbsent(target.substring(0, dot), k -> new LinkedHashSet<>()).add(target.substring(dot + 1));
        }
        Set<String> scripts = new LinkedHashSet<>(scriptTools);
        scripts.addAll(strings(root, "scriptTools", source, "\"scriptTools\""));
        return new RedactionRules(new ArrayList<>(byName.values()), desc, commands, scripts);
    }

    private static List<String> strings(JsonNode root, String field, String source, String what) {
        JsonNode node = root.path(field);
        if (node.isMissingNode()) {
            return List.of();
        }
        List<String> out = nonEmptyStrings(node);
        if (out == null) {
            throw new RedactionRulesException("redaction rules file " + source + ": " + what
                    + " must be a JSON array of non-empty strings.");
        }
        return out;
    }

    /** The array's strings, or null when it is not an array of non-empty strings. */
    private static List<String> nonEmptyStrings(JsonNode node) {
        if (node == null || !node.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual() || item.asText().isBlank()) {
                return null;
            }
            out.add(item.asText());
        }
        return out;
    }

    /** Turns one JSON rule object into a rule, or explains exactly what is wrong with it. */
    private static final class RuleParser {
        private final String source;
        private final int index;
        private final JsonNode node;
        private String label;

        RuleParser(String source, int index, JsonNode node) {
            this.source = source;
            this.index = index;
            this.node = node;
            this.label = "rule #" + index;
        }

        Rule parse() {
            if (!node.isObject()) {
                throw bad("must be a JSON object with at least \"name\" and \"type\"");
            }
            String name = requiredText("name");
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw bad("has name \"" + name + "\"; use letters, digits, '.', '_' and '-' only (it appears in markers)");
            }
            label = "rule #" + index + " \"" + name + "\"";
            String type = requiredText("type");
            Set<String> allowed = FIELDS.get(type);
            if (allowed == null) {
                throw bad("has unknown type \"" + type + "\"; use one of key, value, flag, assignment, pair, model");
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!allowed.contains(field)) {
                    throw bad("has field \"" + field + "\", which a " + type + " rule does not take; it takes "
                            + String.join(", ", new java.util.TreeSet<>(allowed)));
                }
            }
            return switch (type) {
                case "key" -> keyRule(name);
                case "value" -> valueRule(name);
                case "flag" -> flagRule(name);
                case "pair" -> new PairRule(name);
                case "model" -> new ModelRule(name);
                default -> new AssignmentRule(name);
            };
        }

        private KeyRule keyRule(String name) {
            if (!node.has("match") && !node.has("words")) {
                throw bad("needs \"match\" (searched in the name without separators) or \"words\" "
                        + "(searched in the name as lower-case words joined by _), or both");
            }
            if (node.has("scalarsOnly") && !node.get("scalarsOnly").isBoolean()) {
                throw bad("has \"scalarsOnly\": " + node.get("scalarsOnly") + "; use true or false");
            }
            return new KeyRule(name, regex("match", false), regex("words", false), regex("except", false),
                    node.path("scalarsOnly").asBoolean(false));
        }

        private ValueRule valueRule(String name) {
            Pattern pattern = regex("pattern", true);
            int group = node.path("group").asInt(0);
            if (node.has("group") && (!node.get("group").isInt() || group < 0 || group > pattern.matcher("").groupCount())) {
                throw bad("has \"group\": " + node.get("group") + ", but its pattern has "
                        + pattern.matcher("").groupCount() + " capturing group(s); use 0 for the whole match");
            }
            Pattern near = regex("near", false);
            int window = node.path("window").asInt(200);
            if (node.has("window") && (!node.get("window").isInt() || window < 1)) {
                throw bad("has \"window\": " + node.get("window") + "; use a positive number of characters");
            }
            List<String> hints = node.has("hints") ? stringList("hints") : List.of();
            return new ValueRule(name, pattern, group, ValueRule.lowerCase(hints), near, window);
        }

        private FlagRule flagRule(String name) {
            List<String> flags = stringList("flags");
            for (String f : flags) {
                if (!f.matches("--[A-Za-z0-9][A-Za-z0-9-]*")) {
                    throw bad("lists flag \"" + f + "\"; write flags as the CLI does, e.g. --user-data");
                }
            }
            String command = node.has("command") ? requiredText("command") : null;
            String whenFlag = null;
            String whenEquals = null;
            if (node.has("when")) {
                JsonNode when = node.get("when");
                if (!when.isObject() || !when.path("flag").isTextual() || !when.path("equals").isTextual() || when.size() != 2) {
                    throw bad("has \"when\" that is not {\"flag\": \"--type\", \"equals\": \"SecureString\"}");
                }
                whenFlag = when.get("flag").asText();
                whenEquals = when.get("equals").asText();
            }
            return new FlagRule(name, flags, command, whenFlag, whenEquals);
        }

        private List<String> stringList(String field) {
            List<String> out = nonEmptyStrings(node.get(field));
            if (out == null || out.isEmpty()) {
                throw bad("needs \"" + field + "\" as a non-empty JSON array of strings");
            }
            return out;
        }

        private String requiredText(String field) {
            JsonNode v = node.get(field);
            if (v == null || !v.isTextual() || v.asText().isBlank()) {
                throw bad("needs \"" + field + "\" as a non-empty string");
            }
            return v.asText();
        }

        private Pattern regex(String field, boolean required) {
            if (!node.has(field) && !required) {
                return null;
            }
            String text = requiredText(field);
            try {
                return Pattern.compile(text);
            } catch (PatternSyntaxException e) {
                throw bad("has a \"" + field + "\" that is not a valid Java regular expression ("
                        + e.getDescription() + " near index " + e.getIndex()
                        + "); remember that JSON needs \\\\ for one backslash");
            }
        }

        private RedactionRulesException bad(String what) {
            return new RedactionRulesException("redaction rules file " + source + ": " + label + " " + what + ".");
        }
    }
}
