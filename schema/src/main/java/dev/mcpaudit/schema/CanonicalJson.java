package dev.mcpaudit.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import org.erdtman.jcs.JsonCanonicalizer;
import org.erdtman.jcs.NumberToJSON;

/** RFC 8785 (JCS) canonical JSON, and the SHA-256 digests taken over it. */
public final class CanonicalJson {
    private static final HexFormat HEX = HexFormat.of();

    private CanonicalJson() {}

    /** The canonical form of a JSON text; throws {@link IllegalArgumentException} if it is not JSON. */
    public static String canonicalize(String json) {
        try {
            return new JsonCanonicalizer(json).getEncodedString();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not valid JSON for RFC 8785 canonicalisation: " + e.getMessage(), e);
        }
    }

    /**
     * The canonical form of a JSON tree, written straight from the tree: the same text as
     * {@link #canonicalize(String)} of its serialisation (tests hold the two equal), without a
     * text round trip through a second parser, which was half the CPU of recording a call.
     */
    public static String canonicalize(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        write(out, node);
        return out.toString();
    }

    private static void write(StringBuilder out, JsonNode node) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                String[] names = new String[node.size()];
                int n = 0;
                for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                    names[n++] = it.next();
                }
                Arrays.sort(names); // String order is UTF-16 code unit order, as RFC 8785 requires
                out.append('{');
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    appendQuoted(out, names[i]);
                    out.append(':');
                    write(out, node.get(names[i]));
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(out, node.get(i));
                }
                out.append(']');
            }
            case STRING -> appendQuoted(out, node.textValue());
            case NUMBER -> out.append(number(node.doubleValue()));
            case BOOLEAN -> out.append(node.booleanValue());
            case NULL, MISSING -> out.append("null");
            default -> throw new IllegalArgumentException("not JSON: a " + node.getNodeType() + " node");
        }
    }

    /** Numbers are IEEE doubles written the ECMAScript way, as RFC 8785 says (2^53 and beyond round). */
    private static String number(double d) {
        try {
            return NumberToJSON.serializeNumber(d);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON number: " + d, e);
        }
    }

    /** Lowercase hex SHA-256 of the canonical form: what {@code result_sha256} holds. */
    public static String sha256Hex(JsonNode node) {
        return HEX.formatHex(sha256().digest(canonicalize(node).getBytes(StandardCharsets.UTF_8)));
    }

    /** A string literal as RFC 8785 writes it (the ECMAScript JSON.stringify rules). */
    static void appendQuoted(StringBuilder out, String s) {
        if (!needsEscaping(s)) {
            out.append('"').append(s).append('"'); // the common case: ids, types, times
            return;
        }
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String escaped = escape(c);
            if (escaped == null) {
                out.append(c);
            } else {
                out.append(escaped);
            }
        }
        out.append('"');
    }

    /**
     * How RFC 8785 writes character {@code c} inside a string, or null when it stands as itself.
     * The chain's verifier applies the same rule to stored bytes ({@link ChainHash}).
     */
    static String escape(int c) {
        return switch (c) {
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            case '\b' -> "\\b";
            case '\f' -> "\\f";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> c < 0x20 ? String.format("\\u%04x", c) : null;
        };
    }

    private static boolean needsEscaping(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (escape(s.charAt(i)) != null) {
                return true;
            }
        }
        return false;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
