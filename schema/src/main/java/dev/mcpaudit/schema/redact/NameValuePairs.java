package dev.mcpaudit.schema.redact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which members make a name/value pair, the shape AWS uses wherever a list of settings has names
 * chosen by the user: container environments ({@code {"name": "DB_PASSWORD", "value": "…"}}),
 * CloudFormation parameters and outputs ({@code ParameterKey}/{@code ParameterValue},
 * {@code OutputKey}/{@code OutputValue}), Elastic Beanstalk option settings ({@code OptionName}/
 * {@code Value}), tags and attributes ({@code Key}/{@code Value}, {@code Name}/{@code Value}), RDS
 * parameters ({@code ParameterName}/{@code ParameterValue}). When a name member's text says secret
 * (a key rule matches it), every value member beside it is hidden.
 *
 * <p>Member names are looked up as spelled, in the usual spellings only (name, Name, NAME,
 * parameterKey, ParameterKey, PARAMETER_KEY, parameter_key, parameter-key, …): this runs for every
 * key of every object of every result, so it is one hash lookup.
 */
final class NameValuePairs {
    enum Role { NAME, VALUE }

    private static final Map<String, Role> ROLES = new HashMap<>();

    static {
        for (String name : List.of("name", "key", "parameter key", "parameter name", "option name", "output key",
                "variable name", "setting name", "property name", "attribute name", "header name")) {
            spellings(name, Role.NAME);
        }
        for (String value : List.of("value", "parameter value", "option value", "output value", "resolved value",
                "default value", "variable value", "setting value", "property value", "attribute value", "header value")) {
            spellings(value, Role.VALUE);
        }
    }

    private NameValuePairs() {}

    private static void spellings(String words, Role role) {
        String[] w = words.split(" ");
        StringBuilder camel = new StringBuilder(w[0]);
        StringBuilder pascal = new StringBuilder(capitalised(w[0]));
        for (int i = 1; i < w.length; i++) {
            camel.append(capitalised(w[i]));
            pascal.append(capitalised(w[i]));
        }
        String joined = String.join("", w);
        for (String s : List.of(joined, joined.toUpperCase(Locale.ROOT), camel.toString(), pascal.toString(),
                String.join("_", w), String.join("_", w).toUpperCase(Locale.ROOT), String.join("-", w))) {
            ROLES.put(s, role);
        }
    }

    private static String capitalised(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    /** NAME, VALUE or null for a member name; for a dotted name (query strings) its last part counts. */
    static Role role(String member) {
        Role role = ROLES.get(member);
        if (role == null) {
            int dot = member.lastIndexOf('.');
            if (dot >= 0 && dot < member.length() - 1) {
                role = ROLES.get(member.substring(dot + 1));
            }
        }
        return role;
    }

    /** True when the text of a pair's name says secret, by the key rules. */
    static boolean secretName(String name, RedactionRules rules) {
        return !name.isEmpty() && name.length() <= 256 && !name.contains("[REDACTED:") && rules.keyRuleForData(name) != null;
    }

    /**
     * The members of {@code object} that hold the value of a pair whose name says secret, or null
     * (the usual case: no pair, or a harmless name such as a tag's {@code "Name"}).
     */
    static List<String> secretValueMembers(ObjectNode object, RedactionRules rules) {
        List<String> values = null;
        boolean secret = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            Role role = ROLES.get(field.getKey());
            if (role == Role.VALUE) {
                if (values == null) {
                    values = new ArrayList<>(2);
                }
                values.add(field.getKey());
            } else if (role == Role.NAME && field.getValue().isTextual()) {
                secret |= secretName(field.getValue().asText(), rules);
            }
        }
        return secret ? values : null;
    }
}
