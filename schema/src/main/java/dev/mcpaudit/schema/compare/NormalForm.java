package dev.mcpaudit.schema.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.mcpaudit.schema.CanonicalJson;
import java.util.Iterator;
import java.util.Map;

/**
 * Canonical JSON (RFC 8785) of a value with what the volatile rules ignore taken out: ignored
 * members dropped, redaction markers reduced to their rule. Two values with equal normal forms are
 * "the same" for alignment. Pointer rules are not applied: a normal form does not know where it sits.
 */
final class NormalForm {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private NormalForm() {}

    /** Volatile members dropped and markers reduced; values of volatile shape kept (a call's arguments). */
    static String withoutVolatileKeys(JsonNode value, VolatileRules rules) {
        return CanonicalJson.canonicalize(normalize(value, rules, false));
    }

    /** As {@link #withoutVolatileKeys}, and each value of a volatile shape replaced by its shape's name. */
    static String withoutVolatileValues(JsonNode value, VolatileRules rules) {
        return CanonicalJson.canonicalize(normalize(value, rules, rules.masksValueShapes()));
    }

    private static JsonNode normalize(JsonNode value, VolatileRules rules, boolean maskShapes) {
        if (value.isObject()) {
            boolean envelope = VolatileRules.isJsonRpcEnvelope(value);
            ObjectNode out = NODES.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                if (!rules.ignoresMember(member.getKey(), envelope)) {
                    out.set(member.getKey(), normalize(member.getValue(), rules, maskShapes));
                }
            }
            return out;
        }
        if (value.isArray()) {
            ArrayNode out = NODES.arrayNode(value.size());
            for (JsonNode element : value) {
                out.add(normalize(element, rules, maskShapes));
            }
            return out;
        }
        if (value.isTextual()) {
            String rule = RedactionMarkers.ruleOf(value.textValue());
            if (rule != null) {
                return TextNode.valueOf(RedactionMarkers.withoutFingerprint(rule));
            }
            String hidden = RedactionMarkers.withFingerprintsHidden(value.textValue());
            if (!hidden.equals(value.textValue())) {
                return TextNode.valueOf(hidden);
            }
        }
        if (maskShapes) {
            VolatileShape shape = VolatileShape.of(value);
            if (shape != null) {
                return TextNode.valueOf("\u0000volatile:" + shape); // cannot collide with a real string
            }
        }
        return value;
    }
}
