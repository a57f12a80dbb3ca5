package dev.mcpaudit.schema.compare;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a comparison of a recorded call with a live or second one leaves out because it changes on
 * every call. One rule set serves mock matching, replay drift and session diffs, so the three agree
 * on what "the same" means. Immutable: the {@code with…} methods return a new rule set.
 *
 * <ul>
 *   <li>members named by {@link #BUILT_IN_KEYS} or {@link #withIgnoredKeys}, at any depth;
 *   <li>{@code id} only in a JSON-RPC envelope (an object with a {@code jsonrpc} member), because an
 *       {@code id} inside an AWS result is data;
 *   <li>places named by {@link #withIgnoredPointers} (RFC 6901, {@code *} for one segment);
 *   <li>values of a {@link VolatileShape} (times, UUIDs, epoch numbers) when both sides have the same shape.
 * </ul>
 */
public final class VolatileRules {
    /** Keys that carry per-call bookkeeping, never the answer: MCP metadata, AWS request ids, page tokens. */
    public static final Set<String> BUILT_IN_KEYS = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
            "_meta", "jsonrpc_id", "upstream_session_id", "RequestId", "requestId", "ResponseMetadata",
            "NextToken", "nextToken", "nextCursor")));

    private static final VolatileRules DEFAULTS = new VolatileRules(BUILT_IN_KEYS, List.of(), true);
    private static final VolatileRules NONE = new VolatileRules(Set.of(), List.of(), false);

    private final Set<String> keys;
    private final List<PointerPattern> pointers;
    private final boolean builtIns;

    private VolatileRules(Set<String> keys, List<PointerPattern> pointers, boolean builtIns) {
        this.keys = Collections.unmodifiableSet(new LinkedHashSet<>(keys));
        this.pointers = List.copyOf(pointers);
        this.builtIns = builtIns;
    }

    /** The built-in keys, the JSON-RPC envelope {@code id} and the value shapes. */
    public static VolatileRules defaults() {
        return DEFAULTS;
    }

    /** Nothing is volatile: every difference counts (only the user's own additions apply). */
    public static VolatileRules none() {
        return NONE;
    }

    /** Also ignore these places (RFC 6901; a segment {@code *} matches any one index or key). */
    public VolatileRules withIgnoredPointers(Collection<String> rfc6901Pointers) {
        List<PointerPattern> more = new ArrayList<>(pointers);
        for (String pointer : rfc6901Pointers) {
            more.add(PointerPattern.parse(pointer));
        }
        return new VolatileRules(keys, more, builtIns);
    }

    /** Also ignore these places (RFC 6901; a segment {@code *} matches any one index or key). */
    public VolatileRules withIgnoredPointers(String... rfc6901Pointers) {
        return withIgnoredPointers(List.of(rfc6901Pointers));
    }

    /** Also ignore members with these names, at any depth. */
    public VolatileRules withIgnoredKeys(Collection<String> names) {
        Set<String> more = new LinkedHashSet<>(keys);
        for (String name : names) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("an ignored key needs a name");
            }
            more.add(name);
        }
        return new VolatileRules(more, pointers, builtIns);
    }

    /** Also ignore members with these names, at any depth. */
    public VolatileRules withIgnoredKeys(String... names) {
        return withIgnoredKeys(List.of(names));
    }

    /** {@code --ignore POINTER}: the same as {@link #withIgnoredPointers(String...)} with one pointer. */
    public VolatileRules ignore(String rfc6901Pointer) {
        return withIgnoredPointers(rfc6901Pointer);
    }

    /** {@code --ignore-key NAME}: the same as {@link #withIgnoredKeys(String...)} with one name. */
    public VolatileRules ignoreKey(String name) {
        return withIgnoredKeys(name);
    }

    /** The ignored member names, built-in ones first, for a report or a fixture header. */
    public Set<String> ignoredKeys() {
        return keys;
    }

    /** The ignored pointers as the user wrote them. */
    public List<String> ignoredPointers() {
        return pointers.stream().map(PointerPattern::toString).toList();
    }

    /** True when a member of this name is ignored; {@code inJsonRpcEnvelope} says whether its object has a {@code jsonrpc} member. */
    public boolean ignoresMember(String name, boolean inJsonRpcEnvelope) {
        return keys.contains(name) || (builtIns && inJsonRpcEnvelope && name.equals("id"));
    }

    /** True when the object is a JSON-RPC envelope, whose {@code id} is the transport's, not data. */
    static boolean isJsonRpcEnvelope(JsonNode object) {
        return object != null && object.isObject() && object.has("jsonrpc");
    }

    /** True when the place (unescaped segments) is one the user asked to ignore. */
    boolean ignoresPath(List<String> path) {
        for (PointerPattern pattern : pointers) {
            if (pattern.matches(path)) {
                return true;
            }
        }
        return false;
    }

    boolean masksValueShapes() {
        return builtIns;
    }

    boolean hasPointers() {
        return !pointers.isEmpty();
    }

    /** The shape that masks these two differing values, or null when the difference is real. */
    public VolatileShape maskingShape(JsonNode recorded, JsonNode actual) {
        if (!builtIns) {
            return null;
        }
        VolatileShape shape = VolatileShape.of(recorded);
        return shape != null && shape == VolatileShape.of(actual) ? shape : null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VolatileRules other && builtIns == other.builtIns && keys.equals(other.keys)
                && ignoredPointers().equals(other.ignoredPointers());
    }

    @Override
    public int hashCode() {
        return keys.hashCode() * 31 + ignoredPointers().hashCode() + (builtIns ? 1 : 0);
    }

    @Override
    public String toString() {
        return "VolatileRules{keys=" + keys + ", pointers=" + ignoredPointers()
                + ", envelopeId=" + builtIns + ", valueShapes=" + builtIns + "}";
    }
}
