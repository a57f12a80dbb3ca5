package dev.mcpaudit.schema.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.schema.CanonicalJson;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Shared fixtures of the benchmarks: a realistic {@code call.requested} event, and temp-dir cleanup. */
final class BenchEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchEvents() {}

    /**
     * A {@code call.requested} payload as the proxy writes it for an {@code aws___call_aws} call: about
     * 500 bytes once canonical. {@code n} varies the JSON-RPC id and the prefix so that no two are equal.
     */
    static ObjectNode callRequestedPayload(long n) {
        ObjectNode payload = JSON.createObjectNode()
                .put("profile", "prod-readonly")
                .put("account_id", "123456789012")
                .put("account_source", "sts:GetCallerIdentity")
                .put("region", "eu-west-1")
                .put("service", "s3")
                .put("tool", "aws___call_aws");
        payload.putObject("args").put("cli_command",
                "aws s3api list-objects-v2 --bucket acme-prod-audit-artifacts-eu-west-1"
                        + " --prefix reports/2025/06/daily/" + n + "/ --max-items 100");
        payload.put("args_fingerprint", "9f2c4e1ab07d3c58e6f1a2b4c9d0e7f3a5b6c8d1e2f4a7b9c0d3e5f6a8b1c2d4")
                .put("jsonrpc_id", n)
                .put("upstream_session_id", "7c1e9a52-3f4b-4d8e-9a61-2b5c7d8e0f13");
        return payload;
    }

    static NewEvent callRequested(String sessionId, long n) {
        return NewEvent.now(EventType.CALL_REQUESTED, sessionId, sessionId + "-call-" + n, callRequestedPayload(n));
    }

    /** The canonical payload text, as the raw baseline stores it. */
    static String canonicalPayload(long n) {
        return CanonicalJson.canonicalize(callRequestedPayload(n));
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
