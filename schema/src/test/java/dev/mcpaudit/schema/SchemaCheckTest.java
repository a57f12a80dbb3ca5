package dev.mcpaudit.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.schema.SchemaProblem.Kind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schema around the events, checked against what the log's schema version defines. */
class SchemaCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Path db;

    @BeforeEach
    void writeLog() {
        db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            for (String profile : List.of("dev", "prod", "prod", "staging")) {
                log.appender().append(NewEvent.now(EventType.CALL_REQUESTED, "s", "call-" + profile + "-"
                        + System.nanoTime(), JSON.createObjectNode().put("profile", profile).put("tool", "aws___call_aws")));
            }
        }
    }

    @Test
    void untouchedLogHasNoProblems() {
        assertThat(check()).isEmpty();
    }

    @Test
    void droppedTriggerIsMissing() throws Exception {
        sql("DROP TRIGGER events_no_update");

        List<SchemaProblem> problems = check();

        assertThat(problems).extracting(SchemaProblem::type, SchemaProblem::name, SchemaProblem::kind)
                .containsExactly(tuple("trigger", "events_no_update", Kind.MISSING));
        assertThat(problems.get(0).detail()).isEqualTo("trigger events_no_update is missing: schema version "
                + SchemaMigrations.LATEST + " defines it and mcp-audit-proxy never drops it, so someone did; changes it"
                + " refuses can now be made without an error");
    }

    @Test
    void everyDroppedTriggerIsNamed() throws Exception {
        sql("DROP TRIGGER events_no_update", "DROP TRIGGER events_no_delete", "DROP TRIGGER events_append_only_in_order",
                "DROP TRIGGER log_meta_no_update", "DROP TRIGGER log_meta_no_delete");

        assertThat(check()).extracting(SchemaProblem::name).containsExactlyInAnyOrder("events_no_update",
                "events_no_delete", "events_append_only_in_order", "log_meta_no_update", "log_meta_no_delete");
    }

    @Test
    void callsViewRewrittenToHideAProfileIsAltered() throws Exception {
        String original = query("SELECT sql FROM sqlite_master WHERE name = 'calls'");
        String select = original.substring(original.indexOf("AS") + 2);
        sql("DROP VIEW calls", "CREATE VIEW calls AS SELECT * FROM (" + select + ") WHERE profile IS NOT 'prod'");
        // What the rewrite does: prod calls vanish from the read model while their events stay.
        assertThat(query("SELECT count(*) FROM calls WHERE profile = 'prod'")).isEqualTo("0");
        assertThat(query("SELECT count(*) FROM events WHERE payload LIKE '%\"prod\"%'")).isEqualTo("2");

        List<SchemaProblem> problems = check();

        assertThat(problems).extracting(SchemaProblem::type, SchemaProblem::name, SchemaProblem::kind)
                .containsExactly(tuple("view", "calls", Kind.ALTERED));
        assertThat(problems.get(0).detail()).startsWith("view calls differs from the one schema version")
                .contains("it was rewritten").contains("`audit-cli calls`");
    }

    @Test
    void droppedIndexIsMissing() throws Exception {
        sql("DROP INDEX events_by_session");

        assertThat(check()).extracting(SchemaProblem::type, SchemaProblem::name, SchemaProblem::kind)
                .containsExactly(tuple("index", "events_by_session", Kind.MISSING));
    }

    @Test
    void triggerReplacedByOneThatDoesNothingIsAltered() throws Exception {
        sql("DROP TRIGGER events_no_delete",
                "CREATE TRIGGER events_no_delete BEFORE DELETE ON events WHEN 0 BEGIN SELECT RAISE(ABORT, 'no'); END");

        assertThat(check()).extracting(SchemaProblem::name, SchemaProblem::kind)
                .containsExactly(tuple("events_no_delete", Kind.ALTERED));
    }

    @Test
    void addedTriggerIsUnexpected() throws Exception {
        sql("CREATE TABLE shadow(seq INTEGER)",
                "CREATE TRIGGER events_copy AFTER INSERT ON events BEGIN INSERT INTO shadow VALUES (NEW.seq); END");

        assertThat(check()).extracting(SchemaProblem::type, SchemaProblem::name, SchemaProblem::kind)
                .containsExactlyInAnyOrder(tuple("table", "shadow", Kind.UNEXPECTED),
                        tuple("trigger", "events_copy", Kind.UNEXPECTED));
    }

    @Test
    void triggerRecreatedWithOtherLineEndsAndSpacingIsTheSame() throws Exception {
        String original = query("SELECT sql FROM sqlite_master WHERE name = 'events_no_update'");
        sql("DROP TRIGGER events_no_update", original.replace("\n", "\r\n   ").replace(" ", "  "));

        assertThat(check()).isEmpty();
    }

    @Test
    void analyzeStatisticsAreNotAProblem() throws Exception {
        sql("ANALYZE");

        assertThat(check()).isEmpty();
    }

    private List<SchemaProblem> check() {
        try (AuditLog log = AuditLog.openReadOnly(db)) {
            return SchemaCheck.check(log);
        }
    }

    private void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private String query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            return rs.getString(1);
        }
    }
}
