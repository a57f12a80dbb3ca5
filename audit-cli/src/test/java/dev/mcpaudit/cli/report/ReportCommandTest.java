package dev.mcpaudit.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.schema.writes.WriteRules;
import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.cli.Csv;
import dev.mcpaudit.fixtures.SyntheticCalls;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import dev.mcpaudit.schema.query.CallFilter;
import dev.mcpaudit.schema.query.CallQueries;
import dev.mcpaudit.schema.query.CallRecord;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class ReportCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICY_ARG = "'{\"Statement\":[],\"Note\":\"<script>alert(1)</script> & more\"}'";

    @TempDir
    Path dir;

    Path db;

    /**
     * A hand-built log. Session 1 (agent claude-code 2.0.1 on build-01 as alice), 2026-11-01:
     * <pre>
     *  1 09:00 dev   s3api list-objects-v2                 ok
     *  2 09:05 dev   ec2 describe-instances                tool_error
     *  3 09:10 prod  s3api put-bucket-policy (with &lt;)    ok          mutating
     *  4 09:20 prod  iam get-role                          ok
     *  5 09:30 prod  aws___run_script                      ok          mutating
     *  6 10:15 prod  ec2 stop-instances                    incomplete  mutating
     *  7 10:20 admin iam create-user (eve|mallory)         denied
     *  8 10:40 prod  --region … dynamodb delete-table      error       mutating
     *  9 11:00 dev   s3 cp                                 ok          mutating
     * </pre>
     * Session 2 (no agent recorded), 2026-11-03: 10 08:00 dev lambda list-functions ok.
     */
    @BeforeEach
    void handBuiltLog() {
        db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            String s1 = UUID.randomUUID().toString();
            Instant day = Instant.parse("2026-11-01T00:00:00Z");
            append(log, EventType.SESSION_STARTED, day.plus(Duration.ofHours(8)), s1, null, JSON.createObjectNode()
                    .put("proxy_version", "0.1.0").put("host", "build-01").put("os_user", "alice"));
            ObjectNode client = JSON.createObjectNode();
            client.putObject("client_info").put("name", "claude-code").put("version", "2.0.1");
            append(log, EventType.CLIENT_INITIALIZED, day.plus(Duration.ofHours(8)).plusSeconds(1), s1, null, client);
            call(log, s1, at("2026-11-01T09:00:00Z"), "dev", cli("aws s3api list-objects-v2 --bucket app-logs"), "ok", null);
            call(log, s1, at("2026-11-01T09:05:00Z"), "dev", cli("aws ec2 describe-instances"), "tool_error",
                    "An error occurred (UnauthorizedOperation)");
            call(log, s1, at("2026-11-01T09:10:00Z"), "prod",
                    cli("aws s3api put-bucket-policy --bucket prod-data --policy " + POLICY_ARG), "ok", null);
            call(log, s1, at("2026-11-01T09:20:00Z"), "prod", cli("aws iam get-role --role-name deploy"), "ok", null);
            ObjectNode script = JSON.createObjectNode().put("script", "import boto3\nboto3.client('s3').delete_bucket(Bucket='x')");
            call(log, s1, at("2026-11-01T09:30:00Z"), "prod", "aws___run_script", script, "ok", null);
            call(log, s1, at("2026-11-01T10:15:00Z"), "prod", cli("aws ec2 stop-instances --instance-ids i-0abc"), null, null);
            ObjectNode rejected = requested("admin", null, "aws___call_aws",
                    cli("aws iam create-user --user-name 'eve|mallory'"))
                    .put("reason", "Profile 'admin' is not in the allowed list");
            append(log, EventType.CALL_REJECTED, at("2026-11-01T10:20:00Z"), s1, UUID.randomUUID().toString(), rejected);
            call(log, s1, at("2026-11-01T10:40:00Z"), "prod",
                    cli("aws --region us-east-1 dynamodb delete-table --table-name orders"), "error", "upstream returned HTTP 500");
            call(log, s1, at("2026-11-01T11:00:00Z"), "dev", cli("aws s3 cp report.txt s3://app-logs/report.txt"), "ok", null);

            String s2 = UUID.randomUUID().toString();
            append(log, EventType.SESSION_STARTED, at("2026-11-03T07:59:00Z"), s2, null,
                    JSON.createObjectNode().put("proxy_version", "0.1.0").put("host", "laptop").put("os_user", "bob"));
            call(log, s2, at("2026-11-03T08:00:00Z"), "dev", cli("aws lambda list-functions"), "ok", null);
        }
    }

    @Test
    void markdownIsTheDefaultAndAnswersWhoWhatWhenWhere() {
        CliRun run = report();

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        String md = run.out();
        assertThat(md).startsWith("# Audit report: all calls\n")
                .contains("| Calls | 10 calls from 2026-11-01T09:00:00.000Z to 2026-11-03T08:00:00.000Z |")
                .contains("## Chain verification: intact")
                .contains("0 problems, the chain is intact.")
                .contains("No checkpoint given")
                // per profile and account: calls, ok, errors, denied, incomplete, mutating
                .contains("| dev | 111122223333 | 4 | 3 | 1 | 0 | 0 | 1 |")
                .contains("| prod | 777788889999 | 5 | 3 | 1 | 0 | 1 | 4 |")
                .doesNotContain("| admin |")
                .contains("## Refused aws_profile values (1)", "| `\"admin\"` | 1 | 2026-11-01T10:20:00.000Z |")
                .contains("| **total** | | 10 | 6 | 2 | 1 | 1 | 5 |")
                // who
                .contains("claude-code 2.0.1").contains("build-01").contains("alice").contains("laptop")
                // what
                .contains("| `s3api put-bucket-policy` | yes | 1 |")
                .contains("| `dynamodb delete-table` | yes | 1 |")
                .contains("| `iam get-role` | no | 1 |")
                .contains("| `aws___run_script` | yes | 1 |")
                // when: 47 hours, so per hour
                .contains("## Timeline (calls per hour, UTC)")
                .contains("| 2026-11-01 09:00 | 4 | 1 | 0 | 0 | 5 |")
                .contains("| 2026-11-01 10:00 | 0 | 1 | 1 | 1 | 3 |")
                .contains("| 2026-11-02 09:00 | 0 | 0 | 0 | 0 | 0 |")
                .contains("## Mutating calls (5)")
                .contains("## Denied attempts (1)")
                .contains("Profile 'admin' is not in the allowed list")
                // a pipe in an argument does not break the table
                .contains("eve\\|mallory");
        assertThat(section(md, "## Mutating calls")).contains("2026-11-01T10:15:00.000Z | prod | 777788889999 | us-west-2 |"
                + " `ec2 stop-instances` | incomplete |");
    }

    @Test
    void jsonIsTheWholeModelAndParsesBack() throws Exception {
        CliRun run = report("--format", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode r = JSON.readTree(run.out());
        assertThat(r.path("report_format").asInt()).isEqualTo(1);
        assertThat(r.has("message")).isFalse();
        JsonNode totals = r.path("totals");
        assertThat(totals.path("calls").asLong()).isEqualTo(10);
        assertThat(totals.path("ok").asLong()).isEqualTo(6);
        assertThat(totals.path("errors").asLong()).isEqualTo(2);
        assertThat(totals.path("denied").asLong()).isEqualTo(1);
        assertThat(totals.path("incomplete").asLong()).isEqualTo(1);
        assertThat(totals.path("mutating").asLong()).isEqualTo(5);

        assertThat(r.path("accounts")).hasSize(2); // "admin" was refused: not a profile
        assertThat(r.path("refused_profiles").get(0).path("value").asText()).isEqualTo("admin");
        assertThat(r.path("refused_profiles").get(0).path("attempts").asLong()).isEqualTo(1);
        JsonNode prod = find(r.path("accounts"), "profile", "prod");
        assertThat(prod.path("account_id").asText()).isEqualTo("777788889999");
        assertThat(prod.path("counts").path("mutating").asLong()).isEqualTo(4);
        assertThat(prod.path("first_call").asText()).isEqualTo("2026-11-01T09:10:00.000Z");

        JsonNode put = find(r.path("operations"), "operation", "put-bucket-policy");
        assertThat(put.path("service").asText()).isEqualTo("s3api");
        assertThat(put.path("mutating").asBoolean()).isTrue();
        assertThat(put.path("profiles").toString()).isEqualTo("[\"prod\"]");
        assertThat(find(r.path("operations"), "operation", "cp").path("service").asText()).isEqualTo("s3");
        assertThat(find(r.path("services"), "service", "iam").path("counts").path("denied").asLong()).isEqualTo(1);

        JsonNode mutating = r.path("mutating_calls");
        assertThat(mutating.path("total").asLong()).isEqualTo(5);
        assertThat(mutating.path("not_listed").asLong()).isZero();
        List<String> times = new ArrayList<>();
        mutating.path("rows").forEach(c -> times.add(c.path("time").asText()));
        assertThat(times).containsExactly("2026-11-01T09:10:00.000Z", "2026-11-01T09:30:00.000Z",
                "2026-11-01T10:15:00.000Z", "2026-11-01T10:40:00.000Z", "2026-11-01T11:00:00.000Z");
        JsonNode first = mutating.path("rows").get(0);
        assertThat(first.path("operation").asText()).isEqualTo("s3api put-bucket-policy");
        assertThat(first.path("args").path("cli_command").asText()).contains("<script>alert(1)</script>");
        assertThat(mutating.path("rows").get(3).path("detail").asText()).isEqualTo("upstream returned HTTP 500");

        JsonNode denied = r.path("denied_calls").path("rows");
        assertThat(denied).hasSize(1);
        assertThat(denied.get(0).path("profile").asText()).isEqualTo("admin");
        assertThat(denied.get(0).path("operation").asText()).isEqualTo("iam create-user");
        assertThat(denied.get(0).path("detail").asText()).isEqualTo("Profile 'admin' is not in the allowed list");

        JsonNode sessions = r.path("sessions");
        assertThat(sessions.path("total").asLong()).isEqualTo(2);
        assertThat(sessions.path("rows").get(0).path("client").asText()).isEqualTo("claude-code");
        assertThat(sessions.path("rows").get(0).path("os_user").asText()).isEqualTo("alice");
        assertThat(sessions.path("rows").get(0).path("calls").asLong()).isEqualTo(9);
        assertThat(sessions.path("rows").get(1).path("client").isNull()).isTrue();

        assertThat(r.path("timeline").path("unit").asText()).isEqualTo("hour");
        assertThat(r.path("timeline").path("buckets")).hasSize(48);

        JsonNode v = r.path("verification");
        assertThat(v.path("performed").asBoolean()).isTrue();
        assertThat(v.path("intact").asBoolean()).isTrue();
        assertThat(v.path("first_seq").asLong()).isEqualTo(1);
        assertThat(v.path("last_seq").asLong()).isEqualTo(v.path("events_checked").asLong());
        assertThat(v.path("covers_period").asBoolean()).isTrue();
        assertThat(v.path("checkpoint").isNull()).isTrue();
    }

    @Test
    void profileProdExcludesEverythingElse() throws Exception {
        JsonNode r = JSON.readTree(report("--profile", "prod", "--format", "json").out());

        assertThat(r.path("scope").path("profile").asText()).isEqualTo("prod");
        assertThat(r.path("scope").path("description").asText()).isEqualTo("profile prod");
        assertThat(r.path("accounts")).hasSize(1);
        assertThat(r.path("totals").path("calls").asLong()).isEqualTo(5);
        assertThat(r.path("totals").path("mutating").asLong()).isEqualTo(4);
        assertThat(r.path("totals").path("denied").asLong()).isZero();
        assertThat(r.path("mutating_calls").path("rows")).hasSize(4);
        r.path("activity").forEach(a -> assertThat(a.path("profile").asText()).isEqualTo("prod"));
        assertThat(r.path("sessions").path("total").asLong()).isEqualTo(1);

        String md = report("--profile", "prod").out();
        assertThat(md).startsWith("# Audit report: profile prod").doesNotContain("111122223333")
                .doesNotContain("lambda list-functions").doesNotContain("| dev |");
    }

    @Test
    void profileScopeLooksAtTheCallsProfileNotAtTextThatMerelyLooksLikeIt() throws Exception {
        Path nested = dir.resolve("nested.db");
        try (AuditLog log = AuditLog.openForAppend(nested)) {
            String s = UUID.randomUUID().toString();
            ObjectNode mimic = JSON.createObjectNode();
            mimic.putObject("tags").put("profile", "prod").put("account_id", "777788889999");
            call(log, s, at("2026-11-01T10:00:00Z"), "dev", "aws___run_script", mimic, "ok", null);
            call(log, s, at("2026-11-01T10:05:00Z"), "pr\"od", cli("aws s3 ls"), "ok", null);
            call(log, s, at("2026-11-01T10:10:00Z"), "prod", cli("aws s3 ls"), "ok", null);
        }

        JsonNode prod = JSON.readTree(CliRun.of("--db", nested.toString(), "report", "--profile", "prod",
                "--format", "json").out());
        JsonNode prodAccount = JSON.readTree(CliRun.of("--db", nested.toString(), "report", "--account", "777788889999",
                "--format", "json").out());
        JsonNode quoted = JSON.readTree(CliRun.of("--db", nested.toString(), "report", "--profile", "pr\"od",
                "--format", "json").out());

        assertThat(prod.path("totals").path("calls").asLong()).isEqualTo(1);
        assertThat(prodAccount.path("totals").path("calls").asLong()).isEqualTo(1);
        assertThat(quoted.path("totals").path("calls").asLong()).isEqualTo(1);
        assertThat(quoted.path("accounts").get(0).path("profile").asText()).isEqualTo("pr\"od");
    }

    @Test
    void accountAndSessionScopes() throws Exception {
        JsonNode byAccount = JSON.readTree(report("--account", "111122223333", "--format", "json").out());
        assertThat(byAccount.path("totals").path("calls").asLong()).isEqualTo(4);

        JsonNode all = JSON.readTree(report("--format", "json").out());
        String second = all.path("sessions").path("rows").get(1).path("session_id").asText();
        JsonNode bySession = JSON.readTree(report("--session", second, "--format", "json").out());
        assertThat(bySession.path("totals").path("calls").asLong()).isEqualTo(1);
        assertThat(bySession.path("operations").get(0).path("operation").asText()).isEqualTo("list-functions");
    }

    @Test
    void sinceAndUntilTakeIsoTimesAndDates() throws Exception {
        JsonNode r = JSON.readTree(report("--since", "2026-11-01T10:00:00Z", "--until", "2026-11-02", "--format", "json").out());

        assertThat(r.path("totals").path("calls").asLong()).isEqualTo(4); // 6, 7, 8, 9
        assertThat(r.path("first_call").asText()).isEqualTo("2026-11-01T10:15:00.000Z");
        assertThat(r.path("last_call").asText()).isEqualTo("2026-11-01T11:00:00.000Z");
        assertThat(r.path("scope").path("since").asText()).isEqualTo("2026-11-01T10:00:00.000Z");
        assertThat(r.path("scope").path("until").asText()).isEqualTo("2026-11-02T00:00:00.000Z");

        JsonNode offset = JSON.readTree(report("--since", "2026-11-01T11:00+01:00", "--until", "2026-11-01T10:30",
                "--format", "json").out());
        assertThat(offset.path("totals").path("calls").asLong()).isEqualTo(2); // 10:00Z to 10:30Z: 6 and 7
    }

    @Test
    void sinceTakesRelativeTimes() throws Exception {
        Path recent = dir.resolve("recent.db");
        try (AuditLog log = AuditLog.openForAppend(recent)) {
            String s = UUID.randomUUID().toString();
            Instant now = Instant.now();
            call(log, s, now.minus(Duration.ofDays(3)), "dev", cli("aws s3 rb s3://old"), "ok", null);
            call(log, s, now.minus(Duration.ofHours(2)), "prod", cli("aws s3 rm s3://new/x"), "ok", null);
        }

        JsonNode day = JSON.readTree(CliRun.of("--db", recent.toString(), "report", "--since", "24h", "--format", "json").out());
        JsonNode week = JSON.readTree(CliRun.of("--db", recent.toString(), "report", "--since", "1w", "--format", "json").out());

        assertThat(day.path("totals").path("calls").asLong()).isEqualTo(1);
        assertThat(day.path("accounts").get(0).path("profile").asText()).isEqualTo("prod");
        assertThat(week.path("totals").path("calls").asLong()).isEqualTo(2);
        assertThat(week.path("timeline").path("unit").asText()).isEqualTo("day");
    }

    @Test
    void csvHasOneRowPerProfileAccountAndOperation() {
        CliRun run = report("--format", "csv");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<List<String>> rows = Csv.parse(run.out());
        assertThat(rows.get(0)).containsExactlyElementsOf(ReportCsv.COLUMNS);
        List<Map<String, String>> records = new ArrayList<>();
        for (List<String> row : rows.subList(1, rows.size())) {
            assertThat(row).hasSize(ReportCsv.COLUMNS.size());
            Map<String, String> m = new java.util.LinkedHashMap<>();
            for (int i = 0; i < row.size(); i++) {
                m.put(ReportCsv.COLUMNS.get(i), row.get(i));
            }
            records.add(m);
        }
        assertThat(records).hasSize(10); // every call here has its own profile/account/operation, or refused value
        assertThat(records.stream().mapToLong(m -> Long.parseLong(m.get("calls"))).sum()).isEqualTo(10);
        Map<String, String> put = records.stream().filter(m -> m.get("operation").equals("put-bucket-policy")).findFirst()
                .orElseThrow();
        assertThat(put).containsEntry("profile", "prod").containsEntry("account_id", "777788889999")
                .containsEntry("tool", "aws___call_aws").containsEntry("service", "s3api")
                .containsEntry("mutating", "true").containsEntry("ok", "1")
                .containsEntry("first_call", "2026-11-01T09:10:00.000Z");
        assertThat(records).noneMatch(m -> m.get("profile").equals("admin"));
        Map<String, String> denied = records.stream().filter(m -> m.get("refused_profile").equals("\"admin\""))
                .findFirst().orElseThrow();
        assertThat(denied).containsEntry("profile", "").containsEntry("denied", "1").containsEntry("calls", "1");
    }

    @Test
    void htmlIsOneSelfContainedWellFormedFileWithAnEscapedTimeline() throws Exception {
        Path out = dir.resolve("report.html");
        CliRun run = report("--format", "html", "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        String html = Files.readString(out);
        assertThat(html).startsWith("<!DOCTYPE html>");
        // nothing fetched: no scripts, no external references of any kind
        assertThat(html).doesNotContainIgnoringCase("<script").doesNotContain("http://").doesNotContain("https://")
                .doesNotContain("src=").doesNotContain("href=").doesNotContain("@import").doesNotContain("url(");
        // the recorded arguments are text, not markup
        // (each short word of the arguments kept whole in a span, so lines break at spaces only)
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt; <span class=\"w\">&amp;</span>"
                + " <span class=\"w\">more");
        assertThat(html).contains("<svg").contains("<rect").contains("2026-11-01 09:00: 5 calls (4 ok, 1 error, 0 denied,"
                + " 0 incomplete)");

        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setExpandEntityReferences(false);
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("html");
        assertThat(doc.getElementsByTagName("svg").getLength()).isEqualTo(1);
        assertThat(doc.getElementsByTagName("script").getLength()).isZero();
        assertThat(doc.getDocumentElement().getTextContent()).contains("<script>alert(1)</script> & more")
                .contains("claude-code 2.0.1").contains("Mutating calls (5)");
    }

    @Test
    void htmlEscapingSurvivesCharactersXmlCannotHold() throws Exception {
        Path odd = dir.resolve("odd.db");
        try (AuditLog log = AuditLog.openForAppend(odd)) {
            call(log, UUID.randomUUID().toString(), at("2026-11-01T09:00:00Z"), "p\"<&>'",
                    cli("aws s3 rm s3://b/\u0001\u0007 \"quoted\" 'single' </td></table>"), "ok", null);
        }
        String html = CliRun.of("--db", odd.toString(), "report", "--format", "html").out();

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getTextContent()).contains("p\"<&>'").contains("</td></table>")
                .contains("\uFFFD\uFFFD");
    }

    @Test
    void tamperedLogIsReportedAsNotIntactWithExitOne() throws Exception {
        tamper("DROP TRIGGER events_no_update",
                "UPDATE events SET payload = json_set(payload, '$.profile', 'sandbox') WHERE seq = 5");

        CliRun md = report();
        CliRun json = report("--format", "json");

        assertThat(md.exitCode()).isEqualTo(1);
        assertThat(md.out()).contains("| Chain | **NOT intact** |").contains("## Chain verification: NOT intact")
                .contains("1 problem found, the chain is NOT intact").contains("| 5 | edited |");
        JsonNode v = JSON.readTree(json.out()).path("verification");
        assertThat(json.exitCode()).isEqualTo(1);
        assertThat(v.path("intact").asBoolean()).isFalse();
        assertThat(v.path("problems").get(0).path("seq").asLong()).isEqualTo(5);
        assertThat(v.path("problems").get(0).path("kind").asText()).isEqualTo("edited");
        String html = report("--format", "html").out();
        assertThat(html).contains("NOT intact");
    }

    @Test
    void checkpointIsNamedAndATruncatedLogFailsAgainstIt() throws Exception {
        Path key = dir.resolve("cp.key");
        assertThat(CliRun.of("keygen", "--key", key.toString()).exitCode()).isZero();
        Path checkpoint = dir.resolve("cp.checkpoint");
        CliRun made = CliRun.of("--db", db.toString(), "checkpoint", "--key", key.toString(), "--out", checkpoint.toString());
        assertThat(made.exitCode()).as(made.err()).isZero();

        CliRun ok = report("--checkpoint", checkpoint.toString(), "--public-key", key + ".pub", "--format", "json");
        JsonNode cp = JSON.readTree(ok.out()).path("verification").path("checkpoint");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(cp.path("seq").asLong()).isPositive();
        assertThat(cp.path("key_id").asText()).hasSize(16);
        assertThat(report("--checkpoint", checkpoint.toString(), "--public-key", key + ".pub").out())
                .contains("Against checkpoint seq " + cp.path("seq").asLong());

        tamper("DROP TRIGGER events_no_delete", "DELETE FROM events WHERE seq > 10");
        CliRun cut = report("--checkpoint", checkpoint.toString(), "--public-key", key + ".pub");
        assertThat(cut.exitCode()).isEqualTo(1);
        assertThat(cut.out()).contains("NOT intact").contains("truncated");

        CliRun alone = report("--checkpoint", checkpoint.toString());
        assertThat(alone.exitCode()).isEqualTo(2);
        assertThat(alone.err()).contains("--checkpoint needs --public-key");
    }

    @Test
    void noVerifySaysSo() {
        CliRun run = report("--no-verify");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("| Chain | **not verified** |").contains("was not verified (--no-verify)");
    }

    @Test
    void outWritesTheFileAndPrintsNothingElse() throws Exception {
        Path out = dir.resolve("r.md");

        CliRun run = report("--profile", "prod", "--out", out.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEmpty();
        assertThat(Files.readString(out)).startsWith("# Audit report: profile prod").contains("## Mutating calls (4)");
    }

    @Test
    void outIsOwnerOnlyLikeAnExportEvenWhenItReplacesAReadableFile() throws Exception {
        Path fresh = dir.resolve("fresh.html");
        Path replaced = Files.writeString(dir.resolve("old.md"), "last week's report");
        Files.setPosixFilePermissions(replaced, PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(report("--format", "html", "--out", fresh.toString()).exitCode()).isZero();
        assertThat(report("--out", replaced.toString()).exitCode()).isZero();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(replaced))).isEqualTo("rw-------");
        assertThat(Files.readString(replaced)).startsWith("# Audit report");
        try (var leftovers = Files.list(dir)) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void maxListedCapsTheListsAndSaysHowManyMore() throws Exception {
        CliRun run = report("--max-listed", "2");
        JsonNode r = JSON.readTree(report("--max-listed", "2", "--format", "json").out());

        assertThat(run.out()).contains("## Mutating calls (5)").contains("… and 3 more mutating calls not listed");
        assertThat(r.path("mutating_calls").path("rows")).hasSize(2);
        assertThat(r.path("mutating_calls").path("not_listed").asLong()).isEqualTo(3);
        assertThat(r.path("mutating_calls").path("rows").get(1).path("time").asText()).isEqualTo("2026-11-01T09:30:00.000Z");
        // Two sessions: both listed at 2, the older one only at 1.
        assertThat(r.path("sessions").path("rows")).hasSize(2);
        assertThat(r.path("sessions").path("not_listed").asLong()).isZero();
        assertThat(run.out()).doesNotContain("more sessions not listed");
        CliRun one = report("--max-listed", "1");
        JsonNode r1 = JSON.readTree(report("--max-listed", "1", "--format", "json").out());
        assertThat(r1.path("sessions").path("total").asLong()).isEqualTo(2);
        assertThat(r1.path("sessions").path("rows")).hasSize(1);
        assertThat(r1.path("sessions").path("not_listed").asLong()).isEqualTo(1);
        assertThat(r1.path("sessions").path("rows").get(0).path("host").asText()).isEqualTo("build-01");
        assertThat(one.out()).contains("… and 1 more sessions not listed (raise --max-listed, or use --format json).");
        assertThat(report("--max-listed", "-1").exitCode()).isEqualTo(2);
    }

    @Test
    void aScopeThatMatchesNothingSaysSoInEveryFormat() throws Exception {
        CliRun md = report("--profile", "nope");
        CliRun json = report("--profile", "nope", "--format", "json");
        CliRun csv = report("--profile", "nope", "--format", "csv");
        CliRun html = report("--profile", "nope", "--format", "html");

        assertThat(md.exitCode()).isZero();
        assertThat(md.out()).contains("**no calls match profile nope.**").contains("## Chain verification: intact")
                .doesNotContain("## Mutating calls");
        assertThat(JSON.readTree(json.out()).path("message").asText()).isEqualTo("no calls match profile nope");
        assertThat(json.exitCode()).isZero();
        assertThat(csv.exitCode()).isZero();
        assertThat(csv.out()).isEqualTo(String.join(",", ReportCsv.COLUMNS) + "\n");
        assertThat(csv.err()).contains("no calls match profile nope");
        assertThat(html.out()).contains("no calls match profile nope");
    }

    @Test
    void badTimesAreUsageErrors() {
        CliRun bad = report("--since", "yesterday");
        CliRun badUntil = report("--until", "2026-13-45");
        CliRun backwards = report("--since", "2026-11-02", "--until", "2026-11-01");

        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--since: 'yesterday' is not a time");
        assertThat(badUntil.exitCode()).isEqualTo(2);
        assertThat(badUntil.err()).contains("--until: '2026-13-45' is not a time");
        assertThat(backwards.exitCode()).isEqualTo(2);
        assertThat(backwards.err()).contains("must be before --until", "the period is empty");
    }

    @Test
    void missingOrForeignLogIsAnEnvironmentError() throws Exception {
        Path missing = dir.resolve("nope/audit.db");
        CliRun run = CliRun.of("--db", missing.toString(), "report");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("no audit log at");
        assertThat(missing).doesNotExist();

        Path foreign = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + foreign); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t(x)");
        }
        CliRun notOurs = CliRun.of("--db", foreign.toString(), "report");
        assertThat(notOurs.exitCode()).isEqualTo(3);
        assertThat(notOurs.err()).contains("not an mcp-audit-proxy log");
    }

    @Test
    void reportNeverWritesTheLog() throws Exception {
        String before = sha256(db);

        assertThat(report("--format", "html").exitCode()).isZero();
        assertThat(report("--profile", "prod", "--format", "json").exitCode()).isZero();

        assertThat(sha256(db)).isEqualTo(before);
    }

    @Test
    void helpExplainsFormatsAndGivesExamples() {
        CliRun run = report("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: audit-cli report").contains("--profile").contains("--max-listed")
                .contains("Examples:").contains("audit-cli report --profile prod --since 7d")
                .contains("csv   one row per profile, account, tool and operation");
    }

    /** On a synthetic log, the report agrees with the calls view and with the mcp_is_write SQL function. */
    @Test
    void numbersAgreeWithTheCallsViewOnASyntheticLog() throws Exception {
        Path synthetic = dir.resolve("synthetic.db");
        try (AuditLog log = AuditLog.openForAppend(synthetic)) {
            SyntheticCalls.fill(log, 600, 11, Instant.parse("2026-11-01T09:00:00Z"));
            SyntheticCalls.fill(log, 300, 12, Instant.parse("2026-11-05T09:00:00Z"));
        }
        JsonNode r = JSON.readTree(CliRun.of("--db", synthetic.toString(), "report", "--format", "json").out());
        JsonNode prod = JSON.readTree(CliRun.of("--db", synthetic.toString(), "report", "--profile", "prod",
                "--since", "2026-11-01T09:30:00Z", "--format", "json").out());

        try (AuditLog log = AuditLog.openReadOnly(synthetic)) {
            CallQueries calls = new CallQueries(log, WriteRules.RECORDED_CALLS);
            for (JsonNode a : r.path("accounts")) {
                List<CallRecord> ofAccount = calls.calls(new CallFilter(a.path("profile").asText(),
                        a.path("account_id").asText(), null, null, null, null, null, false), 0);
                Map<String, Long> expected = Map.of(
                        "calls", (long) ofAccount.size(),
                        "ok", ofAccount.stream().filter(c -> c.outcome().equals("ok")).count(),
                        "errors", ofAccount.stream().filter(c -> List.of("tool_error", "error", "timeout", "cancelled")
                                .contains(c.outcome())).count(),
                        "denied", ofAccount.stream().filter(c -> c.outcome().equals("denied")).count(),
                        "incomplete", ofAccount.stream().filter(c -> c.outcome().equals("incomplete")).count(),
                        "mutating", ofAccount.stream().filter(c -> !c.outcome().equals("denied")
                                && WriteRules.RECORDED_CALLS.isWrite(c.tool(), c.args())).count());
                JsonNode c = a.path("counts");
                for (String k : List.of("calls", "ok", "errors", "denied", "incomplete", "mutating")) {
                    assertThat(c.path(k).asLong()).as(a.path("profile").asText() + " " + k).isEqualTo(expected.get(k));
                }
            }
            long viewTotal = calls.calls(CallFilter.ALL, 0).size();
            assertThat(r.path("totals").path("calls").asLong()).isEqualTo(viewTotal).isEqualTo(900);
            CallFilter prodWrites = new CallFilter("prod", null, null, null, null,
                    Instant.parse("2026-11-01T09:30:00Z"), null, true);
            List<CallRecord> writes = new ArrayList<>(calls.calls(prodWrites, 0));
            writes.removeIf(w -> "denied".equals(w.outcome()));
            assertThat(prod.path("totals").path("mutating").asLong()).isEqualTo(writes.size());
            List<String> listed = new ArrayList<>();
            prod.path("mutating_calls").path("rows").forEach(c -> listed.add(c.path("call_id").asText()));
            assertThat(listed).containsExactlyInAnyOrderElementsOf(writes.stream().map(CallRecord::callId).toList());
        }
        long hourly = 0;
        for (JsonNode b : r.path("timeline").path("buckets")) {
            hourly += b.path("ok").asLong() + b.path("errors").asLong() + b.path("denied").asLong() + b.path("incomplete").asLong();
        }
        assertThat(hourly).isEqualTo(900);
        assertThat(r.path("timeline").path("unit").asText()).isEqualTo("day");
    }

    // --- helpers ---

    private CliRun report(String... args) {
        List<String> all = new ArrayList<>(List.of("--db", db.toString(), "report"));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static Instant at(String t) {
        return Instant.parse(t);
    }

    private static ObjectNode cli(String command) {
        return JSON.createObjectNode().put("cli_command", command);
    }

    private static final Map<String, String> ACCOUNTS = Map.of("dev", "111122223333", "prod", "777788889999");

    private static ObjectNode requested(String profile, String account, String tool, ObjectNode args) {
        ObjectNode p = JSON.createObjectNode().put("method", "tools/call").put("jsonrpc_id", 1).put("profile", profile);
        if (account != null) {
            p.put("account_id", account).put("account_source", "sts");
        }
        p.put("region", "dev".equals(profile) ? "us-east-1" : "us-west-2").put("service", "aws-mcp").put("tool", tool);
        p.set("args", args);
        p.put("args_fingerprint", "0".repeat(64));
        return p;
    }

    private static void call(AuditLog log, String session, Instant t, String profile, ObjectNode args, String outcome,
            String error) {
        call(log, session, t, profile, "aws___call_aws", args, outcome, error);
    }

    /** A call.requested and, unless outcome is null (left incomplete), its call.completed a second later. */
    private static void call(AuditLog log, String session, Instant t, String profile, String tool, ObjectNode args,
            String outcome, String error) {
        String id = UUID.randomUUID().toString();
        append(log, EventType.CALL_REQUESTED, t, session, id,
                requested(profile, ACCOUNTS.getOrDefault(profile, "999999999999"), tool, args));
        if (outcome != null) {
            ObjectNode done = JSON.createObjectNode().put("outcome", outcome).put("duration_ms", 1000)
                    .put("result_sha256", "0".repeat(64));
            if (error != null) {
                done.put("error", error);
            }
            append(log, EventType.CALL_COMPLETED, t.plusSeconds(1), session, id, done);
        }
    }

    private static void append(AuditLog log, EventType type, Instant t, String session, String callId, ObjectNode payload) {
        log.appender().append(new NewEvent(type, t, session, callId, payload));
    }

    private void tamper(String... sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (value.equals(n.path(field).asText())) {
                return n;
            }
        }
        throw new AssertionError("no element with " + field + " = " + value + " in " + array);
    }

    private static String section(String md, String heading) {
        int start = md.indexOf(heading);
        int end = md.indexOf("\n## ", start + 1);
        return end < 0 ? md.substring(start) : md.substring(start, end);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

}
