package dev.mcpaudit.cli.replay;

import dev.mcpaudit.cli.SessionArgument;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventTime;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.ProductVersion;
import dev.mcpaudit.schema.StoredEvent;
import dev.mcpaudit.schema.query.SessionEvents;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@code mcp-audit-fixture/1} document of one recorded session from its events: where it
 * came from, the profiles with their accounts and regions, what upstream answered to
 * {@code initialize} and {@code tools/list}, and every call in seq order with the seq and hash of the
 * events it was read from. The fixture's {@code redaction_rules} are the rules that fired on the
 * exported calls' arguments and results (the rule of each redaction marker found there), not every
 * rule the proxy had. Its {@code volatile} rules are left empty: they are the user's additions to the
 * built-in ones, which every tool applies anyway.
 *
 * <p>A call that never completed is left out (see {@link FixtureExport#notes()}). A session whose
 * calls had results that were not recorded whole is refused ({@link IncompleteSessionException}),
 * because a mock could not answer those calls, unless {@code allowIncomplete}: then they are written
 * with no result and {@code result_complete: false}, and are unservable.
 */
public final class FixtureExporter {
    /** Payloads are canonical JSON; decimals are read exactly, as {@link Fixture} reads them. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private final Clock clock;

    public FixtureExporter() {
        this(Clock.systemUTC());
    }

    /** {@code clock} gives {@code exported_at}. */
    public FixtureExporter(Clock clock) {
        this.clock = clock;
    }

    /** A fixture and what was said about it: calls left out, calls written unservable. */
    public record FixtureExport(Fixture fixture, List<String> notes) {
        public FixtureExport {
            notes = List.copyOf(notes);
        }
    }

    /** Thrown when calls lack their result bodies and incomplete fixtures were not allowed. */
    public static final class IncompleteSessionException extends RuntimeException {
        IncompleteSessionException(String message) {
            super(message);
        }
    }

    /**
     * Exports a session of the log at {@code db}, opened read-only.
     *
     * @param session a session id or a unique prefix of one
     * @throws IllegalArgumentException the session is unknown or the prefix ambiguous
     * @throws IncompleteSessionException results are missing and {@code allowIncomplete} is false
     */
    public FixtureExport export(Path db, String session, boolean allowIncomplete) throws SQLException {
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            return export(log, session, allowIncomplete);
        }
    }

    /** As {@link #export(Path, String, boolean)}, on a log already open. */
    public FixtureExport export(AuditLog log, String session, boolean allowIncomplete) throws SQLException {
        String sessionId = SessionArgument.resolve(log, session);
        SessionReading reading = new SessionReading();
        for (StoredEvent e : SessionEvents.of(log, sessionId)) {
            reading.add(e);
        }
        List<String> notes = new ArrayList<>();
        List<ExportedCall> exported = reading.calls(notes);
        String refusal = missingResults(sessionId, exported, notes);
        if (refusal != null && !allowIncomplete) {
            throw new IncompleteSessionException(refusal);
        }
        List<Fixture.Call> calls = exported.stream().map(ExportedCall::call).toList();
        FiredRedactionRules fired = new FiredRedactionRules();
        calls.forEach(c -> {
            fired.scan(c.args());
            fired.scan(c.result());
        });
        Fixture.Source source = new Fixture.Source(log.logId(), sessionId,
                SessionReading.text(reading.started, "proxy_version"), SessionReading.text(reading.started, "endpoint"), reading.protocolVersion(),
                EventTime.format(clock.instant()), "audit-cli " + ProductVersion.get());
        Fixture fixture = new Fixture(Fixture.FORMAT, source, reading.profiles(), fired.rules(), null,
                reading.servers(), calls);
        return new FixtureExport(fixture, notes);
    }

    /**
     * The refusal sentence when calls had a result (its hash is recorded) but not its whole body, or
     * null when there are none; each such call also gets a note, said when they are exported anyway.
     */
    private static String missingResults(String sessionId, List<ExportedCall> calls, List<String> notes) {
        Map<RecordedResult.Gap, Integer> counts = new EnumMap<>(RecordedResult.Gap.class);
        for (ExportedCall c : calls) {
            if (c.gap() != RecordedResult.Gap.NONE) {
                counts.merge(c.gap(), 1, Integer::sum);
                notes.add(c.call().label() + ": its result was " + c.gap().words + "; written without it (unservable).");
            }
        }
        if (counts.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((gap, n) -> parts.add(n + (n == 1 ? " call whose result was " : " calls whose results were ") + gap.words));
        String advice = counts.containsKey(RecordedResult.Gap.CUT)
                ? "record the session with `mcp-audit-proxy --record-results` and a `--record-results-max-bytes` large"
                        + " enough for every result"
                : "record the session with `mcp-audit-proxy --record-results`";
        return "session " + sessionId + " has " + String.join(" and ", parts) + ", so a mock could not answer "
                + (calls.stream().filter(c -> c.gap() != RecordedResult.Gap.NONE).count() == 1 ? "it" : "them")
                + "; " + advice + ", or pass --allow-incomplete to export without those results (those calls are then"
                + " unservable).";
    }

    /** A call as exported, and what its result lacks. */
    private record ExportedCall(Fixture.Call call, RecordedResult.Gap gap) {}

    /** Reads a session's events in seq order and keeps what the fixture needs. */
    private static final class SessionReading {
        JsonNode started;
        String clientProtocol;
        String upstreamProtocol;
        /** Requested and rejected events, in seq order. */
        final List<StoredEvent> callEvents = new ArrayList<>();
        final Map<String, StoredEvent> completions = new HashMap<>();
        final Map<String, String> accounts = new HashMap<>();
        final Map<String, RecordedServer> servers = new LinkedHashMap<>();

        void add(StoredEvent e) {
            JsonNode p = parse(e);
            String type = e.type();
            if (type.equals(EventType.SESSION_STARTED.wireName())) {
                if (started == null) {
                    started = p;
                }
            } else if (type.equals(EventType.CLIENT_INITIALIZED.wireName())) {
                if (clientProtocol == null) {
                    clientProtocol = text(p, "protocol_version");
                }
            } else if (type.equals(EventType.UPSTREAM_INITIALIZED.wireName())) {
                JsonNode result = p.get("result");
                if (result != null && result.isObject()) {
                    if (upstreamProtocol == null) {
                        upstreamProtocol = text(result, "protocolVersion");
                    }
                    RecordedServer s = server(text(p, "profile"));
                    if (s.initialize == null) {
                        s.initialize = result;
                        s.initializeSha256 = text(p, "result_sha256");
                    }
                }
            } else if (type.equals(EventType.TOOLS_LISTED.wireName())) {
                JsonNode result = p.get("result");
                if (result != null && result.isObject() && text(p, "cursor") == null) {
                    RecordedServer s = server(text(p, "profile"));
                    if (s.toolsList == null) {
                        s.toolsList = result;
                        s.toolsListSha256 = text(p, "result_sha256");
                    }
                }
            } else if (type.equals(EventType.CALL_REQUESTED.wireName())) {
                callEvents.add(e);
                String account = text(p, "account_id");
                if (account != null) {
                    accounts.putIfAbsent(text(p, "profile"), account);
                }
            } else if (type.equals(EventType.CALL_REJECTED.wireName())) {
                callEvents.add(e);
            } else if (type.equals(EventType.CALL_COMPLETED.wireName()) && e.callId() != null) {
                completions.putIfAbsent(e.callId(), e);
            }
        }

        private RecordedServer server(String profile) {
            return servers.computeIfAbsent(profile == null ? "default" : profile, k -> new RecordedServer());
        }

        String protocolVersion() {
            return upstreamProtocol != null ? upstreamProtocol : clientProtocol;
        }

        /** Each profile of session.started, in its order, with its region and the account its calls recorded. */
        Map<String, Fixture.Profile> profiles() {
            Map<String, Fixture.Profile> out = new LinkedHashMap<>();
            if (started == null) {
                return out;
            }
            JsonNode regions = started.path("profile_regions");
            for (JsonNode name : started.path("profiles")) {
                String profile = name.asText();
                out.put(profile, new Fixture.Profile(accounts.get(profile), text(regions, profile)));
            }
            return out;
        }

        /** Per profile, the answers recorded; session.started's profiles first, in its order. */
        Map<String, Fixture.Server> servers() {
            Map<String, Fixture.Server> out = new LinkedHashMap<>();
            if (started != null) {
                for (JsonNode name : started.path("profiles")) {
                    RecordedServer s = servers.get(name.asText());
                    if (s != null) {
                        out.put(name.asText(), s.toServer());
                    }
                }
            }
            servers.forEach((profile, s) -> out.putIfAbsent(profile, s.toServer()));
            return out;
        }

        List<ExportedCall> calls(List<String> notes) {
            List<ExportedCall> out = new ArrayList<>();
            for (StoredEvent e : callEvents) {
                JsonNode p = parse(e);
                boolean rejected = e.type().equals(EventType.CALL_REJECTED.wireName());
                StoredEvent done = rejected ? null : completions.get(e.callId());
                String label = "seq " + e.seq() + " [" + text(p, "profile") + "] " + text(p, "method") + " "
                        + (text(p, "tool") != null ? text(p, "tool") : text(p, "target"));
                if (!rejected && done == null) {
                    notes.add(label + " never completed; not exported.");
                    continue;
                }
                try {
                    if (rejected) {
                        out.add(new ExportedCall(denied(e, p), RecordedResult.Gap.NONE));
                    } else {
                        JsonNode c = parse(done);
                        RecordedResult result = RecordedResult.of(c);
                        out.add(new ExportedCall(completed(e, p, done, c, result), result.gap()));
                    }
                } catch (IllegalArgumentException bad) { // a method or outcome the fixture format does not have
                    notes.add(label + " cannot be exported: " + bad.getMessage() + "; not exported.");
                }
            }
            return out;
        }

        private static Fixture.Call denied(StoredEvent e, JsonNode p) {
            String method = text(p, "method");
            String tool = text(p, "tool");
            JsonNode args = p.get("args");
            CallWrites writes = CallWrites.of(method, tool, args);
            return new Fixture.Call(e.seq(), e.hash(), null, null, e.callId(), text(p, "profile"), method, tool,
                    text(p, "target"), args, Fixture.Outcome.DENIED, text(p, "reason"), null, null, null, null,
                    writes.writes(), writes.reason());
        }

        private static Fixture.Call completed(StoredEvent e, JsonNode p, StoredEvent done, JsonNode c,
                RecordedResult result) {
            String method = text(p, "method");
            String tool = text(p, "tool");
            JsonNode args = p.get("args");
            Fixture.Outcome outcome = Fixture.Outcome.fromWire(text(c, "outcome"));
            CallWrites writes = CallWrites.of(method, tool, args);
            JsonNode duration = c.get("duration_ms");
            BigDecimal durationMs = duration != null && duration.isNumber() ? duration.decimalValue() : null;
            return new Fixture.Call(e.seq(), e.hash(), done.seq(), done.hash(), e.callId(), text(p, "profile"), method,
                    tool, text(p, "target"), args, outcome, text(c, "error"), result.body(), text(c, "result_sha256"),
                    result.complete(), durationMs, writes.writes(), writes.reason());
        }

        static String text(JsonNode node, String field) {
            JsonNode v = node == null ? null : node.get(field);
            return v == null || v.isNull() ? null : v.asText();
        }

        private static JsonNode parse(StoredEvent e) {
            try {
                return JSON.readTree(e.payload());
            } catch (JsonProcessingException bad) {
                // verify reports a payload that is not JSON; an export cannot hold what it does not understand
                throw new IllegalStateException("the payload of seq " + e.seq() + " is not JSON (" + bad.getOriginalMessage()
                        + "); run `audit-cli verify` on the log.", bad);
            }
        }
    }

    /** What upstream answered one profile, as it accumulates. */
    private static final class RecordedServer {
        JsonNode initialize;
        String initializeSha256;
        JsonNode toolsList;
        String toolsListSha256;

        Fixture.Server toServer() {
            return new Fixture.Server(initialize, initializeSha256, toolsList, toolsListSha256);
        }
    }
}
