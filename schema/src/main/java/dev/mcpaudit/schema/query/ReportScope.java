package dev.mcpaudit.schema.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventScan;
import dev.mcpaudit.schema.StoredEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * The calls of a compliance report's scope ({@link ScopeReader}: picked out of the same whole-log
 * scan that verifies the chain) and what the report asks of them: the aggregates are computed from
 * those rows in memory, as one GROUP BY over the {@code calls} view would give them (same groups,
 * same order); the listings and details are fetched by primary key or index through a read-only
 * connection. The database file is never written.
 */
public final class ReportScope implements ReportCalls {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MMAP_SIZE = 1L << 31;
    /** {@code ORDER BY started_at, seq}: the stored bytes compare as SQLite compares the text. */
    private static final Comparator<ScopedCall> OLDEST_FIRST = Comparator
            .comparing(ScopedCall::startedAtBytes, Comparator.nullsFirst(Arrays::compareUnsigned))
            .thenComparingLong(call -> call.seq);

    private final Connection c;
    private final List<ScopedCall> calls;

    private ReportScope(Connection c, List<ScopedCall> calls) {
        this.c = c;
        this.calls = calls;
    }

    /**
     * The calls {@code read} picked out of a scan of {@code log} that is over ({@link
     * dev.mcpaudit.schema.ChainVerifier#verify(AuditLog, dev.mcpaudit.schema.Checkpoint,
     * java.security.PublicKey, java.util.concurrent.atomic.AtomicLong, dev.mcpaudit.schema.RowReader)}
     * or {@link EventScan#inSegments}).
     */
    public static ReportScope of(AuditLog log, ScopeReader read) throws SQLException {
        Connection c = log.openReader();
        try {
            try (Statement st = c.createStatement()) {
                // Reading through the OS page cache instead of SQLite's small private cache.
                st.execute("PRAGMA mmap_size = " + MMAP_SIZE);
            }
            return new ReportScope(c, read.calls(c));
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The calls {@code filter} selects by profile, account, session, since and until (its other fields are not used), in a scan of their own. */
    public static ReportScope open(AuditLog log, CallFilter filter) throws SQLException {
        ScopeReader read = new ScopeReader(filter);
        EventScan.inSegments(log, read);
        return of(log, read);
    }

    /** The calls in scope grouped by profile, account, tool, command, outcome, hour and session, in that order. */
    public List<CallGroup> groups() {
        // In parts on every core (a scope can hold a million calls), merged afterwards.
        int parts = (int) Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), calls.size() / 50_000));
        Map<GroupKey, Group> groups = IntStream.range(0, parts).parallel()
                .mapToObj(p -> group(calls.subList(calls.size() * p / parts, calls.size() * (p + 1) / parts)))
                .reduce(ReportScope::merge).orElseGet(HashMap::new);
        List<GroupKey> keys = new ArrayList<>(groups.keySet());
        keys.sort(GroupKey.ORDER);
        List<CallGroup> out = new ArrayList<>(keys.size());
        for (GroupKey k : keys) {
            Group g = groups.get(k);
            out.add(new CallGroup(text(k.profile()), k.refused() == 1, text(k.accountId()), text(k.tool()),
                    k.command(), text(k.outcome()), k.hour(), k.sessionId(), g.calls, utf8(g.first), utf8(g.last)));
        }
        return out;
    }

    private static Map<GroupKey, Group> group(List<ScopedCall> part) {
        Map<GroupKey, Group> groups = new HashMap<>();
        for (ScopedCall call : part) {
            byte[] started = call.startedAtBytes();
            GroupKey key = new GroupKey(call.profile, call.refused ? 1 : 0, call.accountId, call.tool,
                    call.command, call.outcome, prefix(call.startedAt(), 13), call.sessionId);
            groups.computeIfAbsent(key, k -> new Group()).add(1, started, started);
        }
        return groups;
    }

    private static Map<GroupKey, Group> merge(Map<GroupKey, Group> a, Map<GroupKey, Group> b) {
        b.forEach((k, g) -> a.computeIfAbsent(k, x -> new Group()).add(g.calls, g.first, g.last));
        return a;
    }

    /** A group's count and its earliest and latest start time, as stored bytes (compared as SQLite compares text). */
    private static final class Group {
        long calls;
        byte[] first;
        byte[] last;

        void add(long n, byte[] earliest, byte[] latest) {
            calls += n;
            if (earliest != null && (first == null || Arrays.compareUnsigned(earliest, first) < 0)) {
                first = earliest;
            }
            if (latest != null && (last == null || Arrays.compareUnsigned(latest, last) > 0)) {
                last = latest;
            }
        }
    }

    /**
     * The calls in scope per minute and outcome ({@code minute}: the stored start time cut to the
     * minute, {@code 2026-11-26T14:05}), for a timeline finer than the hours of {@link #groups()}.
     */
    public List<MinuteCount> perMinute() {
        Map<List<String>, long[]> counts = new LinkedHashMap<>();
        for (ScopedCall call : calls) {
            counts.computeIfAbsent(Arrays.asList(prefix(call.startedAt(), 16), text(call.outcome)), k -> new long[1])[0]++;
        }
        List<MinuteCount> out = new ArrayList<>(counts.size());
        counts.forEach((k, n) -> out.add(new MinuteCount(k.get(0), k.get(1), n[0])));
        return out;
    }

    /** {@code calls} calls with {@code outcome} started in {@code minute} ({@code 2026-11-26T14:05}). */
    public record MinuteCount(String minute, String outcome, long calls) {}

    /** The first {@code max} denied calls, oldest first, by the seq of their call.rejected event. */
    public List<Long> deniedSeqs(int max) {
        return oldestSeqs(ScopedCall::denied, max);
    }

    /**
     * The first {@code max} calls sent upstream (not denied), oldest first, whose tool is one of
     * {@code tools} or whose command ({@link CallGroup#command()}) is one of {@code commands}, by the seq
     * of their call.requested event.
     */
    public List<Long> sentSeqs(Collection<String> tools, Collection<String> commands, int max) {
        Set<String> toolSet = new HashSet<>(tools);
        Set<String> commandSet = new HashSet<>(commands);
        // A completion without an outcome compares as NULL in SQL: neither denied nor not denied.
        return oldestSeqs(call -> call.outcome != null && !call.denied()
                && (call.tool != null && !call.tool.number() && toolSet.contains(call.tool.text())
                        || call.command != null && commandSet.contains(call.command)), max);
    }

    private List<Long> oldestSeqs(Predicate<ScopedCall> which, int max) {
        return calls.stream().filter(which).sorted(OLDEST_FIRST).limit(max).map(call -> call.seq).toList();
    }

    /** The calls whose call.requested or call.rejected event has these seq (each a primary-key lookup), in any order. */
    public List<ListedCall> calls(Collection<Long> seqs) throws SQLException {
        if (seqs.isEmpty()) {
            return List.of();
        }
        ArrayNode array = JSON.createArrayNode();
        seqs.forEach(array::add);
        // Whether a denied call's profile is a refused value was settled when the scope was read.
        Set<Long> wanted = new HashSet<>(seqs);
        Set<Long> refused = new HashSet<>();
        for (ScopedCall call : calls) {
            if (call.refused && wanted.contains(call.seq)) {
                refused.add(call.seq);
            }
        }
        return Rows.list(c, "SELECT r.seq AS seq, r.call_id AS call_id, r.session_id AS session_id,"
                + " r.time AS started_at, json_extract(r.payload, '$.profile') AS profile,"
                + " json_extract(r.payload, '$.account_id') AS account_id, json_extract(r.payload, '$.region') AS region,"
                + " json_extract(r.payload, '$.tool') AS tool, json_extract(r.payload, '$.args') AS args,"
                + " " + CallOutcome.sqlOf("r", "x") + " AS outcome,"
                + " CASE WHEN r.type = 'call.rejected' THEN json_extract(r.payload, '$.reason')"
                + " ELSE json_extract(x.payload, '$.error') END AS error"
                + " FROM events r LEFT JOIN events x ON x.call_id = r.call_id AND x.type = 'call.completed'"
                + " AND r.type = 'call.requested' WHERE r.seq IN (SELECT value FROM json_each(?))",
                List.of(array.toString()), rs -> new ListedCall(rs.getLong("seq"), rs.getString("call_id"),
                        rs.getString("session_id"), rs.getString("started_at"), rs.getString("profile"),
                        rs.getString("account_id"), rs.getString("region"), rs.getString("tool"), rs.getString("args"),
                        rs.getString("outcome"), rs.getString("error"), refused.contains(rs.getLong("seq"))));
    }

    /**
     * The payloads purged from events of the calls in scope (and from their sessions' other events),
     * oldest purge first: few rows, found through the type index.
     */
    public List<PurgedEvent> purges() throws SQLException {
        // With each purged event, the seqs of its call's first events (call.requested, call.rejected):
        // the call is in scope when one of them is.
        Map<Long, List<Long>> callSeqs = new HashMap<>();
        List<PurgedEvent> all = Rows.list(c, "SELECT p.seq AS purge_seq, p.time AS time, p.payload AS payload,"
                + " t.seq AS seq, t.type AS type, t.call_id AS call_id, t.session_id AS session_id,"
                + " (SELECT json_group_array(f.seq) FROM events f WHERE f.call_id = t.call_id"
                + " AND f.type IN ('call.requested', 'call.rejected')) AS call_seqs"
                + " FROM events p JOIN events t ON t.seq = json_extract(p.payload, '$.seq')"
                + " WHERE p.type = 'payload.purged' ORDER BY p.seq", List.of(), rs -> {
                    PurgedEvent e = new PurgedEvent(rs.getLong("purge_seq"), rs.getString("time"),
                            rs.getString("payload"), rs.getLong("seq"), rs.getString("type"), rs.getString("call_id"),
                            rs.getString("session_id"));
                    callSeqs.put(e.purgeSeq(), seqList(rs.getString("call_seqs")));
                    return e;
                });
        if (all.isEmpty()) {
            return all;
        }
        Set<Long> seqs = new HashSet<>();
        Set<String> sessionIds = new HashSet<>();
        for (ScopedCall call : calls) {
            seqs.add(call.seq);
            sessionIds.add(call.sessionId);
        }
        return all.stream().filter(e -> e.callId() != null ? callSeqs.get(e.purgeSeq()).stream().anyMatch(seqs::contains)
                : e.sessionId() != null && sessionIds.contains(e.sessionId())).toList();
    }

    private static List<Long> seqList(String jsonArray) throws SQLException {
        try {
            List<Long> out = new ArrayList<>();
            JSON.readTree(jsonArray == null ? "[]" : jsonArray).forEach(n -> out.add(n.asLong()));
            return out;
        } catch (java.io.IOException e) {
            throw new SQLException("unreadable seq list " + jsonArray, e);
        }
    }

    /** The session.started, client.initialized and session.ended events of these sessions, in seq order. */
    public List<StoredEvent> sessionBoundaries(Collection<String> sessionIds) throws SQLException {
        if (sessionIds.isEmpty()) {
            return List.of();
        }
        return Rows.list(c, "SELECT seq, event_id, type, time, session_id, call_id, payload, prev_hash, hash, hash_rule,"
                + " payload_salt, payload_sha256 FROM events WHERE session_id IN (SELECT value FROM json_each(?))"
                + " AND type IN ('session.started', 'client.initialized', 'session.ended') ORDER BY seq", List.of(jsonArray(sessionIds)),
                EventRange::storedEvent);
    }

    @Override
    public void close() throws SQLException {
        c.close();
    }

    private static String jsonArray(Collection<String> values) {
        ArrayNode array = JSON.createArrayNode();
        values.forEach(array::add);
        return array.toString();
    }

    private static String text(SqlValue v) {
        return v == null ? null : v.text();
    }

    /** SQL's {@code substr(text, 1, n)}. */
    private static String prefix(String text, int n) {
        return text == null ? null : text.length() <= n ? text : text.substring(0, n);
    }

    private static String utf8(byte[] b) {
        return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** What a call is grouped by; ordered as SQLite orders a GROUP BY of the same columns. */
    private record GroupKey(SqlValue profile, int refused, SqlValue accountId, SqlValue tool, String command,
            SqlValue outcome, String hour, String sessionId) {
        private static final Comparator<String> TEXT = Comparator.nullsFirst(SqlValue::compareUtf8);
        static final Comparator<GroupKey> ORDER = Comparator.comparing(GroupKey::profile, SqlValue.ORDER)
                .thenComparingInt(GroupKey::refused)
                .thenComparing(GroupKey::accountId, SqlValue.ORDER)
                .thenComparing(GroupKey::tool, SqlValue.ORDER)
                .thenComparing(GroupKey::command, TEXT)
                .thenComparing(GroupKey::outcome, SqlValue.ORDER)
                .thenComparing(GroupKey::hour, TEXT)
                .thenComparing(GroupKey::sessionId, TEXT);
    }
}
