package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.schema.CanonicalJson;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Recorded calls and fixtures for replay's unit tests, written the way a fixture file holds them. */
final class RecordedCalls {
    static final ObjectMapper JSON = new ObjectMapper();

    private RecordedCalls() {}

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An {@code aws___call_aws} of {@code cliCommand} that ended {@code outcome} with {@code result} (null: not recorded). */
    static Fixture.Call awsCall(long seq, String profile, String cliCommand, Fixture.Outcome outcome, String result) {
        return toolCall(seq, profile, "aws___call_aws", "{\"cli_command\":" + JSON.valueToTree(cliCommand) + "}", outcome, result);
    }

    static Fixture.Call toolCall(long seq, String profile, String tool, String args, Fixture.Outcome outcome, String result) {
        JsonNode body = result == null ? null : json(result);
        return new Fixture.Call(seq, "h" + seq, seq + 1, "c" + seq, "call-" + seq, profile, Fixture.Call.TOOLS_CALL, tool, null,
                json(args), outcome, null, body, body == null ? null : CanonicalJson.sha256Hex(body), body == null ? null : true,
                null, null, null);
    }

    static Fixture.Call withWrites(Fixture.Call c, boolean writes, String reason) {
        return new Fixture.Call(c.seq(), c.hash(), c.completedSeq(), c.completedHash(), c.callId(), c.profile(), c.method(), c.tool(),
                c.target(), c.args(), c.outcome(), c.error(), c.result(), c.resultSha256(), c.resultComplete(), c.durationMs(),
                writes, reason);
    }

    static Fixture.Call withResult(Fixture.Call c, String result, String sha256, Boolean complete) {
        return new Fixture.Call(c.seq(), c.hash(), c.completedSeq(), c.completedHash(), c.callId(), c.profile(), c.method(), c.tool(),
                c.target(), c.args(), c.outcome(), c.error(), result == null ? null : json(result), sha256, complete, c.durationMs(),
                c.writes(), c.writesReason());
    }

    static Fixture.Call resourceRead(long seq, String profile, String uri, String result) {
        JsonNode body = json(result);
        return new Fixture.Call(seq, "h" + seq, seq + 1, "c" + seq, "call-" + seq, profile, Fixture.Call.RESOURCES_READ, null, uri,
                null, Fixture.Outcome.OK, null, body, CanonicalJson.sha256Hex(body), true, null, null, null);
    }

    static Fixture fixture(List<Fixture.Call> calls) {
        return new Fixture(Fixture.FORMAT, new Fixture.Source("log-1", "sess-1", "0.1.0", "https://aws-mcp.us-east-1.api.aws/mcp",
                "2025-06-18", "2026-12-05T05:00:00Z", "audit-cli 0.1.0"),
                Map.of("dev", new Fixture.Profile("111111111111", "us-east-1")), List.of(), null, null, calls);
    }
}
