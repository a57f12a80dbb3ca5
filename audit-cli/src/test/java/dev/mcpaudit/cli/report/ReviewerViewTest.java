package dev.mcpaudit.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a compliance reviewer reads: refused aws_profile values kept apart from profiles and quoted,
 * look-alikes of a reported profile taken in, a timeline that fits an hour and a month, scripts as
 * code, and how each session ended. One hour of one day, 2026-12-05 14:00 to 15:00 UTC:
 * <pre>
 * session A (allowed: dev, prod; ended by stdin_closed)
 *   14:00:10 prod  ec2 describe-instances       ok
 *   14:05:00 dev   s3 ls                        ok
 *   14:20:00 prod  aws___run_script             ok      (a multi-line script with &lt; and &amp;)
 *   14:30:00 "prod "  (refused value)           denied
 *   14:31:00 "PROD"   (refused value)           denied
 *   14:32:00 "PROD"   (refused value)           denied
 *   14:33:00 "\tstaging" (refused value)        denied
 *   14:40:00 prod  iam create-user (read-only)  denied  (a real profile: the refusal carries its account)
 * session B (allowed: dev; no session.ended: killed)
 *   14:59:30 dev   lambda list-functions        ok
 * </pre>
 */
class ReviewerViewTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCRIPT = "import boto3\nfor b in boto3.client('s3').list_buckets()['Buckets']:\n"
            + "    if len(b['Name']) < 3 and True & True:\n        print(b)";

    @TempDir
    Path dir;

    Path db;
    String sessionA;
    String sessionB;

    @BeforeEach
    void oneHourLog() {
        db = dir.resolve("audit.db");
        sessionA = "01a2310b-aaaa-" + UUID.randomUUID();
        sessionB = "01a2310b-bbbb-" + UUID.randomUUID();
        try (AuditLog log = AuditLog.openForAppend(db)) {
            append(log, EventType.SESSION_STARTED, "2026-12-05T14:00:00Z", sessionA, null, started("dev", "prod"));
            call(log, sessionA, "2026-12-05T14:00:10Z", "prod", "aws___call_aws", command("aws ec2 describe-instances"));
            call(log, sessionA, "2026-12-05T14:05:00Z", "dev", "aws___call_aws", command("aws s3 ls"));
            call(log, sessionA, "2026-12-05T14:20:00Z", "prod", "aws___run_script",
                    JSON.createObjectNode().put("script", SCRIPT));
            refused(log, sessionA, "2026-12-05T14:30:00Z", "prod ");
            refused(log, sessionA, "2026-12-05T14:31:00Z", "PROD");
            refused(log, sessionA, "2026-12-05T14:32:00Z", "PROD");
            refused(log, sessionA, "2026-12-05T14:33:00Z", "\tstaging");
            ObjectNode readOnly = requested("prod", "aws___call_aws", command("aws iam create-user --user-name x"))
                    .put("account_id", "777788889999").put("account_source", "sts")
                    .put("reason", "Tool call 'aws___call_aws' was refused: the proxy runs with --read-only");
            append(log, EventType.CALL_REJECTED, "2026-12-05T14:40:00Z", sessionA, UUID.randomUUID().toString(), readOnly);
            append(log, EventType.SESSION_ENDED, "2026-12-05T14:45:00Z", sessionA, null,
                    JSON.createObjectNode().put("ended_by", "stdin_closed"));

            append(log, EventType.SESSION_STARTED, "2026-12-05T14:59:00Z", sessionB, null, started("dev"));
            call(log, sessionB, "2026-12-05T14:59:30Z", "dev", "aws___call_aws", command("aws lambda list-functions"));
        }
    }

    @Test
    void sessionsKeepRefusedValuesApartQuotedAndSayHowEachEnded() throws Exception {
        CliRun json = cli("sessions", "--format", "json");
        CliRun table = cli("sessions");

        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode a = find(JSON.readTree(json.out()), "session_id", sessionA);
        JsonNode b = find(JSON.readTree(json.out()), "session_id", sessionB);
        assertThat(a.path("profiles_used").asText().split(",")).containsExactlyInAnyOrder("dev", "prod");
        assertThat(a.path("refused_profiles").toString()).isEqualTo("[\"\\tstaging\",\"PROD\",\"prod \"]");
        assertThat(a.path("denied").asInt()).isEqualTo(5);
        assertThat(a.path("ended_by").asText()).isEqualTo("stdin_closed");
        assertThat(b.path("refused_profiles").isNull()).isTrue();
        assertThat(b.path("ended_by").asText()).isEqualTo("no session.ended: the proxy was killed or lost the log");
        assertThat(table.out()).contains("[\"\\tstaging\",\"PROD\",\"prod \"]", "stdin_closed", "no session.ended");
    }

    @Test
    void callsPutARefusedValueInItsOwnColumnAndKeepAReadOnlyRefusalsProfile() throws Exception {
        CliRun json = cli("calls", "--outcome", "denied", "--format", "json");
        CliRun table = cli("calls", "--outcome", "denied");

        List<String> profiles = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (JsonNode c : JSON.readTree(json.out())) {
            profiles.add(c.path("profile").isNull() ? null : c.path("profile").asText());
            refused.add(c.path("refused_profile").isNull() ? null : c.path("refused_profile").asText());
        }
        assertThat(profiles).containsExactly("prod", null, null, null, null);
        assertThat(refused).containsExactly(null, "\tstaging", "PROD", "PROD", "prod ");
        assertThat(table.out().lines().findFirst().orElseThrow()).contains("profile", "refused_profile");
        assertThat(table.out()).contains("\"prod \"", "\"PROD\"", "\"\\tstaging\"");
    }

    @Test
    void aReportCountsRefusedValuesUnderNoProfileAndListsThemQuoted() throws Exception {
        CliRun md = cli("report", "--no-verify");
        CliRun json = cli("report", "--no-verify", "--format", "json");

        assertThat(md.exitCode()).as(md.err()).isZero();
        // per profile: calls, ok, errors, denied, incomplete, mutating; the read-only refusal is prod's
        assertThat(md.out()).contains("| prod | 777788889999 | 3 | 2 | 0 | 1 | 0 | 1 |")
                .contains("| dev | 111122223333 | 2 | 2 | 0 | 0 | 0 | 0 |")
                .contains("| **total** | | 9 | 4 | 0 | 5 | 0 | 1 |")
                .contains("The total includes 4 denied attempts that asked for a refused aws_profile value (below);"
                        + " no profile row counts them.")
                .contains("## Refused aws_profile values (3)")
                .contains("| `\"prod \"` | 1 |", "| `\"PROD\"` | 2 |", "| `\"\\tstaging\"` | 1 |")
                .contains("| `refused \"prod \"` |")
                .doesNotContain("| PROD |", "| prod  |");
        JsonNode r = JSON.readTree(json.out());
        assertThat(r.path("accounts").findValuesAsText("profile")).containsExactlyInAnyOrder("dev", "prod");
        assertThat(r.path("refused_profiles").findValuesAsText("value")).containsExactly("\tstaging", "PROD", "prod ");
        assertThat(r.path("operations").toString()).doesNotContain("PROD", "prod \"");
    }

    @Test
    void aReportOnOneProfileTakesInTheDeniedLookAlikesAndSaysSo() throws Exception {
        CliRun md = cli("report", "--no-verify", "--profile", "prod");
        CliRun json = cli("report", "--no-verify", "--profile", "prod", "--format", "json");

        assertThat(md.out()).contains("## Denied attempts (4)")
                .contains("Including 3 denied attempts that asked for a look-alike of prod: \"PROD\", \"prod \"")
                .doesNotContain("staging");
        JsonNode r = JSON.readTree(json.out());
        assertThat(r.path("denied_calls").path("total").asLong()).isEqualTo(4);
        assertThat(r.path("totals").path("calls").asLong()).isEqualTo(6);
        assertThat(r.path("accounts").findValuesAsText("profile")).containsExactly("prod");
    }

    @Test
    void theHtmlTimelineOfAnHourHasMinuteTicksAndSaysWhichHour() throws Exception {
        Path out = dir.resolve("report.html");
        CliRun run = cli("report", "--no-verify", "--format", "html", "--out", out.toString());
        String html = Files.readString(out);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(html).contains("Calls per minute from 14:00 to 15:00 UTC on 2026-12-05")
                .doesNotContain("from 23:00 to 23:00");
        assertThat(ticks(html)).containsExactly("14:00", "14:05", "14:10", "14:15", "14:20", "14:25", "14:30", "14:35",
                "14:40", "14:45", "14:50", "14:55");
    }

    @Test
    void theHtmlKeepsWordsWholeShowsScriptsAsCodeAndEachSessionsEnd() throws Exception {
        Path out = dir.resolve("report.html");
        cli("report", "--no-verify", "--format", "html", "--out", out.toString());
        String html = Files.readString(out);

        assertThat(html).contains("word-break:keep-all").contains(".t{white-space:nowrap}")
                .doesNotContain("break-all")
                .contains("<td class=\"t\">2026-12-05T14:00:10.000Z</td>")
                .contains("<code><span class=\"w\">ec2</span> <span class=\"w\">describe-instances</span></code>");
        assertThat(html).contains("<pre><code>import boto3\nfor b in boto3.client(&#39;s3&#39;).list_buckets()"
                + "[&#39;Buckets&#39;]:\n    if len(b[&#39;Name&#39;]) &lt; 3 and True &amp; True:\n        print(b)</code></pre>");
        assertThat(html).contains("&quot;prod &quot;", "&quot;PROD&quot;", "&quot;\\tstaging&quot;")
                .contains("clean (stdin_closed)")
                .contains("<tr class=\"unclean\">")
                .contains("no session.ended: the proxy was killed or lost the log");
    }

    @Test
    void everyFormatSaysHowEachSessionEnded() throws Exception {
        String md = cli("report", "--no-verify").out();
        JsonNode json = JSON.readTree(cli("report", "--no-verify", "--format", "json").out());

        assertThat(md).contains("| clean (stdin\\_closed) |", "**no session.ended: the proxy was killed or lost the log**");
        JsonNode a = find(json.path("sessions").path("rows"), "session_id", sessionA);
        JsonNode b = find(json.path("sessions").path("rows"), "session_id", sessionB);
        assertThat(a.path("ended_by").asText()).isEqualTo("stdin_closed");
        assertThat(a.path("end").asText()).isEqualTo("clean (stdin_closed)");
        assertThat(b.path("ended_by").isNull()).isTrue();
        assertThat(b.path("end").asText()).startsWith("no session.ended");
    }

    @Test
    void theHtmlTimelineOfAMonthHasDayTicksAndSaysWhichDays() throws Exception {
        Path monthDb = dir.resolve("month.db");
        try (AuditLog log = AuditLog.openForAppend(monthDb)) {
            String s = UUID.randomUUID().toString();
            append(log, EventType.SESSION_STARTED, "2026-11-01T08:00:00Z", s, null, started("dev"));
            for (int day = 1; day <= 30; day += 3) {
                call(log, s, String.format("2026-11-%02dT09:00:00Z", day), "dev", "aws___call_aws", command("aws s3 ls"));
            }
            call(log, s, "2026-11-30T18:00:00Z", "dev", "aws___call_aws", command("aws s3 ls"));
        }
        Path out = dir.resolve("month.html");
        CliRun run = CliRun.of("--db", monthDb.toString(), "report", "--no-verify", "--format", "html", "--out",
                out.toString());
        String html = Files.readString(out);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(html).contains("Calls per day from 2026-11-01 to 2026-11-30 (UTC), days");
        assertThat(ticks(html)).startsWith("11-01", "11-04", "11-07").endsWith("11-28").hasSizeLessThanOrEqualTo(12);
    }

    /** The labels under the timeline's ticks, in order. */
    private static List<String> ticks(String html) {
        List<String> labels = new ArrayList<>();
        var m = java.util.regex.Pattern.compile("<text x=\"[0-9.]+\" y=\"[0-9.]+\" text-anchor=\"middle\">([^<]+)</text>")
                .matcher(html.substring(html.indexOf("<svg"), html.indexOf("</svg>")));
        while (m.find()) {
            if (!m.group(1).startsWith("Calls")) {
                labels.add(m.group(1));
            }
        }
        return labels;
    }

    private CliRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--db", db.toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static ObjectNode started(String... profiles) {
        ObjectNode p = JSON.createObjectNode().put("host", "build-01").put("os_user", "alice");
        var array = p.putArray("profiles");
        for (String profile : profiles) {
            array.add(profile);
        }
        return p;
    }

    private static ObjectNode command(String command) {
        return JSON.createObjectNode().put("cli_command", command);
    }

    private static ObjectNode requested(String profile, String tool, ObjectNode args) {
        ObjectNode p = JSON.createObjectNode().put("method", "tools/call").put("jsonrpc_id", 1).put("profile", profile)
                .put("service", "aws-mcp").put("tool", tool);
        p.set("args", args);
        return p;
    }

    /** A call refused for its aws_profile value: the value as asked, no account (FORMAT.md, call.rejected). */
    private static void refused(AuditLog log, String session, String time, String value) {
        ObjectNode p = requested(value, "aws___call_aws", command("aws s3 ls"))
                .put("reason", "Tool call 'aws___call_aws' was refused: aws_profile is not an allowed profile.");
        append(log, EventType.CALL_REJECTED, time, session, UUID.randomUUID().toString(), p);
    }

    private static void call(AuditLog log, String session, String time, String profile, String tool, ObjectNode args) {
        String id = UUID.randomUUID().toString();
        ObjectNode p = requested(profile, tool, args).put("account_id", "dev".equals(profile) ? "111122223333"
                : "777788889999").put("account_source", "sts");
        append(log, EventType.CALL_REQUESTED, time, session, id, p);
        append(log, EventType.CALL_COMPLETED, Instant.parse(time).plusSeconds(1).toString(), session, id,
                JSON.createObjectNode().put("outcome", "ok").put("duration_ms", 1000).put("result_sha256", "0".repeat(64)));
    }

    private static void append(AuditLog log, EventType type, String time, String session, String callId,
            ObjectNode payload) {
        log.appender().append(new NewEvent(type, Instant.parse(time), session, callId, payload));
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (value.equals(n.path(field).asText())) {
                return n;
            }
        }
        throw new AssertionError("no " + field + " = " + value + " in " + array);
    }
}
