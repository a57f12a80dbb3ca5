package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.cli.replay.DiffReport.Entry;
import dev.mcpaudit.cli.replay.DiffReport.Line;
import dev.mcpaudit.cli.replay.DiffReport.OneSidedWrite;
import dev.mcpaudit.cli.replay.DiffReport.Status;
import java.io.PrintWriter;
import java.util.Map;

/**
 * The diff as one JSON document ({@code "format": "mcp-audit-diff/1"}); field names are stable and
 * documented in the command's help. Pointers are RFC 6901, into the arguments ({@code "in": "args"})
 * or into the result ({@code "in": "result"}); values are kept whole.
 */
final class DiffJson {
    static final String FORMAT = "mcp-audit-diff/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DiffJson() {}

    static void write(DiffReport report, PrintWriter out) throws JsonProcessingException {
        out.println(JSON.writeValueAsString(toJson(report)));
    }

    static ObjectNode toJson(DiffReport report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.set("a", side(report.a()));
        root.set("b", side(report.b()));
        ObjectNode accounts = root.putObject("map_account");
        report.accounts().forEach(accounts::put);
        ObjectNode ignored = root.putObject("ignored");
        report.rules().ignoredPointers().forEach(ignored.putArray("pointers")::add);
        report.rules().ignoredKeys().forEach(ignored.putArray("keys")::add);
        ObjectNode summary = root.putObject("summary");
        for (Map.Entry<Status, Integer> e : report.counts().entrySet()) {
            summary.put(e.getKey().wire, e.getValue());
        }
        summary.put("volatile_paths_ignored", report.ignoredPaths());
        summary.put("one_sided_writes", report.oneSidedWrites().size());
        summary.put("catalogue_changed", report.catalogueChanged());
        summary.put("differs", report.hasDivergence());
        Line first = report.firstDivergence();
        if (first == null) {
            root.putNull("first_divergence");
        } else {
            ObjectNode f = root.putObject("first_divergence");
            putIndexes(f, first);
        }
        CatalogueRendering.json(root.putArray("catalogue"), report.catalogue(), "b_profile", "a", "b");
        ArrayNode pairs = root.putArray("pairs");
        for (Line line : report.lines()) {
            ObjectNode p = pairs.addObject();
            p.put("status", line.status().wire);
            putIndexes(p, line);
            DiffCall call = DiffValues.callOf(line);
            p.put("method", call.method());
            p.put("tool", call.subject());
            p.put("operation", call.operation());
            p.set("a", line.a() == null ? null : call(line.a()));
            p.set("b", line.b() == null ? null : call(line.b()));
            p.put("outcome_changed", line.outcomeChanged());
            p.put("hash_only", line.hashOnly());
            p.put("volatile_paths_ignored", line.ignoredPaths());
            ArrayNode entries = p.putArray("entries");
            for (Entry e : line.entries()) {
                ObjectNode o = entries.addObject();
                o.put("in", e.in());
                o.put("path", e.difference().pointer());
                o.put("kind", e.difference().kind().name().toLowerCase(java.util.Locale.ROOT));
                o.set("a", e.difference().recorded());
                o.set("b", e.difference().actual());
            }
        }
        ArrayNode writes = root.putArray("one_sided_writes");
        for (OneSidedWrite w : report.oneSidedWrites()) {
            ObjectNode o = writes.addObject();
            o.put("side", w.side().toLowerCase(java.util.Locale.ROOT));
            o.put("index", w.call().index());
            o.put("seq", w.call().seq());
            o.put("profile", w.call().profile());
            o.put("account_id", w.call().accountId());
            o.put("tool", w.call().subject());
            o.put("operation", w.call().operation());
            o.put("outcome", w.call().outcome());
            o.put("why", w.why());
        }
        return root;
    }

    private static ObjectNode side(DiffSide side) {
        ObjectNode o = JSON.createObjectNode();
        o.put("kind", side.kind());
        o.put("source", side.source());
        o.put("session_id", side.sessionId());
        o.put("profile", side.profile());
        o.put("calls", side.calls().size());
        ObjectNode profiles = o.putObject("profiles");
        side.profiles().forEach(profiles::put);
        return o;
    }

    private static void putIndexes(ObjectNode o, Line line) {
        o.set("a_index", line.a() == null ? null : o.numberNode(line.a().index()));
        o.set("a_seq", line.a() == null ? null : o.numberNode(line.a().seq()));
        o.set("b_index", line.b() == null ? null : o.numberNode(line.b().index()));
        o.set("b_seq", line.b() == null ? null : o.numberNode(line.b().seq()));
    }

    private static ObjectNode call(DiffCall c) {
        ObjectNode o = JSON.createObjectNode();
        o.put("profile", c.profile());
        o.put("account_id", c.accountId());
        o.put("region", c.region());
        o.set("args", c.args());
        o.put("outcome", c.outcome());
        if (c.approval() != null) {
            o.put("approval", c.approval());
        }
        o.put("error", c.error());
        o.put("result_sha256", c.resultSha256());
        o.put("write", c.write());
        return o;
    }
}
