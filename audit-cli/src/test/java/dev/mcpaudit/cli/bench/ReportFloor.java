package dev.mcpaudit.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.ChainVerifier;
import dev.mcpaudit.schema.VerificationReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simplest program that does a verifying report's work, for {@link LargeLogBench} to time as a
 * command next to {@code report} and {@code verify}: verify the chain and, in the same pass, parse
 * every call's payload and count one profile's calls by command and outcome. No text test before
 * parsing, no grouping beyond that, no listings, no rendering.
 */
public final class ReportFloor {
    private ReportFloor() {}

    /** {@code ReportFloor LOG PROFILE}: prints whether the chain verifies and how many groups and calls. */
    public static void main(String[] args) {
        ObjectMapper json = new ObjectMapper();
        Map<String, String> commandOf = new ConcurrentHashMap<>();
        Map<String, String> outcomeOf = new ConcurrentHashMap<>();
        try (AuditLog log = AuditLog.openReadOnly(Path.of(args[0]))) {
            VerificationReport verified = ChainVerifier.verify(log, null, null, new AtomicLong(), segment -> row -> {
                String type = new String(row.type(), StandardCharsets.UTF_8);
                try {
                    if (type.equals("call.requested")) {
                        JsonNode p = json.readTree(row.payload());
                        if (args[1].equals(p.path("profile").asText(null))) {
                            commandOf.put(new String(row.callId(), StandardCharsets.UTF_8),
                                    p.path("args").path("cli_command").asText(""));
                        }
                    } else if (type.equals("call.completed")) {
                        outcomeOf.put(new String(row.callId(), StandardCharsets.UTF_8),
                                json.readTree(row.payload()).path("outcome").asText(""));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Map<String, Long> groups = new HashMap<>();
            commandOf.forEach((id, command) -> groups.merge(command + " " + outcomeOf.getOrDefault(id, "incomplete"),
                    1L, Long::sum));
            System.out.println(verified.intact() + ": " + groups.size() + " groups of " + commandOf.size() + " calls");
        }
    }
}
