package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;

/**
 * The machine-readable report. Field names are stable (README): {@code source}, {@code endpoint},
 * {@code dry_run}, {@code summary}, {@code exit_code}, {@code calls[]} with {@code seq},
 * {@code tool}, {@code status} ({@code match}, {@code changed}, {@code outcome}, {@code missing},
 * {@code skipped}, {@code hash_only}; {@code send} in a dry run), {@code reason} when there is one,
 * and every difference as {@code {pointer, kind, expected, actual}} (RFC 6901; an absent side is
 * left out). {@code catalogue[]} compares the server's answers to {@code initialize} and
 * {@code tools/list}: {@code profile}, {@code what}, {@code status} ({@code same}, {@code changed},
 * {@code not recorded}) and {@code differences}.
 */
final class ReplayJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReplayJson() {}

    static void write(PrintWriter out, ReplayReport report) throws JsonProcessingException {
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(report)));
    }

    static ObjectNode toJson(ReplayReport report) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode source = root.putObject("source");
        source.put("input", report.input());
        source.put("log_id", report.source().logId());
        source.put("session_id", report.source().sessionId());
        source.put("endpoint", report.source().endpoint());
        root.put("endpoint", report.endpoint().toString());
        root.put("loopback", report.safety().loopback());
        ArrayNode allow = root.putArray("allow_writes");
        report.safety().allowWrites().forEach(allow::add);
        root.put("dry_run", report.dryRun());
        ReplayReport.Summary s = report.summary();
        ObjectNode summary = root.putObject("summary");
        summary.put("calls", s.calls());
        if (report.dryRun()) {
            summary.put("send", s.send());
            summary.put("skipped", s.skipped());
        } else {
            summary.put("match", s.match());
            summary.put("changed", s.changed());
            summary.put("outcome", s.outcome());
            summary.put("missing", s.missing());
            summary.put("hash_only", s.hashOnly());
            summary.put("skipped", s.skipped());
            if (s.firstDrift() == null) {
                summary.putNull("first_drift_seq");
            } else {
                summary.put("first_drift_seq", s.firstDrift().planned().call().seq());
            }
        }
        summary.put("catalogue_changed", report.catalogueChanged());
        root.put("exit_code", report.exitCode());
        CatalogueRendering.json(root.putArray("catalogue"), report.catalogue(), "sent_as", "expected", "actual");
        ArrayNode calls = root.putArray("calls");
        for (ReplayReport.Entry e : report.entries()) {
            ReplayPlan.PlannedCall p = e.planned();
            ObjectNode call = calls.addObject();
            call.put("number", p.number());
            call.put("seq", p.call().seq());
            call.put("call_id", p.call().callId());
            call.put("method", p.call().method());
            call.put("tool", p.call().tool());
            if (p.call().target() != null) {
                call.put("target", p.call().target());
            }
            call.put("profile", p.call().profile());
            call.put("sent_as", p.send() ? p.sendAs() : null);
            call.put("status", e.status().wire());
            String reason = ReplayText.detail(e);
            if (reason != null) {
                call.put("reason", reason);
            }
            call.put("recorded_outcome", e.verdict().recordedOutcome() == null ? null : e.verdict().recordedOutcome().wire());
            call.put("outcome", e.verdict().replayOutcome() == null ? null : e.verdict().replayOutcome().wire());
            call.put("ignored_volatile_paths", e.verdict().ignoredPaths());
            CatalogueRendering.jsonDifferences(call.putArray("differences"), e.verdict().differences(), "expected", "actual");
        }
        return root;
    }
}
