package dev.mcpaudit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.mcpaudit.cli.Report.AccountRow;
import dev.mcpaudit.cli.Report.ActivityRow;
import dev.mcpaudit.cli.Report.Bucket;
import dev.mcpaudit.cli.Report.CallRow;
import dev.mcpaudit.cli.Report.CheckpointInfo;
import dev.mcpaudit.cli.Report.Counts;
import dev.mcpaudit.cli.Report.Listing;
import dev.mcpaudit.cli.Report.OperationRow;
import dev.mcpaudit.cli.Report.Problem;
import dev.mcpaudit.cli.Report.PurgeRow;
import dev.mcpaudit.cli.Report.ServiceRow;
import dev.mcpaudit.cli.Report.SessionRow;
import dev.mcpaudit.cli.Report.Timeline;
import dev.mcpaudit.cli.Report.Verification;
import dev.mcpaudit.schema.VerificationReport;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.Purges;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds a {@link Report} with a fixed number of statements, whatever the size of the log: one pass
 * over {@code events} puts the calls in scope (one small row each) into a temporary in-memory table
 * of this connection; one GROUP BY over it gives every aggregate (per profile, account, tool,
 * {@code cli_command}, outcome, hour and session); two more pick the first mutating calls and denied
 * attempts, fetched by primary key. The database file is opened read-only and never written.
 *
 * <p>Each distinct {@code cli_command} is parsed once in Java ({@link AwsOperation#ofCommand}) into
 * its service and operation, and whether it mutates, exactly as the {@code mcp_is_write} SQL function
 * decides. Java work is proportional to the number of groups (distinct commands per profile, account,
 * outcome, hour and session) and listed calls, not to the number of calls, as long as agents repeat
 * commands; a log of all-different commands costs one group per call.
 */
final class ReportBuilder {
    static final int MAX_PROBLEMS = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String SCOPE_TABLE = "temp.report_calls";
    private static final long MMAP_SIZE = 1L << 31;

    private final AuditLog log;
    private final CallFilter filter;
    private final int maxListed;

    ReportBuilder(AuditLog log, CallFilter filter, int maxListed) {
        this.log = log;
        this.filter = filter;
        this.maxListed = maxListed;
    }

    /**
     * Everything but the verification, which is {@link #notVerified()}: the caller runs it alongside
     * and adds it with {@link Report#withVerification}.
     */
    Report build(Report.Scope scope, String generatedAt) throws SQLException {
        try (Connection c = log.openReader()) {
            try (Statement st = c.createStatement()) {
                // Reading through the OS page cache instead of SQLite's small private cache halves a full scan.
                st.execute("PRAGMA mmap_size = " + MMAP_SIZE);
                // The scope table lives in this connection's memory; the database file is never written.
                st.execute("PRAGMA temp_store = MEMORY");
                // Room for the GROUP BY's sort to stay in memory.
                st.execute("PRAGMA cache_size = -131072");
            }
            return build(c, scope, generatedAt);
        }
    }

    private Report build(Connection c, Report.Scope scope, String generatedAt) throws SQLException {
        createScopeTable(c);
        List<Map<String, Object>> rows = CallsDb.query(c, "SELECT profile, account_id, tool, c, outcome,"
                + " substr(started_at, 1, 13) AS hour, session_id, count(*) AS n, min(started_at) AS first,"
                + " max(started_at) AS last FROM " + SCOPE_TABLE
                + " GROUP BY profile, account_id, tool, c, outcome, hour, session_id", List.of());

        Map<Object, Optional<AwsOperation>> operations = new HashMap<>();
        Map<ActivityKey, Counts> activity = new LinkedHashMap<>();
        Map<ActivityKey, String[]> activitySpan = new HashMap<>();
        TreeMap<String, Counts> hours = new TreeMap<>();
        Map<String, SessionRow> sessionCalls = new HashMap<>();
        // Commands of mutating aws___call_aws calls, for the listing query.
        Set<String> mutatingKeys = new HashSet<>();
        for (Map<String, Object> r : rows) {
            String tool = str(r.get("tool"));
            Object key = r.get("c");
            Optional<AwsOperation> op = AwsOperation.CALL_AWS.equals(tool)
                    ? operations.computeIfAbsent(key, k -> AwsOperation.ofCommand(k == null ? null : k.toString()))
                    : Optional.empty();
            boolean mutating = AwsOperation.isWrite(tool, op);
            if (mutating && key != null) {
                mutatingKeys.add(key.toString());
            }
            String outcome = str(r.get("outcome"));
            long n = num(r.get("n"));
            String first = str(r.get("first"));
            String last = str(r.get("last"));
            ActivityKey ak = new ActivityKey(str(r.get("profile")), str(r.get("account_id")), tool,
                    op.map(AwsOperation::service).orElse(null), op.map(AwsOperation::operation).orElse(null), mutating);
            Counts counts = Counts.of(outcome, mutating, n);
            activity.merge(ak, counts, Counts::plus);
            String[] span = activitySpan.computeIfAbsent(ak, x -> new String[2]);
            span[0] = min(span[0], first);
            span[1] = max(span[1], last);
            hours.merge(str(r.get("hour")), counts, Counts::plus);
            sessionCalls.merge(str(r.get("session_id")),
                    new SessionRow(str(r.get("session_id")), null, null, null, null, null, null, n, first, last),
                    (a, b) -> new SessionRow(a.sessionId(), null, null, null, null, null, null, a.calls() + b.calls(),
                            min(a.firstCall(), b.firstCall()), max(a.lastCall(), b.lastCall())));
        }

        List<ActivityRow> activityRows = new ArrayList<>();
        activity.forEach((k, counts) -> {
            String[] span = activitySpan.get(k);
            activityRows.add(new ActivityRow(k.profile, k.account, k.tool, k.service, k.operation, k.mutating, counts,
                    span[0], span[1]));
        });
        activityRows.sort(Comparator.comparing(ActivityRow::profile, NULLS_LAST)
                .thenComparing(ActivityRow::accountId, NULLS_LAST)
                .thenComparing(a -> OperationRow.label(a.tool(), a.service(), a.operation())));

        Counts totals = activityRows.stream().map(ActivityRow::counts).reduce(Counts.ZERO, Counts::plus);
        String firstCall = activityRows.stream().map(ActivityRow::firstCall).reduce(null, ReportBuilder::min);
        String lastCall = activityRows.stream().map(ActivityRow::lastCall).reduce(null, ReportBuilder::max);

        List<SessionRow> sessions = new ArrayList<>(sessionCalls.values());
        sessions.sort(Comparator.comparing(SessionRow::firstCall, NULLS_LAST).thenComparing(SessionRow::sessionId));
        if (sessions.size() > maxListed) {
            sessions = new ArrayList<>(sessions.subList(0, maxListed));
        }
        sessions = withSessionDetails(c, sessions);

        Listing<CallRow> mutating = new Listing<>(totals.mutating(),
                totals.mutating() == 0 ? List.of() : callRows(c, mutatingSeqs(c, mutatingKeys)));
        Listing<CallRow> denied = new Listing<>(totals.denied(), totals.denied() == 0 ? List.of()
                : callRows(c, seqs(c, "SELECT seq FROM " + SCOPE_TABLE + " WHERE outcome = 'denied'"
                        + " ORDER BY started_at, seq LIMIT " + maxListed, List.of())));

        return new Report(generatedAt, log.path().toString(), log.logId(), scope, firstCall, lastCall, totals,
                accounts(activityRows), activityRows, operations(activityRows), services(activityRows),
                new Listing<>(sessionCalls.size(), sessions), timeline(hours, firstCall, lastCall), mutating, denied,
                purges(c), notVerified());
    }

    /**
     * The payloads purged from events of the calls in scope (and from their sessions' other events),
     * oldest purge first: few rows, found through the type index.
     */
    private Listing<PurgeRow> purges(Connection c) throws SQLException {
        List<PurgeRow> rows = new ArrayList<>();
        for (Map<String, Object> r : CallsDb.query(c, "SELECT p.seq AS purge_seq, p.time AS time, p.payload AS payload,"
                + " t.seq AS seq, t.type AS type, t.call_id AS call_id FROM events p"
                + " JOIN events t ON t.seq = json_extract(p.payload, '$.seq')"
                + " WHERE p.type = 'payload.purged' AND (t.call_id IN (SELECT call_id FROM " + SCOPE_TABLE + ")"
                + " OR (t.call_id IS NULL AND t.session_id IN (SELECT session_id FROM " + SCOPE_TABLE + ")))"
                + " ORDER BY p.seq", List.of())) {
            // Null when the event holds no purge record: a problem `verify` reports; the row stays, without its details.
            Purges.Record p = Purges.Record.parse(num(r.get("purge_seq")), str(r.get("time")), str(r.get("payload")));
            rows.add(new PurgeRow(str(r.get("time")), num(r.get("purge_seq")), num(r.get("seq")), str(r.get("type")),
                    str(r.get("call_id")), p == null ? List.of() : p.pointers(), p == null ? null : p.reason(),
                    p == null ? null : p.osUser()));
        }
        return new Listing<>(rows.size(), rows.size() > maxListed ? rows.subList(0, maxListed) : rows);
    }

    /**
     * One pass over the log: every call in scope, one row each, with what the report groups by. The
     * same rows as the {@code calls} view gives for the scope (its outcome rules included), read
     * straight from {@code events} so that the filter runs before the join to the completions and a
     * scope without a time range scans the table in order instead of through an index.
     */
    private void createScopeTable(Connection c) throws SQLException {
        List<Object> params = new ArrayList<>();
        String requested = scopeWhere("r", params);
        String rejected = scopeWhere("j", params);
        boolean ranged = filter.since() != null || filter.until() != null || filter.session() != null;
        String sql = "CREATE TEMP TABLE " + SCOPE_TABLE + " AS"
                + " SELECT r.seq AS seq, r.call_id AS call_id, r.session_id AS session_id, r.time AS started_at,"
                + " json_extract(r.payload, '$.profile') AS profile, json_extract(r.payload, '$.account_id') AS account_id,"
                + " json_extract(r.payload, '$.tool') AS tool,"
                + " CASE WHEN json_extract(r.payload, '$.tool') = '" + AwsOperation.CALL_AWS + "'"
                + " THEN ltrim(" + command("r") + ") END AS c,"
                + " CASE WHEN x.seq IS NULL THEN 'incomplete' ELSE json_extract(x.payload, '$.outcome') END AS outcome"
                + " FROM events r LEFT JOIN events x ON x.call_id = r.call_id AND x.type = 'call.completed'"
                + " WHERE " + (ranged ? "" : "+") + "r.type = 'call.requested'" + requested
                + " UNION ALL"
                + " SELECT j.seq, j.call_id, j.session_id, j.time, json_extract(j.payload, '$.profile'),"
                + " json_extract(j.payload, '$.account_id'), json_extract(j.payload, '$.tool'),"
                + " CASE WHEN json_extract(j.payload, '$.tool') = '" + AwsOperation.CALL_AWS + "'"
                + " THEN ltrim(" + command("j") + ") END, 'denied'"
                + " FROM events j WHERE j.type = 'call.rejected'" + rejected;
        try (PreparedStatement st = c.prepareStatement(sql)) {
            CallsDb.bind(st, params);
            st.executeUpdate();
        }
    }

    /**
     * The {@code cli_command} of event alias {@code e}; when a purge replaced the whole arguments, their
     * marker text ({@link AwsOperation#ofCommand} reads both). Evaluated past the first only then.
     */
    private static String command(String e) {
        return "coalesce(json_extract(" + e + ".payload, '$.args.cli_command'), CASE WHEN json_type(" + e
                + ".payload, '$.args') = 'text' THEN json_extract(" + e + ".payload, '$.args') END)";
    }

    /** The scope as " AND …" clauses on event alias {@code e}, as {@link CallFilter#where} puts them on the view. */
    private String scopeWhere(String e, List<Object> params) {
        StringBuilder b = new StringBuilder();
        if (filter.profile() != null) {
            payloadField(b, e, "profile", filter.profile(), params);
        }
        if (filter.account() != null) {
            payloadField(b, e, "account_id", filter.account(), params);
        }
        if (filter.session() != null) {
            b.append(" AND ").append(e).append(".session_id = ?");
            params.add(filter.session());
        }
        if (filter.since() != null) {
            b.append(" AND ").append(e).append(".time >= ?");
            params.add(TimeArgs.stored(filter.since()));
        }
        if (filter.until() != null) {
            b.append(" AND ").append(e).append(".time < ?");
            params.add(TimeArgs.stored(filter.until()));
        }
        return b.toString();
    }

    /**
     * {@code AND json_extract(payload, '$.field') = value}, preceded by a plain substring test that
     * rules out most other rows without parsing them: a stored payload is canonical JSON (no
     * whitespace), so a top-level {@code "field":"value"} is in its text verbatim whenever the value
     * needs no escaping. The JSON test still decides (the text may sit in a nested object).
     */
    private static void payloadField(StringBuilder b, String e, String field, String value, List<Object> params) {
        if (value.chars().noneMatch(ch -> ch == '"' || ch == '\\' || ch < 0x20)) {
            b.append(" AND instr(").append(e).append(".payload, ?) > 0");
            params.add("\"" + field + "\":\"" + value + "\"");
        }
        b.append(" AND json_extract(").append(e).append(".payload, '$.").append(field).append("') = ?");
        params.add(value);
    }

    /** The first {@code maxListed} mutating calls sent upstream, oldest first. */
    private List<Long> mutatingSeqs(Connection c, Set<String> mutatingKeys) throws SQLException {
        ArrayNode keys = JSON.createArrayNode();
        mutatingKeys.forEach(keys::add);
        return seqs(c, "SELECT seq FROM " + SCOPE_TABLE + " WHERE outcome <> 'denied' AND (tool = '"
                + AwsOperation.RUN_SCRIPT + "' OR (tool = '" + AwsOperation.CALL_AWS + "' AND c"
                + " IN (SELECT value FROM json_each(?)))) ORDER BY started_at, seq LIMIT " + maxListed,
                List.of(keys.toString()));
    }

    private static List<Long> seqs(Connection c, String sql, List<Object> params) throws SQLException {
        List<Long> seqs = new ArrayList<>();
        for (Map<String, Object> r : CallsDb.query(c, sql, params)) {
            seqs.add(num(r.get("seq")));
        }
        return seqs;
    }

    /**
     * The listed calls, by the seq of their requested or rejected event (each a primary-key lookup),
     * in the order given; columns as in the {@code calls} view.
     */
    private static List<CallRow> callRows(Connection c, List<Long> seqs) throws SQLException {
        if (seqs.isEmpty()) {
            return List.of();
        }
        ArrayNode array = JSON.createArrayNode();
        seqs.forEach(array::add);
        List<Map<String, Object>> rows = CallsDb.query(c, "SELECT r.seq AS seq, r.call_id AS call_id, r.session_id AS session_id,"
                + " r.time AS started_at, json_extract(r.payload, '$.profile') AS profile,"
                + " json_extract(r.payload, '$.account_id') AS account_id, json_extract(r.payload, '$.region') AS region,"
                + " json_extract(r.payload, '$.tool') AS tool, json_extract(r.payload, '$.args') AS args,"
                + " CASE WHEN r.type = 'call.rejected' THEN 'denied' WHEN x.seq IS NULL THEN 'incomplete'"
                + " ELSE json_extract(x.payload, '$.outcome') END AS outcome,"
                + " CASE WHEN r.type = 'call.rejected' THEN json_extract(r.payload, '$.reason')"
                + " ELSE json_extract(x.payload, '$.error') END AS error"
                + " FROM events r LEFT JOIN events x ON x.call_id = r.call_id AND x.type = 'call.completed'"
                + " AND r.type = 'call.requested' WHERE r.seq IN (SELECT value FROM json_each(?))",
                List.of(array.toString()));
        Map<Long, CallRow> bySeq = new HashMap<>();
        for (Map<String, Object> r : rows) {
            String tool = str(r.get("tool"));
            JsonNode args = CallsDb.parseArgs(str(r.get("args")));
            String operation = AwsOperation.ofCall(tool, args).map(AwsOperation::name).orElse("");
            bySeq.putIfAbsent(num(r.get("seq")), new CallRow(str(r.get("started_at")), str(r.get("profile")),
                    str(r.get("account_id")), str(r.get("region")), tool, operation, str(r.get("outcome")), args,
                    str(r.get("error")), str(r.get("session_id")), str(r.get("call_id"))));
        }
        return seqs.stream().map(bySeq::get).filter(Objects::nonNull).toList();
    }

    /** Who: the agent (client.initialized) and the host and OS user (session.started) of each session. */
    private static List<SessionRow> withSessionDetails(Connection c, List<SessionRow> sessions) throws SQLException {
        if (sessions.isEmpty()) {
            return sessions;
        }
        ArrayNode ids = JSON.createArrayNode();
        sessions.forEach(s -> ids.add(s.sessionId()));
        Map<String, JsonNode> started = new HashMap<>();
        Map<String, String> startedAt = new HashMap<>();
        Map<String, JsonNode> client = new HashMap<>();
        for (Map<String, Object> r : CallsDb.query(c, "SELECT session_id, type, time, payload FROM events"
                + " WHERE session_id IN (SELECT value FROM json_each(?))"
                + " AND type IN ('session.started', 'client.initialized') ORDER BY seq", List.of(ids.toString()))) {
            String sid = str(r.get("session_id"));
            JsonNode payload = CallsDb.parse(str(r.get("payload")));
            if (payload == null) {
                continue;
            }
            if ("session.started".equals(r.get("type"))) {
                started.putIfAbsent(sid, payload);
                startedAt.putIfAbsent(sid, str(r.get("time")));
            } else {
                client.putIfAbsent(sid, payload.path("client_info"));
            }
        }
        List<SessionRow> out = new ArrayList<>(sessions.size());
        for (SessionRow s : sessions) {
            JsonNode st = started.get(s.sessionId());
            JsonNode ci = client.get(s.sessionId());
            out.add(new SessionRow(s.sessionId(), text(ci, "name"), text(ci, "version"), text(st, "host"),
                    text(st, "os_user"), text(st, "proxy_version"), startedAt.get(s.sessionId()), s.calls(),
                    s.firstCall(), s.lastCall()));
        }
        return out;
    }

    private static List<AccountRow> accounts(List<ActivityRow> activity) {
        Map<List<String>, Counts> counts = new LinkedHashMap<>();
        Map<List<String>, String[]> spans = new HashMap<>();
        for (ActivityRow a : activity) {
            List<String> key = java.util.Arrays.asList(a.profile(), a.accountId());
            counts.merge(key, a.counts(), Counts::plus);
            String[] span = spans.computeIfAbsent(key, k -> new String[2]);
            span[0] = min(span[0], a.firstCall());
            span[1] = max(span[1], a.lastCall());
        }
        List<AccountRow> rows = new ArrayList<>();
        counts.forEach((k, c) -> rows.add(new AccountRow(k.get(0), k.get(1), c, spans.get(k)[0], spans.get(k)[1])));
        return rows;
    }

    private static List<OperationRow> operations(List<ActivityRow> activity) {
        Map<List<Object>, Counts> counts = new LinkedHashMap<>();
        Map<List<Object>, TreeSet<String>> profiles = new HashMap<>();
        for (ActivityRow a : activity) {
            List<Object> key = java.util.Arrays.asList(a.tool(), a.service(), a.operation(), a.mutating());
            counts.merge(key, a.counts(), Counts::plus);
            if (a.profile() != null) {
                profiles.computeIfAbsent(key, k -> new TreeSet<>()).add(a.profile());
            }
        }
        List<OperationRow> rows = new ArrayList<>();
        counts.forEach((k, c) -> rows.add(new OperationRow((String) k.get(0), (String) k.get(1), (String) k.get(2),
                (Boolean) k.get(3), c, List.copyOf(profiles.getOrDefault(k, new TreeSet<>())))));
        rows.sort(Comparator.comparing((OperationRow o) -> o.service() == null)
                .thenComparing(OperationRow::label));
        return rows;
    }

    private static List<ServiceRow> services(List<ActivityRow> activity) {
        Map<String, Counts> counts = new TreeMap<>();
        Map<String, TreeSet<String>> ops = new HashMap<>();
        for (ActivityRow a : activity) {
            if (a.service() != null) {
                counts.merge(a.service(), a.counts(), Counts::plus);
                ops.computeIfAbsent(a.service(), k -> new TreeSet<>()).add(a.operation());
            }
        }
        List<ServiceRow> rows = new ArrayList<>();
        counts.forEach((s, c) -> rows.add(new ServiceRow(s, c, ops.get(s).size())));
        return rows;
    }

    /**
     * Calls per hour when the calls span up to two days, per day up to 92 days, else per week
     * (starting Monday, UTC); empty buckets in between are kept so gaps show.
     */
    static Timeline timeline(TreeMap<String, Counts> hours, String firstCall, String lastCall) {
        if (hours.isEmpty() || firstCall == null) {
            return new Timeline("hour", List.of());
        }
        Instant first = Instant.parse(firstCall);
        Instant last = Instant.parse(lastCall);
        Duration span = Duration.between(first, last);
        String unit = span.compareTo(Duration.ofHours(48)) <= 0 ? "hour"
                : span.compareTo(Duration.ofDays(92)) <= 0 ? "day" : "week";
        TreeMap<Instant, Counts> buckets = new TreeMap<>();
        hours.forEach((hour, c) -> buckets.merge(bucketStart(Instant.parse(hour + ":00:00Z"), unit), c, Counts::plus));
        List<Bucket> out = new ArrayList<>();
        for (Instant t = buckets.firstKey(); !t.isAfter(buckets.lastKey()); t = next(t, unit)) {
            Counts c = buckets.getOrDefault(t, Counts.ZERO);
            out.add(new Bucket(TimeArgs.stored(t), c.ok(), c.errors(), c.denied(), c.incomplete()));
        }
        return new Timeline(unit, out);
    }

    private static Instant bucketStart(Instant t, String unit) {
        return switch (unit) {
            case "hour" -> t.truncatedTo(ChronoUnit.HOURS);
            case "day" -> t.truncatedTo(ChronoUnit.DAYS);
            default -> t.atZone(ZoneOffset.UTC).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                    .atStartOfDay().toInstant(ZoneOffset.UTC);
        };
    }

    private static Instant next(Instant t, String unit) {
        return switch (unit) {
            case "hour" -> t.plus(1, ChronoUnit.HOURS);
            case "day" -> t.plus(1, ChronoUnit.DAYS);
            default -> t.plus(7, ChronoUnit.DAYS);
        };
    }

    /** The verification part of the report; {@code lastCall} is the newest call reported (or null). */
    static Verification verification(VerificationReport r, String lastCall) {
        List<Problem> problems = r.problems().stream().limit(MAX_PROBLEMS)
                .map(p -> new Problem(p.seq(), p.kind().label(), p.detail())).toList();
        CheckpointInfo cp = r.checkpoint().map(c -> new CheckpointInfo(c.seq(), c.hash(), c.time(), c.keyId()))
                .orElse(null);
        boolean covers = lastCall == null || (r.lastTime() != null && lastCall.compareTo(r.lastTime()) <= 0);
        return new Verification(true, r.intact(), r.eventsChecked(), r.firstSeq(), r.lastSeq(), r.firstTime(),
                r.lastTime(), covers, cp, r.problems().size(), problems, r.purges().size());
    }

    static Verification notVerified() {
        return new Verification(false, false, 0, 0, 0, null, null, false, null, 0, List.of(), 0);
    }

    private record ActivityKey(String profile, String account, String tool, String service, String operation,
            boolean mutating) {}

    private static final Comparator<String> NULLS_LAST = Comparator.nullsLast(Comparator.naturalOrder());

    private static String text(JsonNode node, String field) {
        if (node == null || !node.hasNonNull(field)) {
            return null;
        }
        JsonNode v = node.get(field);
        return v.isValueNode() ? v.asText() : v.toString();
    }

    private static String str(Object o) {
        return o == null ? null : RowWriter.text(o);
    }

    private static long num(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    private static String min(String a, String b) {
        return a == null ? b : b == null ? a : a.compareTo(b) <= 0 ? a : b;
    }

    private static String max(String a, String b) {
        return a == null ? b : b == null ? a : a.compareTo(b) >= 0 ? a : b;
    }
}
