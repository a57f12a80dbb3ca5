package dev.mcpaudit.schema.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call's outcome has one definition, the {@code calls} view's: the report's queries, which read
 * {@code events} directly, give every call the outcome the view gives it.
 */
class CallOutcomeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    /** One call per kind, each through its own tool, and the outcome the view must give it. */
    private static final Map<String, String> EXPECTED = new LinkedHashMap<>();

    static {
        for (String completed : List.of("ok", "tool_error", "error", "timeout", "cancelled")) {
            EXPECTED.put("tool-" + completed, completed);
        }
        EXPECTED.put("tool-rejected", "denied");
        EXPECTED.put("tool-never-completed", "incomplete");
    }

    @TempDir
    Path dir;

    Path db;

    @BeforeEach
    void recordOneCallOfEachKind() {
        db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            Instant t = T0;
            for (String completed : List.of("ok", "tool_error", "error", "timeout", "cancelled")) {
                String id = UUID.randomUUID().toString();
                append(log, EventType.CALL_REQUESTED, t, id, requested("tool-" + completed));
                append(log, EventType.CALL_COMPLETED, t.plusSeconds(1), id,
                        JSON.createObjectNode().put("outcome", completed).put("duration_ms", 5));
                t = t.plusSeconds(10);
            }
            append(log, EventType.CALL_REJECTED, t, UUID.randomUUID().toString(),
                    requested("tool-rejected").put("reason", "profile not allowed"));
            append(log, EventType.CALL_REQUESTED, t.plusSeconds(10), UUID.randomUUID().toString(),
                    requested("tool-never-completed"));
        }
    }

    @Test
    void theViewGivesEachKindOfCallItsOutcome() throws Exception {
        assertThat(viewOutcomes()).isEqualTo(new TreeMap<>(EXPECTED));
    }

    @Test
    void theReportGroupsCallsByTheViewsOutcome() throws Exception {
        for (CallFilter scope : List.of(CallFilter.ALL, new CallFilter(null, null, null, null, null, T0, null, false))) {
            try (AuditLog log = AuditLog.openReadOnly(db); ReportScope calls = ReportScope.open(log, scope)) {
                Map<String, String> grouped = new TreeMap<>();
                for (CallGroup g : calls.groups()) {
                    assertThat(g.calls()).isEqualTo(1);
                    grouped.put(g.tool(), g.outcome());
                }
                assertThat(grouped).as("scope %s", scope.describe()).isEqualTo(viewOutcomes());
            }
        }
    }

    @Test
    void theReportListsCallsWithTheViewsOutcome() throws Exception {
        try (AuditLog log = AuditLog.openReadOnly(db); ReportScope calls = ReportScope.open(log, CallFilter.ALL)) {
            List<Long> seqs = new ArrayList<>(calls.sentSeqs(EXPECTED.keySet(), List.of(), 100));
            seqs.addAll(calls.deniedSeqs(100));
            Map<String, String> listed = new TreeMap<>();
            calls.calls(seqs).forEach(c -> listed.put(c.tool(), c.outcome()));
            assertThat(listed).isEqualTo(viewOutcomes());
        }
    }

    @Test
    void theQueriesExpressionIsTheViewsOwnText() throws Exception {
        String view;
        try (AuditLog log = AuditLog.openReadOnly(db); Connection c = log.openReader(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = 'calls'")) {
            assertThat(rs.next()).isTrue();
            view = rs.getString(1).replaceAll("\\s+", " ");
        }
        assertThat(view).contains(CallOutcome.sqlOfRequested("c") + " AS outcome")
                .contains("'" + CallOutcome.DENIED.wireName() + "', json_extract(j.payload, '$.reason')");
    }

    @Test
    void everyOutcomeTheViewGivesIsAKnownOutcome() throws Exception {
        assertThat(CallOutcome.wireNames()).containsAll(viewOutcomes().values());
    }

    /** tool to outcome, as the {@code calls} view gives it. */
    private Map<String, String> viewOutcomes() throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            for (CallRecord c : new CallQueries(log, (tool, args) -> false).calls(CallFilter.ALL, 0)) {
                out.put(c.tool(), c.outcome());
            }
        }
        return out;
    }

    private static ObjectNode requested(String tool) {
        ObjectNode p = JSON.createObjectNode().put("method", "tools/call").put("profile", "dev").put("tool", tool);
        p.putObject("args");
        return p;
    }

    private static void append(AuditLog log, EventType type, Instant t, String callId, ObjectNode payload) {
        log.appender().append(new NewEvent(type, t, "session-1", callId, payload));
    }
}
