package dev.mcpaudit.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * schema/FORMAT.md shows the SQL of every migration ("Appendix: the migrations"), each in a ```sql
 * block after a {@code <!-- migration V<n> -->} marker, so that a third party can create a log from
 * the page alone. These blocks must be what the code runs, statement for statement (whitespace and
 * whole-line comments aside): verify compares a log's schema with the code's, so a page that
 * drifted would have third-party logs reported as altered.
 */
class FormatSqlTest {
    private static final Pattern BLOCK = Pattern.compile("<!-- migration V(\\d+) -->\\n```sql\\n(.*?)\\n```\\n",
            Pattern.DOTALL);
    private static final Pattern APPLICATION_ID = Pattern.compile("`PRAGMA application_id = (\\d+)`");

    static String formatMd() throws IOException {
        return Files.readString(Path.of("FORMAT.md"), StandardCharsets.UTF_8);
    }

    /** The SQL blocks of FORMAT.md by migration version, in the order the page has them. */
    static Map<Integer, String> migrationBlocks(String doc) {
        Map<Integer, String> blocks = new LinkedHashMap<>();
        Matcher m = BLOCK.matcher(doc);
        while (m.find()) {
            String previous = blocks.put(Integer.parseInt(m.group(1)), m.group(2));
            assertThat(previous).as("FORMAT.md shows migration V%s once", m.group(1)).isNull();
        }
        return blocks;
    }

    @Test
    void formatMdShowsEachMigrationOnceInOrder() throws Exception {
        List<Integer> versions = new ArrayList<>();
        for (int v = 1; v <= SchemaMigrations.LATEST; v++) {
            versions.add(v);
        }
        assertThat(migrationBlocks(formatMd()).keySet()).as("the <!-- migration V<n> --> blocks of FORMAT.md")
                .containsExactlyElementsOf(versions);
    }

    @Test
    void eachSqlBlockInFormatMdIsWhatTheCodeRunsStatementForStatement() throws Exception {
        Map<Integer, String> blocks = migrationBlocks(formatMd());
        for (int v = 1; v <= SchemaMigrations.LATEST; v++) {
            List<String> documented = normalized(SchemaMigrations.statements(blocks.get(v)));
            List<String> run = normalized(SchemaMigrations.statements(v));
            assertThat(documented).as("the statements of migration V%d in FORMAT.md, against those the code runs", v)
                    .containsExactlyElementsOf(run);
        }
    }

    @Test
    void theApplicationIdFormatMdGivesIsTheCodes() throws Exception {
        Matcher m = APPLICATION_ID.matcher(formatMd());
        assertThat(m.find()).as("FORMAT.md gives `PRAGMA application_id = <n>`").isTrue();
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(SchemaMigrations.APPLICATION_ID);
    }

    @Test
    void aLogCreatedFromFormatMdAloneHasTheSchemaVerifyExpects(@TempDir Path dir) throws Exception {
        Path db = createFromFormatMd(dir.resolve("third-party.db"));

        try (AuditLog log = AuditLog.openReadOnly(db)) {
            assertThat(SchemaCheck.check(log)).isEmpty();
            assertThat(log.logId()).matches("[0-9a-f]{32}");
            assertThat(ChainVerifier.verify(log).problems()).isEmpty();
        }
    }

    /**
     * Creates a log the way FORMAT.md ("Schema versions") tells a third party to, from the page's own
     * SQL: the application id, then each migration followed by its user_version, in one transaction.
     */
    static Path createFromFormatMd(Path db) throws IOException, SQLException {
        String doc = formatMd();
        Matcher id = APPLICATION_ID.matcher(doc);
        assertThat(id.find()).isTrue();
        Map<Integer, String> blocks = migrationBlocks(doc);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode = WAL");
            c.setAutoCommit(false);
            st.execute("PRAGMA application_id = " + id.group(1));
            for (Map.Entry<Integer, String> block : blocks.entrySet()) {
                for (String sql : SchemaMigrations.statements(block.getValue())) {
                    st.execute(sql);
                }
                st.execute("PRAGMA user_version = " + block.getKey());
            }
            c.commit();
            try (ResultSet rs = st.executeQuery("PRAGMA user_version")) {
                assertThat(rs.getInt(1)).isEqualTo(SchemaMigrations.LATEST);
            }
        }
        return db;
    }

    private static List<String> normalized(List<String> statements) {
        return statements.stream().map(s -> s.strip().replaceAll("\\s+", " ")).toList();
    }
}
