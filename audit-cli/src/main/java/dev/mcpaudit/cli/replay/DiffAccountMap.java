package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code --map-account A=B}: account ids of side A rewritten to side B's before comparing, wherever
 * they occur in a string of the arguments or the result (ARNs, bucket names, JSON held as text), so
 * a staging session and a prod session can line up.
 */
final class DiffAccountMap {
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Map<String, String> accounts;

    private DiffAccountMap(Map<String, String> accounts) {
        this.accounts = Collections.unmodifiableMap(new LinkedHashMap<>(accounts));
    }

    static DiffAccountMap parse(List<String> mappings) {
        Map<String, String> accounts = new LinkedHashMap<>();
        for (String m : mappings) {
            String[] parts = m.split("=", -1);
            if (parts.length != 2 || !ACCOUNT.matcher(parts[0].strip()).matches() || !ACCOUNT.matcher(parts[1].strip()).matches()) {
                throw new IllegalArgumentException("--map-account '" + m + "' is not A=B with two 12-digit AWS account ids;"
                        + " write e.g. --map-account 111111111111=222222222222 (A's account first).");
            }
            String previous = accounts.put(parts[0].strip(), parts[1].strip());
            if (previous != null && !previous.equals(parts[1].strip())) {
                throw new IllegalArgumentException("--map-account maps " + parts[0].strip() + " twice (to " + previous + " and "
                        + parts[1].strip() + "); give it once.");
            }
        }
        return new DiffAccountMap(accounts);
    }

    Map<String, String> accounts() {
        return accounts;
    }

    boolean isEmpty() {
        return accounts.isEmpty();
    }

    /** The side with each call's arguments and result rewritten; calls without a mapped account are kept as they are. */
    DiffSide apply(DiffSide side) {
        if (accounts.isEmpty()) {
            return side;
        }
        List<DiffCall> calls = new ArrayList<>();
        for (DiffCall c : side.calls()) {
            calls.add(c.withBodies(rewrite(c.args()), rewrite(c.result())));
        }
        return side.withCalls(calls);
    }

    private JsonNode rewrite(JsonNode value) {
        if (value == null) {
            return null;
        }
        if (value.isTextual()) {
            String text = value.textValue();
            String mapped = rewrite(text);
            return mapped.equals(text) ? value : TextNode.valueOf(mapped);
        }
        if (value.isObject()) {
            ObjectNode out = NODES.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                out.set(rewrite(member.getKey()), rewrite(member.getValue()));
            }
            return out;
        }
        if (value.isArray()) {
            ArrayNode out = NODES.arrayNode(value.size());
            value.forEach(element -> out.add(rewrite(element)));
            return out;
        }
        return value;
    }

    private String rewrite(String text) {
        String out = text;
        for (Map.Entry<String, String> e : accounts.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }
}
