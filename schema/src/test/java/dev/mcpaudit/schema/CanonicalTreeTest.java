package dev.mcpaudit.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The tree canonicaliser (used for every recorded event and result hash) writes exactly what the
 * RFC 8785 reference implementation writes for the same JSON text: a changed byte would change
 * every hash in the chain.
 */
class CanonicalTreeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] KEYS = {"a", "b", "B", "é", "\u20ac", "\ud83d\ude00", "\u00fc", "10", "1", "", "a\u0000",
        "\r", "key with space", "\ufb33", "\u0080"};

    @Test
    void randomTreesCanonicaliseLikeTheReferenceImplementation() throws Exception {
        Random random = new Random(8785);
        for (int i = 0; i < 2000; i++) {
            JsonNode tree = NODES.arrayNode().add(randomNode(random, 0)); // the reference takes objects and arrays only
            String viaText = CanonicalJson.canonicalize(JSON.writeValueAsString(tree));

            assertThat(CanonicalJson.canonicalize(tree)).as("tree %s", tree).isEqualTo(viaText);
        }
    }

    @Test
    void numbersAreWrittenTheEcmascriptWay() {
        ArrayNode numbers = NODES.arrayNode().add(0).add(-0.0).add(1e21).add(1e-7).add(123456789012L)
                .add(9007199254740993L).add(5e-324).add(0.1).add(new BigDecimal("1.50")).add(new BigInteger("100000000000000000000"));

        assertThat(CanonicalJson.canonicalize(numbers))
                .isEqualTo("[0,0,1e+21,1e-7,123456789012,9007199254740992,5e-324,0.1,1.5,100000000000000000000]");
    }

    private static JsonNode randomNode(Random r, int depth) {
        int kind = depth > 3 ? 2 + r.nextInt(5) : r.nextInt(7);
        switch (kind) {
            case 0: {
                ObjectNode o = NODES.objectNode();
                int n = r.nextInt(6);
                for (int i = 0; i < n; i++) {
                    o.set(KEYS[r.nextInt(KEYS.length)] + (r.nextBoolean() ? "" : randomString(r)), randomNode(r, depth + 1));
                }
                return o;
            }
            case 1: {
                ArrayNode a = NODES.arrayNode();
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    a.add(randomNode(r, depth + 1));
                }
                return a;
            }
            case 2:
                return NODES.textNode(randomString(r));
            case 3:
                return switch (r.nextInt(4)) {
                    case 0 -> NODES.numberNode(r.nextInt());
                    case 1 -> NODES.numberNode(r.nextLong());
                    case 2 -> NODES.numberNode(r.nextDouble() * Math.pow(10, r.nextInt(40) - 20));
                    default -> NODES.numberNode(-r.nextInt(1000) / 8.0);
                };
            case 4:
                return NODES.booleanNode(r.nextBoolean());
            case 5:
                return NODES.nullNode();
            default:
                return NODES.textNode(KEYS[r.nextInt(KEYS.length)]);
        }
    }

    private static String randomString(Random r) {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(8);
        for (int i = 0; i < n; i++) {
            int pick = r.nextInt(10);
            if (pick < 5) {
                b.append((char) ('a' + r.nextInt(26)));
            } else if (pick == 5) {
                b.append((char) r.nextInt(0x20)); // control characters
            } else if (pick == 6) {
                b.append(r.nextBoolean() ? '"' : '\\');
            } else if (pick == 7) {
                b.appendCodePoint(0x1F600 + r.nextInt(50)); // surrogate pairs
            } else {
                b.append((char) (0x80 + r.nextInt(0x2000)));
            }
        }
        return b.toString();
    }
}
