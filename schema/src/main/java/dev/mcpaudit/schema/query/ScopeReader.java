package dev.mcpaudit.schema.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.mcpaudit.schema.EventTime;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.RawEvent;
import dev.mcpaudit.schema.RowReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Picks the calls of a report's scope out of a whole-log scan as its rows pass ({@link RowReader}), so
 * that a report is computed from exactly the rows the verifier checks, in the verifier's own pass: each
 * row is read once, and what is reported is what was verified. The rows it keeps are the
 * {@code calls} view's rows for the scope ({@link CallFilter}'s profile, account, session, since and
 * until), with the outcome the view gives them.
 *
 * <p>A call's completion is looked for in its request's segment as the scan passes; the few that
 * lie elsewhere (the call was still running at the segment's end, or never completed) are looked up by
 * {@code call_id} afterwards, among the rows the scan covered. A denied call's refused flag needs its
 * session's allowed profiles, which may be in an earlier segment, so it is settled at the end too.
 */
public final class ScopeReader implements RowReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] REQUESTED = bytes(EventType.CALL_REQUESTED.wireName());
    private static final byte[] REJECTED = bytes(EventType.CALL_REJECTED.wireName());
    private static final byte[] COMPLETED = bytes(EventType.CALL_COMPLETED.wireName());
    private static final byte[] SESSION_STARTED = bytes(EventType.SESSION_STARTED.wireName());
    private static final SqlValue DENIED = SqlValue.text(CallOutcome.DENIED.wireName());
    private static final SqlValue INCOMPLETE = SqlValue.text(CallOutcome.INCOMPLETE.wireName());
    /** Whitespace that a look-alike profile value may carry around it ({@link RefusedProfiles#lookAlike}). */
    private static final String BLANKS = " \t\n\r";

    private final CallFilter filter;
    private final byte[] session;
    private final byte[] since;
    private final byte[] until;
    /** {@code "profile":"value"} / {@code "account_id":"value"} as they appear in canonical text; null when unusable. */
    private final byte[] profileText;
    private final byte[] accountText;
    private final Map<Integer, SegmentCalls> segments = new ConcurrentHashMap<>();

    public ScopeReader(CallFilter filter) {
        this.filter = filter;
        this.session = filter.session() == null ? null : bytes(filter.session());
        this.since = filter.since() == null ? null : bytes(EventTime.format(filter.since()));
        this.until = filter.until() == null ? null : bytes(EventTime.format(filter.until()));
        this.profileText = memberText("profile", filter.profile());
        this.accountText = memberText("account_id", filter.account());
    }

    @Override
    public Consumer<RawEvent> segment(int index) {
        SegmentCalls s = new SegmentCalls();
        segments.put(index, s);
        return s;
    }

    /**
     * The calls in scope in seq order, once the scan is over: completions found elsewhere than in their
     * request's segment are read through {@code c} (only rows the scan covered), and denied calls'
     * refused flags are settled.
     */
    List<ScopedCall> calls(Connection c) throws SQLException {
        List<SegmentCalls> ordered = new ArrayList<>();
        for (int i = 0; segments.containsKey(i); i++) {
            ordered.add(segments.get(i));
        }
        Map<String, List<SqlValue>> allowed = new HashMap<>();
        long lastSeq = Long.MIN_VALUE;
        List<ScopedCall> unresolved = new ArrayList<>();
        for (SegmentCalls s : ordered) {
            s.allowedProfiles.forEach(allowed::putIfAbsent); // the session's first session.started that has them
            lastSeq = Math.max(lastSeq, s.lastSeq);
            for (ScopedCall call : s.calls) {
                if (call.outcome == null && !call.completionFound) {
                    unresolved.add(call);
                }
            }
        }
        findCompletions(c, unresolved, lastSeq);
        List<ScopedCall> out = new ArrayList<>();
        for (SegmentCalls s : ordered) {
            for (ScopedCall call : s.calls) {
                if (call.denied()) {
                    call.refused = refused(call, allowed.get(call.sessionId));
                    if (call.inScopeIfRefused && !call.refused) {
                        continue;
                    }
                }
                out.add(call);
            }
        }
        return out;
    }

    /** Completions of calls whose request's segment did not hold them, by call_id, first by seq; else incomplete. */
    private static void findCompletions(Connection c, List<ScopedCall> calls, long lastSeq) throws SQLException {
        Map<String, List<ScopedCall>> byId = new HashMap<>();
        ArrayNode ids = JSON.createArrayNode();
        for (ScopedCall call : calls) {
            call.outcome = INCOMPLETE;
            byId.computeIfAbsent(call.callId(), id -> {
                ids.add(id);
                return new ArrayList<>();
            }).add(call);
        }
        if (byId.isEmpty()) {
            return;
        }
        try (PreparedStatement st = c.prepareStatement("SELECT call_id, payload FROM events"
                + " WHERE call_id IN (SELECT value FROM json_each(?)) AND type = 'call.completed' AND seq <= ?"
                + " ORDER BY seq")) {
            st.setString(1, ids.toString());
            st.setLong(2, lastSeq);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    byte[] payload = rs.getBytes(2);
                    for (ScopedCall call : byId.getOrDefault(rs.getString(1), List.of())) {
                        if (!call.completionFound) {
                            call.completed(payload == null ? null : CallFields.outcome(payload));
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link RefusedProfiles#refused}: not among its session's allowed profiles ({@code NOT IN}, with
     * SQL's NULLs), else, when that is unknown, a call.rejected without an account_source.
     */
    private static boolean refused(ScopedCall call, List<SqlValue> allowed) {
        Boolean notIn = null;
        if (allowed != null) {
            if (allowed.isEmpty()) {
                notIn = true;
            } else if (call.profile != null) {
                boolean sawNull = false;
                notIn = true;
                for (SqlValue v : allowed) {
                    if (v == null) {
                        sawNull = true;
                    } else if (v.equals(call.profile)) {
                        notIn = false;
                        break;
                    }
                }
                if (notIn && sawNull) {
                    notIn = null;
                }
            }
        }
        return notIn != null ? notIn : !call.hasAccountSource;
    }

    /** The rows of one segment: the calls in scope, and what settling them later needs. */
    private final class SegmentCalls implements Consumer<RawEvent> {
        final List<ScopedCall> calls = new ArrayList<>();
        /** Requested calls in scope whose completion has not passed yet, by call_id bytes. */
        final Map<ByteBuffer, ScopedCall> pending = new HashMap<>();
        final Map<String, List<SqlValue>> allowedProfiles = new HashMap<>();
        /** One String per distinct id, so that a million calls of a few sessions share them. */
        private final Map<ByteBuffer, String> sessionIds = new HashMap<>();
        private final Map<String, String> commands = new HashMap<>();
        private final Map<SqlValue, SqlValue> values = new HashMap<>();
        long lastSeq = Long.MIN_VALUE;

        @Override
        public void accept(RawEvent e) {
            lastSeq = Math.max(lastSeq, e.seq());
            byte[] type = e.type();
            if (type == null) {
                return;
            }
            if (Arrays.equals(type, COMPLETED)) {
                if (!pending.isEmpty() && e.callId() != null) {
                    ScopedCall call = pending.remove(ByteBuffer.wrap(e.callId()));
                    if (call != null) {
                        call.completed(e.payload() == null ? null : shared(CallFields.outcome(e.payload())));
                    }
                }
            } else if (Arrays.equals(type, REQUESTED)) {
                requested(e);
            } else if (Arrays.equals(type, REJECTED)) {
                rejected(e);
            } else if (Arrays.equals(type, SESSION_STARTED) && e.sessionId() != null && e.payload() != null) {
                List<SqlValue> allowed = CallFields.profiles(e.payload());
                if (allowed != null) {
                    allowedProfiles.putIfAbsent(new String(e.sessionId(), StandardCharsets.UTF_8), allowed);
                }
            }
        }

        private void requested(RawEvent e) {
            if (!inRange(e) || !contains(e.payload(), profileText) || !contains(e.payload(), accountText)) {
                return;
            }
            CallFields f = CallFields.read(e.payload());
            if (!matches(filter.profile(), f.profile()) || !matches(filter.account(), f.accountId())) {
                return;
            }
            ScopedCall call = add(e, f, null);
            if (e.callId() == null) {
                call.outcome = INCOMPLETE; // no completion can name it
            } else {
                pending.putIfAbsent(ByteBuffer.wrap(e.callId()), call);
            }
        }

        private void rejected(RawEvent e) {
            // No text test on the profile: a look-alike value ("PROD") is in a prod scope too.
            if (!inRange(e) || !contains(e.payload(), accountText)) {
                return;
            }
            CallFields f = CallFields.read(e.payload());
            if (!matches(filter.account(), f.accountId())) {
                return;
            }
            boolean lookAlikeOnly = false;
            if (filter.profile() != null && !matches(filter.profile(), f.profile())) {
                if (!lookAlike(f.profile(), filter.profile())) {
                    return;
                }
                lookAlikeOnly = true;
            }
            add(e, f, DENIED).inScopeIfRefused = lookAlikeOnly;
        }

        private ScopedCall add(RawEvent e, CallFields f, SqlValue outcome) {
            String command = f.tool() != null && f.tool().isText(AwsTools.CALL_AWS) ? f.command() : null;
            if (command != null) {
                command = commands.computeIfAbsent(command, k -> k);
            }
            String sessionId = e.sessionId() == null ? null
                    : sessionIds.computeIfAbsent(ByteBuffer.wrap(e.sessionId()), k -> new String(e.sessionId(), StandardCharsets.UTF_8));
            ScopedCall call = new ScopedCall(e.seq(), e.callId(), sessionId, e.time(), shared(f.profile()),
                    shared(f.accountId()), shared(f.tool()), command, f.hasAccountSource(), outcome);
            calls.add(call);
            return call;
        }

        /** One instance per distinct value: a scope of a million calls holds a few profiles, accounts and tools. */
        private SqlValue shared(SqlValue v) {
            return v == null ? null : values.computeIfAbsent(v, k -> k);
        }

        /** Session, since (inclusive) and until (exclusive), on the stored bytes. */
        private boolean inRange(RawEvent e) {
            if (session != null && !Arrays.equals(session, e.sessionId())) {
                return false;
            }
            byte[] time = e.time();
            if (since != null && (time == null || Arrays.compareUnsigned(time, since) < 0)) {
                return false;
            }
            return until == null || (time != null && Arrays.compareUnsigned(time, until) < 0);
        }
    }

    /** {@code json_extract(payload, '$.member') = ?}: only a text equals the option's text. */
    private static boolean matches(String wanted, SqlValue value) {
        return wanted == null || (value != null && value.isText(wanted));
    }

    /** {@link RefusedProfiles#lookAlike}: equal once ASCII case and surrounding blanks are set aside. */
    private static boolean lookAlike(SqlValue value, String wanted) {
        return value != null && asciiLower(trim(value.text())).equals(asciiLower(trim(wanted)));
    }

    private static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && BLANKS.indexOf(s.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && BLANKS.indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(start, end);
    }

    /** SQLite's lower() without ICU folds ASCII letters only. */
    private static String asciiLower(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            b.append(ch >= 'A' && ch <= 'Z' ? (char) (ch + 32) : ch);
        }
        return b.toString();
    }

    /**
     * {@code "member":"value"} as canonical JSON writes it, to rule out most rows before parsing them;
     * null (no test) when the value would need escaping, or there is no value.
     */
    private static byte[] memberText(String member, String value) {
        if (value == null || value.chars().anyMatch(ch -> ch == '"' || ch == '\\' || ch < 0x20 || ch > 0x7e)) {
            return null;
        }
        return bytes("\"" + member + "\":\"" + value + "\"");
    }

    /** Whether {@code text} holds {@code needle} (a null needle holds everywhere). */
    private static boolean contains(byte[] text, byte[] needle) {
        if (needle == null) {
            return true;
        }
        if (text == null) {
            return false;
        }
        byte first = needle[0];
        int last = text.length - needle.length;
        outer:
        for (int i = 0; i <= last; i++) {
            if (text[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (text[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
