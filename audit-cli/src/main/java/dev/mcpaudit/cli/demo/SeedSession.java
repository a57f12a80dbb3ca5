package dev.mcpaudit.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.mcpaudit.fixtures.DemoSeed;
import dev.mcpaudit.fixtures.replay.Fixture;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The session the demo's agent plays: the recorded fixture shipped in this jar, with the secret put
 * back where the recording redacted it. The agent sends the secret for real, so the demo shows the
 * proxy hiding it; and the mock serves these same arguments, so it matches what the proxy forwards.
 */
final class SeedSession {
    /** A redaction marker, {@code [REDACTED:rule:fingerprint]}, as the log and fixtures hold it. */
    private static final Pattern MARKER = Pattern.compile("\\[REDACTED:[^\\]]+\\]");

    private final Fixture fixture;

    private SeedSession(Fixture fixture) {
        this.fixture = fixture;
    }

    static SeedSession load() {
        try (InputStream in = SeedSession.class.getResourceAsStream(DemoSeed.FIXTURE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the demo's recorded session " + DemoSeed.FIXTURE_RESOURCE
                        + " is not in this audit-cli jar; rebuild it with ./mvnw -B -q package -DskipTests.");
            }
            Fixture recorded = Fixture.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return new SeedSession(withSecretRestored(recorded));
        } catch (IOException e) {
            throw new UncheckedIOException("the demo's recorded session could not be read from the jar: " + e.getMessage(), e);
        }
    }

    /** What the mock serves. */
    Fixture fixture() {
        return fixture;
    }

    /** What the agent asks for, in order. */
    List<Fixture.Call> calls() {
        return fixture.calls();
    }

    private static Fixture withSecretRestored(Fixture f) {
        List<Fixture.Call> calls = f.calls().stream().map(c -> new Fixture.Call(c.seq(), c.hash(), c.completedSeq(),
                c.completedHash(), c.callId(), c.profile(), c.method(), c.tool(), c.target(), restore(c.args()), c.outcome(),
                c.error(), c.result(), c.resultSha256(), c.resultComplete(), c.durationMs(), c.writes(), c.writesReason())).toList();
        return new Fixture(f.format(), f.source(), f.profiles(), f.redactionRules(), f.volatileFields(), f.servers(), calls);
    }

    /** A copy of {@code node} with every redaction marker in its strings replaced by the demo's secret. */
    static JsonNode restore(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            Matcher m = MARKER.matcher(node.textValue());
            return m.find() ? TextNode.valueOf(m.replaceAll(Matcher.quoteReplacement(DemoSeed.SECRET))) : node;
        }
        if (node.isObject()) {
            ObjectNode copy = ((ObjectNode) node).objectNode();
            node.fields().forEachRemaining(e -> copy.set(e.getKey(), restore(e.getValue())));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = ((ArrayNode) node).arrayNode();
            node.forEach(v -> copy.add(restore(v)));
            return copy;
        }
        return node;
    }
}
