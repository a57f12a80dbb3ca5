package dev.mcpaudit.schema.compare;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.schema.compare.Difference.Kind;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Compares recorded JSON with actual JSON and reports differences by RFC 6901 pointer, leaving out
 * what {@link VolatileRules} ignores (and counting it). Objects are compared by member; arrays by
 * identity ({@link IdentityKeys}), else along a longest common subsequence of normal forms with the
 * stretches between matches compared by position; numbers by value; redaction markers by rule; JSON
 * held as text in an MCP {@code content[].text} structurally.
 *
 * <p>Our own walker rather than zjsonpatch or JsonUnit: both align arrays by position (so "i-1 gone,
 * i-2 stopped" reads as "i-1 renamed i-2") and know nothing of volatile fields or redaction markers
 * (research/replay-and-fixtures.md §4).
 */
public final class JsonComparison {
    // Trailing text after a JSON value means the text is prose that starts with a brace, not JSON.
    private static final ObjectMapper TEXT_JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final VolatileRules rules;
    private final List<Difference> differences = new ArrayList<>();
    private int ignoredPaths;
    private final List<String> path = new ArrayList<>();
    private final BitSet indexSegments = new BitSet();

    private JsonComparison(VolatileRules rules) {
        this.rules = rules;
    }

    public static Comparison compare(JsonNode recorded, JsonNode actual, VolatileRules rules) {
        if (recorded == null || actual == null || rules == null) {
            throw new IllegalArgumentException("compare needs both documents and a rule set (use NullNode for JSON null)");
        }
        JsonComparison walk = new JsonComparison(rules);
        walk.values(recorded, actual, rules.hasPointers() && rules.ignoresPath(List.of()));
        return new Comparison(walk.differences, walk.ignoredPaths);
    }

    private void values(JsonNode recorded, JsonNode actual, boolean ignoring) {
        if (recorded.isObject() && actual.isObject()) {
            objects(recorded, actual, ignoring);
        } else if (recorded.isArray() && actual.isArray()) {
            arrays(recorded, actual, ignoring);
        } else if (recorded.isTextual() && actual.isTextual()) {
            strings(recorded, actual, ignoring);
        } else if (recorded.isNumber() && actual.isNumber()) {
            if (!sameNumber(recorded, actual)) {
                report(Kind.CHANGED, recorded, actual, ignoring || rules.maskingShape(recorded, actual) != null);
            }
        } else if (recorded.getNodeType() == actual.getNodeType()) {
            if (!recorded.equals(actual)) {
                report(Kind.CHANGED, recorded, actual, ignoring);
            }
        } else {
            // A secret redacted on one side only is a changed value, whatever type the secret had.
            boolean marker = isMarker(recorded) || isMarker(actual);
            report(marker ? Kind.CHANGED : Kind.TYPE, recorded, actual, ignoring);
        }
    }

    /**
     * By value, so 1 equals 1.0. A binary double on either side is compared as a double: its exact
     * decimal expansion (0.1000000000000000055…) would never equal a decimal 0.1 parsed elsewhere.
     */
    private static boolean sameNumber(JsonNode recorded, JsonNode actual) {
        if (recorded.isFloatingPointNumber() && !recorded.isBigDecimal() || actual.isFloatingPointNumber() && !actual.isBigDecimal()) {
            return recorded.doubleValue() == actual.doubleValue();
        }
        return recorded.decimalValue().compareTo(actual.decimalValue()) == 0;
    }

    private void objects(JsonNode recorded, JsonNode actual, boolean ignoring) {
        boolean envelope = VolatileRules.isJsonRpcEnvelope(recorded) || VolatileRules.isJsonRpcEnvelope(actual);
        for (Iterator<Map.Entry<String, JsonNode>> it = recorded.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            String name = member.getKey();
            JsonNode other = actual.get(name);
            push(name, false);
            boolean ignored = ignoring || rules.ignoresMember(name, envelope) || pathIgnored();
            if (other == null) {
                report(Kind.REMOVED, member.getValue(), null, ignored);
            } else {
                values(member.getValue(), other, ignored);
            }
            pop();
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = actual.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            if (!recorded.has(member.getKey())) {
                push(member.getKey(), false);
                boolean ignored = ignoring || rules.ignoresMember(member.getKey(), envelope) || pathIgnored();
                report(Kind.ADDED, null, member.getValue(), ignored);
                pop();
            }
        }
    }

    private void arrays(JsonNode recorded, JsonNode actual, boolean ignoring) {
        String identity = IdentityKeys.commonKey(recorded, actual);
        if (identity != null) {
            arraysByIdentity(recorded, actual, identity, ignoring);
        } else {
            arraysByContent(recorded, actual, ignoring);
        }
    }

    /** Elements paired by identity, whatever their order; a removal is reported near where it stood. */
    private void arraysByIdentity(JsonNode recorded, JsonNode actual, String identity, boolean ignoring) {
        Map<String, Integer> recordedIndex = new HashMap<>();
        for (int i = 0; i < recorded.size(); i++) {
            recordedIndex.put(IdentityKeys.valueOf(recorded.get(i), identity), i);
        }
        int[] partner = new int[actual.size()];
        boolean[] kept = new boolean[recorded.size()];
        for (int j = 0; j < actual.size(); j++) {
            Integer i = recordedIndex.get(IdentityKeys.valueOf(actual.get(j), identity));
            partner[j] = i == null ? -1 : i;
            if (i != null) {
                kept[i] = true;
            }
        }
        int removals = 0; // recorded elements before this index have had their removal reported
        for (int j = 0; j < actual.size(); j++) {
            int i = partner[j];
            for (; removals < i; removals++) {
                if (!kept[removals]) {
                    element(recorded.get(removals), removals, null, -1, ignoring);
                }
            }
            element(i < 0 ? null : recorded.get(i), i, actual.get(j), j, ignoring);
        }
        for (; removals < recorded.size(); removals++) {
            if (!kept[removals]) {
                element(recorded.get(removals), removals, null, -1, ignoring);
            }
        }
    }

    /**
     * Elements equal in normal form are matched along a longest common subsequence; between two
     * matches, the leftovers are compared by position and the surplus is removed or added.
     */
    private void arraysByContent(JsonNode recorded, JsonNode actual, boolean ignoring) {
        Map<String, Integer> tokens = new HashMap<>();
        int[] r = new int[recorded.size()];
        int[] a = new int[actual.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = tokens.computeIfAbsent(NormalForm.withoutVolatileValues(recorded.get(i), rules), k -> tokens.size());
        }
        for (int j = 0; j < a.length; j++) {
            a[j] = tokens.computeIfAbsent(NormalForm.withoutVolatileValues(actual.get(j), rules), k -> tokens.size());
        }
        int[] partner = CommonSubsequence.partners(r, a);
        int i = 0;
        int j = 0;
        for (int anchor = 0; anchor < r.length; anchor++) {
            if (partner[anchor] >= 0) {
                byPosition(recorded, i, anchor, actual, j, partner[anchor], ignoring);
                element(recorded.get(anchor), anchor, actual.get(partner[anchor]), partner[anchor], ignoring);
                i = anchor + 1;
                j = partner[anchor] + 1;
            }
        }
        byPosition(recorded, i, r.length, actual, j, a.length, ignoring);
    }

    private void byPosition(JsonNode recorded, int rFrom, int rTo, JsonNode actual, int aFrom, int aTo, boolean ignoring) {
        int paired = Math.min(rTo - rFrom, aTo - aFrom);
        for (int k = 0; k < paired; k++) {
            element(recorded.get(rFrom + k), rFrom + k, actual.get(aFrom + k), aFrom + k, ignoring);
        }
        for (int i = rFrom + paired; i < rTo; i++) {
            element(recorded.get(i), i, null, -1, ignoring);
        }
        for (int j = aFrom + paired; j < aTo; j++) {
            element(null, -1, actual.get(j), j, ignoring);
        }
    }

    /** One array element, at the actual side's index unless it was removed. */
    private void element(JsonNode recorded, int i, JsonNode actual, int j, boolean ignoring) {
        push(Integer.toString(actual != null ? j : i), true);
        boolean ignored = ignoring || pathIgnored();
        if (actual == null) {
            report(Kind.REMOVED, recorded, null, ignored);
        } else if (recorded == null) {
            report(Kind.ADDED, null, actual, ignored);
        } else {
            values(recorded, actual, ignored);
        }
        pop();
    }

    private void strings(JsonNode recorded, JsonNode actual, boolean ignoring) {
        String r = recorded.textValue();
        String a = actual.textValue();
        if (r.equals(a)) {
            return;
        }
        String recordedRule = RedactionMarkers.ruleOf(r);
        String actualRule = RedactionMarkers.ruleOf(a);
        if (recordedRule != null || actualRule != null) {
            if (recordedRule == null || !recordedRule.equals(actualRule)) {
                report(Kind.CHANGED, recorded, actual, ignoring);
            }
            return;
        }
        if (RedactionMarkers.withFingerprintsHidden(r).equals(RedactionMarkers.withFingerprintsHidden(a))) {
            return; // equal but for the fingerprints of markers inside them
        }
        if (atContentText()) {
            JsonNode parsedRecorded = parseContainer(r);
            JsonNode parsedActual = parsedRecorded == null ? null : parseContainer(a);
            if (parsedActual != null) {
                values(parsedRecorded, parsedActual, ignoring);
                return;
            }
        }
        report(Kind.CHANGED, recorded, actual, ignoring || rules.maskingShape(recorded, actual) != null);
    }

    /** True at {@code …/content/N/text}: where MCP tool results carry their payload, often JSON as text. */
    private boolean atContentText() {
        int n = path.size();
        return n >= 3 && path.get(n - 1).equals("text") && indexSegments.get(n - 2) && path.get(n - 3).equals("content");
    }

    private static JsonNode parseContainer(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty() || (trimmed.charAt(0) != '{' && trimmed.charAt(0) != '[')) {
            return null;
        }
        try {
            JsonNode parsed = TEXT_JSON.readTree(trimmed);
            return parsed != null && parsed.isContainerNode() ? parsed : null;
        } catch (java.io.IOException e) {
            return null; // prose that happens to start with a brace: compared as text
        }
    }

    private static boolean isMarker(JsonNode node) {
        return node.isTextual() && RedactionMarkers.ruleOf(node.textValue()) != null;
    }

    private void report(Kind kind, JsonNode recorded, JsonNode actual, boolean ignored) {
        if (ignored) {
            ignoredPaths++;
        } else {
            differences.add(new Difference(pointer(), kind, recorded, actual));
        }
    }

    private boolean pathIgnored() {
        return rules.hasPointers() && rules.ignoresPath(path);
    }

    private void push(String segment, boolean index) {
        indexSegments.set(path.size(), index);
        path.add(segment);
    }

    private void pop() {
        path.remove(path.size() - 1);
    }

    private String pointer() {
        JsonPointer pointer = JsonPointer.empty();
        for (int k = 0; k < path.size(); k++) {
            pointer = indexSegments.get(k) ? pointer.appendIndex(Integer.parseInt(path.get(k))) : pointer.appendProperty(path.get(k));
        }
        return pointer.toString();
    }
}
