package dev.mcpaudit.cli.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.cli.AuditCli;
import dev.mcpaudit.schema.writes.WriteRules;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.Purges;
import dev.mcpaudit.schema.StoredEvent;
import dev.mcpaudit.schema.query.CallQueries;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description = {"Shows every event of one call: what was asked, where, and how it ended.",
            "The arguments are shown redacted, and the result too when it was recorded.",
            "A value removed by `audit-cli purge` reads [PURGED:<seq>]; the payload.purged",
            "event at that seq, listed with the call, says who removed it, when and why."},
        footer = {"", "Examples:", "  audit-cli show 01a21a38-93c0-762c-a5b5-e177999770d8",
            "  audit-cli show 01a21a38-93c0 --format json   # a unique prefix is enough"})
public final class ShowCommand implements Callable<Integer> {
    enum Format { text, json }

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    AuditCli parent;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "CALL_ID", description = "The call's id, or a unique prefix of it (as listed by `audit-cli calls`).")
    String callId;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT", description = "text (default) or json.")
    Format format;

    @Override
    public Integer call() throws Exception {
        if (callId.isBlank()) {
            throw new IllegalArgumentException("CALL_ID is empty; take one from `audit-cli calls`.");
        }
        try (AuditLog log = parent.openForReading(spec)) {
            CallQueries queries = new CallQueries(log, WriteRules.RECORDED_CALLS);
            List<String> ids = queries.callIdsStartingWith(callId, 2);
            PrintWriter err = spec.commandLine().getErr();
            if (ids.isEmpty()) {
                err.println("audit-cli: no call " + callId + " in " + log.path() + "; list calls with `audit-cli calls`.");
                return ExitCode.FINDING;
            }
            if (ids.size() > 1) {
                err.println("audit-cli: " + callId + " is the start of more than one call id; give more of it.");
                return ExitCode.USAGE;
            }
            String id = ids.get(0);
            print(spec.commandLine().getOut(), id, queries.eventsOf(id));
        }
        return ExitCode.OK;
    }

    private void print(PrintWriter out, String id, List<StoredEvent> events) throws Exception {
        // The purges of this call's events: payload.purged events carry the call's id too.
        Map<Long, List<Purges.Record>> purges = new HashMap<>();
        for (StoredEvent e : events) {
            if (EventType.PAYLOAD_PURGED.wireName().equals(e.type())) {
                Purges.Record p = Purges.Record.parse(e.seq(), e.time(), e.payload());
                if (p != null) { // an event that holds no purge record is a problem `verify` reports
                    purges.computeIfAbsent(p.seq(), k -> new ArrayList<>()).add(p);
                }
            }
        }
        if (format == Format.json) {
            ObjectNode call = JSON.createObjectNode().put("call_id", id);
            ArrayNode array = call.putArray("events");
            for (StoredEvent e : events) {
                ObjectNode o = array.addObject();
                o.put("seq", e.seq());
                o.put("time", e.time());
                o.put("type", e.type());
                o.put("session_id", e.sessionId());
                o.set("payload", JSON.readTree(e.payload()));
                o.put("hash", e.hash());
                List<Purges.Record> purged = purges.get(e.seq());
                if (purged != null) {
                    purged.forEach(p -> o.withArray("purged_by").add(p.eventSeq()));
                }
            }
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(call));
            return;
        }
        out.println("call " + id + " (session " + events.get(0).sessionId() + ")");
        for (StoredEvent e : events) {
            if (EventType.CALL_APPROVAL.wireName().equals(e.type())) {
                out.println(approvalLine(JSON.readTree(e.payload())));
            }
        }
        for (StoredEvent e : events) {
            JsonNode payload = JSON.readTree(e.payload());
            out.println();
            out.println(e.time() + "  " + e.type() + "  (seq " + e.seq() + ")");
            for (Purges.Record p : purges.getOrDefault(e.seq(), List.of())) {
                out.println("  PURGED " + String.join(", ", p.pointers()) + " at seq " + p.eventSeq() + ", " + p.time()
                        + ", by " + p.osUser() + ": " + p.reason());
            }
            for (var it = payload.fields(); it.hasNext(); ) {
                var field = it.next();
                JsonNode v = field.getValue();
                String text = v.isContainerNode() ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(v) : v.asText();
                out.println("  " + field.getKey() + ": " + text.replace("\n", "\n    "));
            }
        }
        if (events.stream().noneMatch(e -> "call.completed".equals(e.type()) || "call.rejected".equals(e.type()))
                && events.stream().anyMatch(e -> "call.requested".equals(e.type()))) {
            out.println();
            out.println("No completion recorded: the proxy stopped (or was killed) before the answer (outcome incomplete).");
        }
    }

    /** One line on a write's approval: "approval: declined (decline) by claude-code 2.1 after 5200 ms: freeze". */
    static String approvalLine(JsonNode p) {
        String decision = p.path("decision").asText("");
        String shown = decision.equals("accept") ? "approved" : decision.equals("fallback-allowed") ? "unasked" : "declined";
        StringBuilder line = new StringBuilder("approval: ").append(shown).append(" (").append(decision).append(')');
        JsonNode client = p.path("client");
        if (client.isObject()) {
            line.append(" by ").append((client.path("name").asText("") + " " + client.path("version").asText("")).strip());
        }
        if (p.has("answer_ms")) {
            line.append(" after ").append(p.get("answer_ms").asText()).append(" ms");
        }
        if (p.hasNonNull("reason")) {
            line.append(": ").append(p.get("reason").asText());
        }
        return line.toString();
    }
}
