package dev.mcpaudit.schema.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventScan;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A report's scope read from a scan as it passes ({@link ScopeReader}) gives the {@code calls} view's
 * rows, whatever the segments: a completion far from its request, in another segment or before it,
 * and a refused value whose session started segments earlier are all settled as the view settles them.
 */
class ScopeReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PROFILES = List.of("dev", "prod", "PROD", " prod", "admin", "staging");

    @TempDir
    Path dir;

    Path db;

    /** Three sessions of 120 calls whose completions arrive up to five calls later; some never do. */
    @BeforeEach
    void log() {
        db = dir.resolve("audit.db");
        Random random = new Random(42);
        Instant t = Instant.parse("2026-11-10T08:00:00Z");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            for (int s = 0; s < 3; s++) {
                String session = UUID.randomUUID().toString();
                ObjectNode started = JSON.createObjectNode().put("proxy_version", "test");
                if (s != 1) { // session 2 has no allowed profiles recorded: account_source decides
                    started.putArray("profiles").add("dev").add("prod").add("staging");
                }
                log.appender().append(new NewEvent(EventType.SESSION_STARTED, t, session, null, started));
                List<String[]> running = new ArrayList<>();
                for (int i = 0; i < 120; i++) {
                    t = t.plusSeconds(1 + random.nextInt(200));
                    String profile = PROFILES.get(random.nextInt(PROFILES.size()));
                    boolean allowed = profile.equals("dev") || profile.equals("prod") || profile.equals("staging");
                    String callId = UUID.randomUUID().toString();
                    ObjectNode payload = JSON.createObjectNode().put("method", "tools/call").put("profile", profile)
                            .put("tool", random.nextBoolean() ? "aws___call_aws" : "aws___run_script");
                    if (allowed) {
                        payload.put("account_id", "1111222233" + profile.length()).put("account_source", "sts");
                    }
                    payload.putObject("args").put("cli_command", random.nextBoolean() ? "aws s3 ls" : "  aws ec2 stop-instances");
                    if (!allowed || random.nextInt(10) == 0) {
                        log.appender().append(new NewEvent(EventType.CALL_REJECTED, t, session, callId, payload.put("reason", "no")));
                        continue;
                    }
                    log.appender().append(new NewEvent(EventType.CALL_REQUESTED, t, session, callId, payload));
                    if (random.nextInt(20) != 0) {
                        running.add(new String[] {callId, random.nextInt(4) == 0 ? "error" : "ok"});
                    }
                    while (!running.isEmpty() && (running.size() > 5 || random.nextBoolean())) {
                        String[] done = running.remove(random.nextInt(running.size()));
                        log.appender().append(new NewEvent(EventType.CALL_COMPLETED, t.plusMillis(500), session, done[0],
                                JSON.createObjectNode().put("outcome", done[1]).put("duration_ms", 500)));
                    }
                }
                for (String[] done : running) {
                    log.appender().append(new NewEvent(EventType.CALL_COMPLETED, t.plusSeconds(1), session, done[0],
                            JSON.createObjectNode().put("outcome", done[1]).put("duration_ms", 1000)));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 7, 50})
    void segmentEdgesChangeNothing(long segmentEvents) throws Exception {
        for (CallFilter filter : filters()) {
            try (AuditLog log = AuditLog.openReadOnly(db); ReportScope whole = read(log, filter, 1_000_000);
                    ReportScope cut = read(log, filter, segmentEvents)) {
                assertThat(cut.groups()).as(filter.toString()).isEqualTo(whole.groups());
                assertThat(cut.perMinute()).containsExactlyInAnyOrderElementsOf(whole.perMinute());
                assertThat(cut.deniedSeqs(1000)).isEqualTo(whole.deniedSeqs(1000));
                assertThat(cut.sentSeqs(List.of("aws___run_script"), List.of("aws ec2 stop-instances"), 1000))
                        .isEqualTo(whole.sentSeqs(List.of("aws___run_script"), List.of("aws ec2 stop-instances"), 1000));
            }
        }
    }

    /** The counts per profile, account, tool, outcome and session are the calls view's, the SQL that defines them. */
    @Test
    void groupsCountWhatTheCallsViewHolds() throws Exception {
        try (AuditLog log = AuditLog.openReadOnly(db); ReportScope scope = read(log, CallFilter.ALL, 3)) {
            Map<List<String>, Long> fromScan = new HashMap<>();
            for (CallGroup g : scope.groups()) {
                fromScan.merge(List.of(String.valueOf(g.profile()), String.valueOf(g.accountId()), g.tool(),
                        String.valueOf(g.outcome()), g.sessionId()), g.calls(), Long::sum);
            }
            Map<List<String>, Long> fromView = new HashMap<>();
            try (Connection c = log.openReader(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT profile, account_id, tool, outcome, session_id, count(*)"
                            + " FROM calls GROUP BY 1, 2, 3, 4, 5")) {
                while (rs.next()) {
                    fromView.put(List.of(String.valueOf(rs.getString(1)), String.valueOf(rs.getString(2)),
                            rs.getString(3), String.valueOf(rs.getString(4)), rs.getString(5)), rs.getLong(6));
                }
            }
            assertThat(fromScan).isEqualTo(fromView);
            assertThat(fromView.keySet()).anyMatch(k -> k.get(3).equals("incomplete")).anyMatch(k -> k.get(3).equals("denied"));
        }
    }

    /** --profile prod takes in the denied attempts at look-alike values that were refused, as the view's SQL does. */
    @Test
    void aProfileScopeTakesInRefusedLookAlikes() throws Exception {
        try (AuditLog log = AuditLog.openReadOnly(db); ReportScope scope = read(log, filter("prod"), 2)) {
            List<CallGroup> groups = scope.groups();
            assertThat(groups).anyMatch(g -> g.profileRefused() && g.profile().equals("PROD"))
                    .anyMatch(g -> g.profileRefused() && g.profile().equals(" prod"))
                    .noneMatch(g -> g.profile().equals("dev") || g.profile().equals("admin"));
        }
    }

    private static ReportScope read(AuditLog log, CallFilter filter, long segmentEvents) throws Exception {
        ScopeReader reader = new ScopeReader(filter);
        EventScan.inSegments(log, reader, segmentEvents);
        return ReportScope.of(log, reader);
    }

    private static List<CallFilter> filters() {
        return List.of(CallFilter.ALL, filter("prod"), filter("dev"),
                new CallFilter(null, "11112222334", null, null, null, Instant.parse("2026-11-10T10:00:00Z"),
                        Instant.parse("2026-11-11T00:00:00Z"), false));
    }

    private static CallFilter filter(String profile) {
        return new CallFilter(profile, null, null, null, null, null, null, false);
    }
}
