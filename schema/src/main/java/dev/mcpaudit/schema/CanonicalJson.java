package dev.mcpaudit.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.erdtman.jcs.JsonCanonicalizer;

/** RFC 8785 (JCS) canonical JSON, and the SHA-256 digests taken over it. */
public final class CanonicalJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
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

    public static String canonicalize(JsonNode node) {
        try {
            return canonicalize(MAPPER.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise JSON node: " + e.getMessage(), e);
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
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean needsEscaping(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
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
