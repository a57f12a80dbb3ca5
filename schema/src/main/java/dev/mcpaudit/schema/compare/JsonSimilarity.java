package dev.mcpaudit.schema.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * How alike two JSON values are, from 0 (nothing shared) to 1 (same leaves): the Dice coefficient
 * over their leaves, where a string leaf counts word by word. So two {@code cli_command}s that differ
 * in one instance id are close, and calls of different services are not. Used to pair leftover calls
 * in {@link SequenceAlignment}; array indexes are left out so a shifted list still looks alike.
 */
public final class JsonSimilarity {
    private JsonSimilarity() {}

    public static double between(JsonNode a, JsonNode b) {
        Map<String, Integer> left = features(a);
        Map<String, Integer> right = features(b);
        int total = 0;
        int common = 0;
        for (Map.Entry<String, Integer> e : left.entrySet()) {
            total += e.getValue();
            common += Math.min(e.getValue(), right.getOrDefault(e.getKey(), 0));
        }
        for (int n : right.values()) {
            total += n;
        }
        return total == 0 ? 1.0 : 2.0 * common / total;
    }

    private static Map<String, Integer> features(JsonNode value) {
        Map<String, Integer> out = new HashMap<>();
        collect(value == null ? NullNode.getInstance() : value, "", out);
        return out;
    }

    private static void collect(JsonNode value, String at, Map<String, Integer> out) {
        if (value.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                collect(member.getValue(), at + "/" + member.getKey(), out);
            }
        } else if (value.isArray()) {
            for (JsonNode element : value) {
                collect(element, at + "/*", out);
            }
        } else if (value.isTextual()) {
            for (String word : value.textValue().split("\\s+")) {
                if (!word.isEmpty()) {
                    out.merge(at + "\u0000" + word, 1, Integer::sum);
                }
            }
        } else {
            out.merge(at + "\u0000" + value.asText(), 1, Integer::sum);
        }
    }
}
