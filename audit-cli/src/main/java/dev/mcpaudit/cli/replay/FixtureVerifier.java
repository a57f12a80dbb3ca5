package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.CanonicalJson;
import dev.mcpaudit.schema.ChainProblem;
import dev.mcpaudit.schema.ChainVerifier;
import dev.mcpaudit.schema.StoredEvent;
import dev.mcpaudit.schema.VerificationReport;
import dev.mcpaudit.schema.compare.JsonComparison;
import dev.mcpaudit.schema.compare.VolatileRules;
import dev.mcpaudit.schema.query.SessionCallQueries;
import dev.mcpaudit.schema.query.SessionEvents;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks that a fixture comes unchanged from a log: the same log id; a chain that verifies; every
 * call's {@code seq}/{@code hash} (and {@code completed_seq}/{@code completed_hash}) naming the events
 * of that session at those seqs with those hashes; and each call's content (profile, method,
 * tool/target, args, outcome, error, result, result_sha256, result_complete, duration) equal to what
 * those events hold, compared in RFC 8785 form. The session is exported again from the log and the two
 * documents compared, so verify reads the log exactly as export does. Not compared: what is derived
 * rather than recorded ({@code writes}, {@code writes_reason}, {@code redaction_rules}), when and by
 * which version it was exported, and {@code volatile}, which is the user's to edit.
 */
public final class FixtureVerifier {
    /** How much of a differing value a difference quotes. */
    private static final int QUOTED_CHARS = 80;

    /** One way the fixture departs from the log: at a call ({@code seq}) or in the header (seq null). */
    public record Difference(Long seq, String field, String detail) {
        /** {@code seq 12 result: …}, or {@code source.log_id: …} for the header. */
        public String line() {
            return (seq == null ? "" : "seq " + seq + " ") + field + ": " + detail;
        }
    }

    /** What verifying found; the fixture matches when there are no differences. */
    public record Verdict(String logId, int callsChecked, List<Difference> differences) {
        public Verdict {
            differences = List.copyOf(differences);
        }

        public boolean matches() {
            return differences.isEmpty();
        }
    }

    private final List<Difference> differences = new ArrayList<>();

    private FixtureVerifier() {}

    /** Verifies {@code fixture} against {@code log} (open for reading). */
    public static Verdict verify(Fixture fixture, AuditLog log) throws SQLException {
        return new FixtureVerifier().run(fixture, log);
    }

    private Verdict run(Fixture fixture, AuditLog log) throws SQLException {
        String logId = log.logId();
        if (!Objects.equals(fixture.source().logId(), logId)) {
            differ(null, "source.log_id", "the fixture comes from log " + fixture.source().logId() + ", but "
                    + log.path() + " is log " + logId + "; pass --db with the log it was exported from.");
            return new Verdict(logId, 0, differences);
        }
        VerificationReport chain = ChainVerifier.verify(log);
        for (ChainProblem p : chain.problems()) {
            differ(p.seq(), "chain", "the log does not verify here (" + p.kind().label() + "): " + p.detail());
        }
        String sessionId = fixture.source().sessionId();
        if (sessionId == null || !new SessionCallQueries(log).sessionIdsStartingWith(sessionId, 1).contains(sessionId)) {
            differ(null, "source.session_id", sessionId == null ? "the fixture names no session."
                    : "the log has no session " + sessionId + ".");
            return new Verdict(logId, 0, differences);
        }
        Fixture recorded = new FixtureExporter().export(log, sessionId, true).fixture();
        compareSource(fixture.source(), recorded.source());
        compareMaps("profiles", fixture.profiles(), recorded.profiles(), this::compareProfile);
        compareMaps("servers", fixture.servers(), recorded.servers(), this::compareServer);
        int checked = compareCalls(fixture.calls(), recorded.calls(), log, sessionId);
        return new Verdict(logId, checked, differences);
    }

    private void compareSource(Fixture.Source f, Fixture.Source r) {
        same(null, "source.proxy_version", f.proxyVersion(), r.proxyVersion());
        same(null, "source.endpoint", f.endpoint(), r.endpoint());
        same(null, "source.protocol_version", f.protocolVersion(), r.protocolVersion());
    }

    private <V> void compareMaps(String field, Map<String, V> fixture, Map<String, V> recorded, Comparer<V> comparer) {
        Set<String> names = new HashSet<>(fixture.keySet());
        names.addAll(recorded.keySet());
        for (String name : names.stream().sorted().toList()) {
            V f = fixture.get(name);
            V r = recorded.get(name);
            if (f == null) {
                differ(null, field + "." + name, "the log records it, the fixture does not have it.");
            } else if (r == null) {
                differ(null, field + "." + name, "the fixture has it, the log does not record it.");
            } else {
                comparer.compare(field + "." + name, f, r);
            }
        }
    }

    private interface Comparer<V> {
        void compare(String field, V fixture, V recorded);
    }

    private void compareProfile(String field, Fixture.Profile f, Fixture.Profile r) {
        same(null, field + ".account_id", f.accountId(), r.accountId());
        same(null, field + ".region", f.region(), r.region());
    }

    private void compareServer(String field, Fixture.Server f, Fixture.Server r) {
        sameJson(null, field + ".initialize", f.initialize(), r.initialize());
        same(null, field + ".initialize_sha256", f.initializeSha256(), r.initializeSha256());
        sameJson(null, field + ".tools_list", f.toolsList(), r.toolsList());
        same(null, field + ".tools_list_sha256", f.toolsListSha256(), r.toolsListSha256());
    }

    /** Compares the calls by seq; returns how many of the fixture's calls were found in the log. */
    private int compareCalls(List<Fixture.Call> fixture, List<Fixture.Call> recorded, AuditLog log, String sessionId)
            throws SQLException {
        Map<Long, Fixture.Call> bySeq = new LinkedHashMap<>();
        recorded.forEach(c -> bySeq.put(c.seq(), c));
        Set<Long> seen = new HashSet<>();
        List<Long> unknown = new ArrayList<>();
        int checked = 0;
        for (Fixture.Call f : fixture) {
            if (!seen.add(f.seq())) {
                differ(f.seq(), "seq", "the fixture has more than one call at this seq.");
                continue;
            }
            Fixture.Call r = bySeq.get(f.seq());
            if (r == null) {
                unknown.add(f.seq());
                continue;
            }
            checked++;
            compareCall(f, r);
        }
        explainUnknown(unknown, log, sessionId);
        for (Fixture.Call r : recorded) {
            if (!seen.contains(r.seq())) {
                differ(r.seq(), "calls", "the log has this call (" + r.label() + ") in the session, the fixture does not.");
            }
        }
        return checked;
    }

    private void compareCall(Fixture.Call f, Fixture.Call r) {
        long seq = f.seq();
        same(seq, "hash", f.hash(), r.hash());
        same(seq, "completed_seq", f.completedSeq(), r.completedSeq());
        same(seq, "completed_hash", f.completedHash(), r.completedHash());
        same(seq, "call_id", f.callId(), r.callId());
        same(seq, "profile", f.profile(), r.profile());
        same(seq, "method", f.method(), r.method());
        same(seq, "tool", f.tool(), r.tool());
        same(seq, "target", f.target(), r.target());
        sameJson(seq, "args", f.args(), r.args());
        same(seq, "outcome", f.outcome(), r.outcome());
        same(seq, "error", f.error(), r.error());
        sameJson(seq, "result", f.result(), r.result());
        same(seq, "result_sha256", f.resultSha256(), r.resultSha256());
        same(seq, "result_complete", f.resultComplete(), r.resultComplete());
        if (!sameNumber(f.durationMs(), r.durationMs())) {
            differ(seq, "duration_ms", "the fixture has " + f.durationMs() + ", the log " + r.durationMs() + ".");
        }
    }

    /** Says, for each fixture call the session does not have at its seq, what the log has there instead. */
    private void explainUnknown(List<Long> seqs, AuditLog log, String sessionId) throws SQLException {
        if (seqs.isEmpty()) {
            return;
        }
        Map<Long, StoredEvent> found = SessionEvents.atSeqs(log, seqs);
        for (long seq : seqs) {
            StoredEvent e = found.get(seq);
            String what;
            if (e == null) {
                what = "the log has no event at this seq.";
            } else if (!sessionId.equals(e.sessionId())) {
                what = "the log's event at this seq is a " + e.type() + " of another session (" + e.sessionId() + ").";
            } else if (e.type().equals("call.requested")) {
                what = "the log's call.requested at this seq never completed, so it is no call of a fixture.";
            } else {
                what = "the log's event at this seq is a " + e.type() + ", not a call.requested or call.rejected.";
            }
            differ(seq, "seq", what);
        }
    }

    private void same(Long seq, String field, Object fixture, Object recorded) {
        if (!Objects.equals(fixture, recorded)) {
            differ(seq, field, "the fixture has " + quote(fixture) + ", the log " + quote(recorded) + ".");
        }
    }

    /** Equal in RFC 8785 form: what the log's hashes are about, whatever the spacing or number spelling. */
    private void sameJson(Long seq, String field, JsonNode fixture, JsonNode recorded) {
        if (fixture == null || recorded == null) {
            if (fixture != recorded) {
                differ(seq, field, fixture == null ? "the fixture has none, the log has one." : "the fixture has one, the log has none.");
            }
            return;
        }
        if (canonical(fixture).equals(canonical(recorded))) {
            return;
        }
        String where = JsonComparison.compare(recorded, fixture, VolatileRules.none()).differences().stream()
                .findFirst().map(d -> " (first at " + (d.pointer().isEmpty() ? "/" : d.pointer()) + ")").orElse("");
        differ(seq, field, "the fixture's differs from the log's" + where + ": fixture " + quote(fixture) + ", log "
                + quote(recorded) + ".");
    }

    private static String canonical(JsonNode node) {
        try {
            return CanonicalJson.canonicalize(node);
        } catch (IllegalArgumentException unrepresentable) { // a number RFC 8785 cannot carry: compare as written
            return node.toString();
        }
    }

    private static boolean sameNumber(BigDecimal a, BigDecimal b) {
        return a == null ? b == null : b != null && a.compareTo(b) == 0;
    }

    private static String quote(Object value) {
        if (value == null) {
            return "none";
        }
        String text = value instanceof JsonNode || value instanceof Number || value instanceof Boolean
                ? value.toString() : "\"" + value + "\"";
        if (value instanceof Fixture.Outcome o) {
            text = "\"" + o.wire() + "\"";
        }
        return text.length() <= QUOTED_CHARS ? text : text.substring(0, QUOTED_CHARS) + "…";
    }

    private void differ(Long seq, String field, String detail) {
        differences.add(new Difference(seq, field, detail));
    }
}
