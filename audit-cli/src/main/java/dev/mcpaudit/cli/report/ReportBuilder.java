package dev.mcpaudit.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.schema.writes.AwsOperation;
import dev.mcpaudit.cli.JsonText;
import dev.mcpaudit.cli.TimeArgs;
import dev.mcpaudit.cli.report.Report.AccountRow;
import dev.mcpaudit.cli.report.Report.ActivityRow;
import dev.mcpaudit.cli.report.Report.Bucket;
import dev.mcpaudit.cli.report.Report.CallRow;
import dev.mcpaudit.cli.report.Report.CheckpointInfo;
import dev.mcpaudit.cli.report.Report.Counts;
import dev.mcpaudit.cli.report.Report.Listing;
import dev.mcpaudit.cli.report.Report.OperationRow;
import dev.mcpaudit.cli.report.Report.Problem;
import dev.mcpaudit.cli.report.Report.PurgeRow;
import dev.mcpaudit.cli.report.Report.RefusedProfileRow;
import dev.mcpaudit.cli.report.Report.ServiceRow;
import dev.mcpaudit.cli.report.Report.SessionRow;
import dev.mcpaudit.cli.report.Report.Timeline;
import dev.mcpaudit.cli.report.Report.Verification;
import dev.mcpaudit.schema.VerificationReport;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.Purges;
import dev.mcpaudit.schema.StoredEvent;
import dev.mcpaudit.schema.query.CallFilter;
import dev.mcpaudit.schema.query.CallGroup;
import dev.mcpaudit.schema.query.ListedCall;
import dev.mcpaudit.schema.query.PurgedEvent;
import dev.mcpaudit.schema.query.ReportCalls;
import dev.mcpaudit.schema.query.ReportScope;
import dev.mcpaudit.schema.query.ScopeReader;
import java.sql.SQLException;
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
 * Builds a {@link Report} from the calls of a {@link ReportScope}, read in the scan that verifies the
 * chain: one grouping gives every aggregate (per profile, account, tool, {@code cli_command}, outcome,
 * hour and session); the first mutating calls and denied attempts are fetched by primary key.
 *
 * <p>Each distinct {@code cli_command} is parsed once in Java ({@link AwsOperation#ofCommand}) into
 * its service and operation, and whether it mutates, exactly as {@link AwsOperation#RECORDED_CALLS}
 * decides for {@code calls --writes}. Java work is proportional to the number of groups (distinct
 * commands per profile, account, outcome, hour and session) and listed calls, not to the number of
 * calls, as long as agents repeat commands; a log of all-different commands costs one group per call.
 */
final class ReportBuilder {
    static final int MAX_PROBLEMS = 100;

    private final AuditLog log;
    private final CallFilter filter;
    private final int maxListed;

    /** What the report names as its source: the log's path, or the central database. */
    private final String source;
    private final String logId;

    ReportBuilder(AuditLog log, CallFilter filter, int maxListed) {
        this(log, log.path().toString(), log.logId(), filter, maxListed);
    }

    /** A report of calls read elsewhere than one log file (the central copy): {@link #build(ReportCalls, Report.Scope, String)}. */
    ReportBuilder(String source, String logId, CallFilter filter, int maxListed) {
        this(null, source, logId, filter, maxListed);
    }

    private ReportBuilder(AuditLog log, String source, String logId, CallFilter filter, int maxListed) {
        this.log = log;
        this.source = source;
        this.logId = logId;
        this.filter = filter;
        this.maxListed = maxListed;
    }

    /**
     * Everything but the verification, which is {@link #notVerified()}, from the calls {@code read}
     * picked out of a scan of the log that is over: the caller adds the verification of that same
     * scan with {@link Report#withVerification}.
     */
    Report build(ScopeReader read, Report.Scope scope, String generatedAt) throws SQLException {
        try (ReportScope calls = ReportScope.of(log, read)) {
            return build(calls, scope, generatedAt);
        }
    }

    /** Everything but the verification, from calls read by any {@link ReportCalls}. */
    Report build(ReportCalls calls, Report.Scope scope, String generatedAt) throws SQLException {
        List<CallGroup> groups = calls.groups();

        Map<String, Optional<AwsOperation>> operations = new HashMap<>();
        Map<ActivityKey, Counts> activity = new LinkedHashMap<>();
        Map<ActivityKey, String[]> activitySpan = new HashMap<>();
        TreeMap<String, Counts> hours = new TreeMap<>();
        Map<String, SessionRow> sessionCalls = new HashMap<>();
        // Commands of mutating aws___call_aws calls, for the listing query.
        Set<String> mutatingKeys = new HashSet<>();
        Map<String, RefusedProfileRow> refused = new TreeMap<>();
        for (CallGroup g : groups) {
            if (g.profileRefused()) {
                // Not a profile: listed on its own, and its attempts kept out of every per-profile table.
                refused.merge(g.profile(), new RefusedProfileRow(g.profile(), g.calls(), g.firstCall(), g.lastCall()),
                        (a, b) -> new RefusedProfileRow(a.value(), a.attempts() + b.attempts(),
                                min(a.firstAttempt(), b.firstAttempt()), max(a.lastAttempt(), b.lastAttempt())));
            }
            String tool = g.tool();
            String key = g.command();
            Optional<AwsOperation> op = AwsOperation.CALL_AWS.equals(tool)
                    ? operations.computeIfAbsent(key, AwsOperation::ofCommand)
                    : Optional.empty();
            boolean mutating = AwsOperation.isWrite(tool, op);
            if (mutating && key != null) {
                mutatingKeys.add(key);
            }
            String outcome = g.outcome();
            long n = g.calls();
            String first = g.firstCall();
            String last = g.lastCall();
            ActivityKey ak = new ActivityKey(g.profileRefused() ? null : g.profile(),
                    g.profileRefused() ? g.profile() : null, g.accountId(), tool,
                    op.map(AwsOperation::service).orElse(null), op.map(AwsOperation::operation).orElse(null), mutating);
            Counts counts = Counts.of(outcome, mutating, n);
            activity.merge(ak, counts, Counts::plus);
            String[] span = activitySpan.computeIfAbsent(ak, x -> new String[2]);
            span[0] = min(span[0], first);
            span[1] = max(span[1], last);
            hours.merge(g.hour(), counts, Counts::plus);
            mergeSession(sessionCalls, g);
        }
        List<RefusedProfileRow> refusedProfiles = List.copyOf(refused.values());

        List<ActivityRow> activityRows = new ArrayList<>();
        activity.forEach((k, counts) -> {
            String[] span = activitySpan.get(k);
            activityRows.add(new ActivityRow(k.profile, k.refusedProfile, k.account, k.tool, k.service, k.operation, k.mutating, counts,
                    span[0], span[1]));
        });
        activityRows.sort(Comparator.comparing(ActivityRow::profile, NULLS_LAST)
                .thenComparing(ActivityRow::accountId, NULLS_LAST)
                .thenComparing(a -> OperationRow.label(a.tool(), a.service(), a.operation())));

        Counts totals = activityRows.stream().map(ActivityRow::counts).reduce(Counts.ZERO, Counts::plus);
        String firstCall = activityRows.stream().map(ActivityRow::firstCall).reduce(null, ReportBuilder::min);
        String lastCall = activityRows.stream().map(ActivityRow::lastCall).reduce(null, ReportBuilder::max);
        String unit = timelineUnit(firstCall, lastCall);
        TreeMap<String, Counts> periods = unit.equals("minute") ? minutes(calls) : hours;

        List<SessionRow> sessions = new ArrayList<>(sessionCalls.values());
        sessions.sort(Comparator.comparing(SessionRow::firstCall, NULLS_LAST).thenComparing(SessionRow::sessionId));
        if (sessions.size() > maxListed) {
            sessions = new ArrayList<>(sessions.subList(0, maxListed));
        }
        sessions = withSessionDetails(calls, sessions);

        Listing<CallRow> mutating = new Listing<>(totals.mutating(), totals.mutating() == 0 ? List.of()
                : callRows(calls, calls.sentSeqs(List.of(AwsOperation.RUN_SCRIPT), mutatingKeys, maxListed)));
        Listing<CallRow> denied = new Listing<>(totals.denied(), totals.denied() == 0 ? List.of()
                : callRows(calls, calls.deniedSeqs(maxListed)));

        return new Report(generatedAt, source, logId, scope, firstCall, lastCall, totals,
                accounts(activityRows), refusedProfiles, activityRows, operations(activityRows), services(activityRows),
                new Listing<>(sessionCalls.size(), sessions), timeline(periods, unit), mutating, denied,
                purges(calls), notVerified());
    }

    /** Adds a group's calls to its session's row (details are filled in later). */
    private static void mergeSession(Map<String, SessionRow> sessionCalls, CallGroup g) {
        sessionCalls.merge(g.sessionId(),
                new SessionRow(g.sessionId(), null, null, null, null, null, null, g.calls(), g.firstCall(), g.lastCall(), null),
                (a, b) -> new SessionRow(a.sessionId(), null, null, null, null, null, null, a.calls() + b.calls(),
                        min(a.firstCall(), b.firstCall()), max(a.lastCall(), b.lastCall()), null));
    }

    /** The calls in scope per minute ({@code 2026-11-26T14:05}), for a timeline of a short span. */
    private static TreeMap<String, Counts> minutes(ReportCalls calls) throws SQLException {
        TreeMap<String, Counts> minutes = new TreeMap<>();
        for (ReportScope.MinuteCount m : calls.perMinute()) {
            minutes.merge(m.minute(), Counts.of(m.outcome(), false, m.calls()), Counts::plus);
        }
        return minutes;
    }

    /** The payloads purged from events of the calls in scope (and from their sessions' other events), oldest first. */
    private Listing<PurgeRow> purges(ReportCalls calls) throws SQLException {
        List<PurgeRow> rows = new ArrayList<>();
        for (PurgedEvent e : calls.purges()) {
            // Null when the event holds no purge record: a problem `verify` reports; the row stays, without its details.
            Purges.Record p = Purges.Record.parse(e.purgeSeq(), e.time(), e.payload());
            rows.add(new PurgeRow(e.time(), e.purgeSeq(), e.seq(), e.type(), e.callId(),
                    p == null ? List.of() : p.pointers(), p == null ? null : p.reason(), p == null ? null : p.osUser()));
        }
        return new Listing<>(rows.size(), rows.size() > maxListed ? rows.subList(0, maxListed) : rows);
    }

    /** The listed calls, by the seq of their requested or rejected event, in the order given. */
    private static List<CallRow> callRows(ReportCalls calls, List<Long> seqs) throws SQLException {
        Map<Long, CallRow> bySeq = new HashMap<>();
        for (ListedCall r : calls.calls(seqs)) {
            JsonNode args = JsonText.parseArgs(r.args());
            String operation = AwsOperation.ofCall(r.tool(), args).map(AwsOperation::name).orElse("");
            bySeq.putIfAbsent(r.seq(), new CallRow(r.startedAt(), r.profile(), r.accountId(), r.region(), r.tool(),
                    operation, r.outcome(), args, r.error(), r.sessionId(), r.callId(), r.profileRefused()));
        }
        return seqs.stream().map(bySeq::get).filter(Objects::nonNull).toList();
    }

    /** Who: the agent (client.initialized) and the host and OS user (session.started) of each session. */
    private static List<SessionRow> withSessionDetails(ReportCalls calls, List<SessionRow> sessions) throws SQLException {
        if (sessions.isEmpty()) {
            return sessions;
        }
        Map<String, JsonNode> started = new HashMap<>();
        Map<String, String> startedAt = new HashMap<>();
        Map<String, JsonNode> client = new HashMap<>();
        Map<String, String> endedBy = new HashMap<>();
        for (StoredEvent e : calls.sessionBoundaries(sessions.stream().map(SessionRow::sessionId).toList())) {
            String sid = e.sessionId();
            JsonNode payload = JsonText.parse(e.payload());
            if (payload == null) {
                continue;
            }
            if ("session.started".equals(e.type())) {
                started.putIfAbsent(sid, payload);
                startedAt.putIfAbsent(sid, e.time());
            } else if ("session.ended".equals(e.type())) {
                endedBy.putIfAbsent(sid, payload.path("ended_by").asText("(no ended_by)"));
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
                    s.firstCall(), s.lastCall(), endedBy.get(s.sessionId())));
        }
        return out;
    }

    private static List<AccountRow> accounts(List<ActivityRow> activity) {
        Map<List<String>, Counts> counts = new LinkedHashMap<>();
        Map<List<String>, String[]> spans = new HashMap<>();
        for (ActivityRow a : activity) {
            if (a.refusedProfile() != null) {
                continue; // a refused value is not a profile: RefusedProfileRow lists it
            }
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
     * The timeline's bucket: a minute when the calls span up to two hours, an hour up to two days, a
     * day up to 92 days, else a week (starting Monday, UTC).
     */
    static String timelineUnit(String firstCall, String lastCall) {
        if (firstCall == null) {
            return "hour";
        }
        Duration span = Duration.between(Instant.parse(firstCall), Instant.parse(lastCall));
        return span.compareTo(Duration.ofHours(2)) <= 0 ? "minute"
                : span.compareTo(Duration.ofHours(48)) <= 0 ? "hour"
                : span.compareTo(Duration.ofDays(92)) <= 0 ? "day" : "week";
    }

    /**
     * Calls per {@code unit} from calls per period ({@code periods}: keys are stored times cut to the
     * hour, {@code 2026-11-26T14}, or to the minute, {@code 2026-11-26T14:05}); empty buckets in
     * between are kept so gaps show.
     */
    static Timeline timeline(TreeMap<String, Counts> periods, String unit) {
        if (periods.isEmpty()) {
            return new Timeline(unit, List.of());
        }
        TreeMap<Instant, Counts> buckets = new TreeMap<>();
        periods.forEach((period, c) -> buckets.merge(bucketStart(Instant.parse(period
                + (period.length() == 13 ? ":00:00Z" : ":00Z")), unit), c, Counts::plus));
        List<Bucket> out = new ArrayList<>();
        for (Instant t = buckets.firstKey(); !t.isAfter(buckets.lastKey()); t = next(t, unit)) {
            Counts c = buckets.getOrDefault(t, Counts.ZERO);
            out.add(new Bucket(TimeArgs.stored(t), c.ok(), c.errors(), c.denied(), c.incomplete()));
        }
        return new Timeline(unit, out);
    }

    private static Instant bucketStart(Instant t, String unit) {
        return switch (unit) {
            case "minute" -> t.truncatedTo(ChronoUnit.MINUTES);
            case "hour" -> t.truncatedTo(ChronoUnit.HOURS);
            case "day" -> t.truncatedTo(ChronoUnit.DAYS);
            default -> t.atZone(ZoneOffset.UTC).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                    .atStartOfDay().toInstant(ZoneOffset.UTC);
        };
    }

    private static Instant next(Instant t, String unit) {
        return switch (unit) {
            case "minute" -> t.plus(1, ChronoUnit.MINUTES);
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

    private record ActivityKey(String profile, String refusedProfile, String account, String tool, String service, String operation,
            boolean mutating) {}

    private static final Comparator<String> NULLS_LAST = Comparator.nullsLast(Comparator.naturalOrder());

    private static String text(JsonNode node, String field) {
        if (node == null || !node.hasNonNull(field)) {
            return null;
        }
        JsonNode v = node.get(field);
        return v.isValueNode() ? v.asText() : v.toString();
    }

    private static String min(String a, String b) {
        return a == null ? b : b == null ? a : a.compareTo(b) <= 0 ? a : b;
    }

    private static String max(String a, String b) {
        return a == null ? b : b == null ? a : a.compareTo(b) >= 0 ? a : b;
    }
}
