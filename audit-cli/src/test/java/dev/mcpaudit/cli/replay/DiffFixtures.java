package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.schema.CanonicalJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small fixture files for diff tests, built with the Fixture model. */
final class DiffFixtures {
    static final ObjectMapper JSON = new ObjectMapper();

    private final String profile;
    private final String account;
    private final List<Fixture.Call> calls = new ArrayList<>();
    private Fixture.VolatileFields volatileFields = new Fixture.VolatileFields(List.of(), List.of());
    private Map<String, Fixture.Server> servers = Map.of();

    private DiffFixtures(String profile, String account) {
        this.profile = profile;
        this.account = account;
    }

    static DiffFixtures session(String profile, String account) {
        return new DiffFixtures(profile, account);
    }

    /** An {@code aws___call_aws} call that answered {@code text} (JSON as text, as the AWS MCP Server does). */
    DiffFixtures call(String cliCommand, String text) {
        return call(cliCommand, "ok", text);
    }

    DiffFixtures call(String cliCommand, String outcome, String text) {
        JsonNode result = JSON.createObjectNode().set("content", JSON.createArrayNode().add(
                JSON.createObjectNode().put("type", "text").put("text", text)));
        long seq = 10L * (calls.size() + 1);
        calls.add(new Fixture.Call(seq, null, seq + 1, null, "c-" + seq, profile, "tools/call", "aws___call_aws", null,
                JSON.createObjectNode().put("cli_command", cliCommand), Fixture.Outcome.fromWire(outcome), null, result,
                Integer.toHexString(text.hashCode()) + "-" + cliCommand.hashCode(), true, null, null, null));
        return this;
    }

    DiffFixtures volatileKeys(String... keys) {
        volatileFields = new Fixture.VolatileFields(List.of(), List.of(keys));
        return this;
    }

    /** A servers section for the profile: upstream's initialize and tools/list answers (JSON text), hashed as the proxy does. */
    DiffFixtures server(String initialize, String toolsList) throws IOException {
        JsonNode init = JSON.readTree(initialize);
        JsonNode tools = JSON.readTree(toolsList);
        servers = Map.of(profile, new Fixture.Server(init, CanonicalJson.sha256Hex(init), tools, CanonicalJson.sha256Hex(tools)));
        return this;
    }

    Path write(Path file) throws IOException {
        Fixture fixture = new Fixture(Fixture.FORMAT,
                new Fixture.Source("log-1", "sess-" + profile, "test", "https://aws-mcp.us-east-1.api.aws/mcp", "2025-06-18", null, null),
                Map.of(profile, new Fixture.Profile(account, "us-east-1")), List.of(), volatileFields, servers, calls);
        fixture.write(file);
        return file;
    }
}
