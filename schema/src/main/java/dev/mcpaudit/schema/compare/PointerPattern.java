package dev.mcpaudit.schema.compare;

import com.fasterxml.jackson.core.JsonPointer;
import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 6901 pointer in which a segment {@code *} stands for any one array index or member name,
 * e.g. {@code /Contents/*}{@code /LastModified}. It matches a path of exactly its length; what lies
 * beneath a matched path goes with it.
 */
final class PointerPattern {
    static final String ANY = "*";

    private final String text;
    private final String[] segments;

    private PointerPattern(String text, String[] segments) {
        this.text = text;
        this.segments = segments;
    }

    /** Parses a pointer; throws {@link IllegalArgumentException} naming the fault if it is not RFC 6901. */
    static PointerPattern parse(String pointer) {
        JsonPointer parsed;
        try {
            parsed = JsonPointer.compile(pointer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an RFC 6901 JSON Pointer (it must start with '/'): " + pointer, e);
        }
        List<String> segments = new ArrayList<>();
        for (JsonPointer p = parsed; !p.matches(); p = p.tail()) {
            segments.add(p.getMatchingProperty()); // unescaped: "~1" is already "/"
        }
        return new PointerPattern(pointer, segments.toArray(String[]::new));
    }

    /** True when {@code path} (unescaped segments, indexes as decimal text) is the place this pattern names. */
    boolean matches(List<String> path) {
        if (path.size() != segments.length) {
            return false;
        }
        for (int i = segments.length - 1; i >= 0; i--) { // the last segment differs most often
            if (!segments[i].equals(ANY) && !segments[i].equals(path.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
