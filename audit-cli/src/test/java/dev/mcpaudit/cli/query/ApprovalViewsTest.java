package dev.mcpaudit.cli.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventAppender;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What audit-cli shows of call.approval events, in a log written as the proxy writes it: session A
 * approved one write on prod and had one declined; session B made the same two calls unprotected.
 */
class ApprovalViewsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-20T09:00:00Z");
    private static final String A = "aaaa1111-0000-7000-8000-000000000001";
    private static final String B = "bbbb2222-0000-7000-8000-000000000002";

    @TempDir
    Path dir;

    Path db;

    @BeforeEach
    void writeLog() {
        db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            EventAppender a = log.appender();
            session(a, A, T0, true);
            session(a, B, T0.plusSeconds(600), false);
        }
    }

    private static ObjectNode call(String command) {
        ObjectNode p = JSON.createObjectNode().put("method", "tools/call").put("jsonrpc_id", 3).put("profile", "prod")
                .put("account_id", "777788889999").put("account_source", "sts").put("region", "eu-west-1")
                .put("service", "aws-mcp").put("tool", "aws___call_aws");
        p.putObject("args").put("cli_command", command);
        return p;
    }

    private static void session(EventAppender a, String session, Instant t, boolean protectedProd) {
        a.append(new NewEvent(EventType.SESSION_STARTED, t, session, null, JSON.createObjectNode().put("host", "laptop")));
        String rm = "aws s3 rm s3://app-data/old.csv";
        String terminate = "aws ec2 terminate-instances --instance-ids i-1";
        String c1 = session.substring(0, 4) + "-c1";
        String c2 = session.substring(0, 4) + "-c2";
        if (protectedProd) {
            a.append(new NewEvent(EventType.CALL_APPROVAL, t.plusSeconds(1), session, c1, approval(rm, "accept", "CHG-7")));
        }
        a.append(new NewEvent(EventType.CALL_REQUESTED, t.plusSeconds(2), session, c1, call(rm)));
        a.append(new NewEvent(EventType.CALL_COMPLETED, t.plusSeconds(3), session, c1,
                JSON.createObjectNode().put("outcome", "ok").put("duration_ms", 80).put("result_sha256", "ab".repeat(32))));
        if (protectedProd) {
            a.append(new NewEvent(EventType.CALL_APPROVAL, t.plusSeconds(4), session, c2,
                    approval(terminate, "decline", "change freeze")));
            a.append(new NewEvent(EventType.CALL_REJECTED, t.plusSeconds(5), session, c2,
                    call(terminate).put("reason", "Tool call 'aws___call_aws' was not sent: … the user declined it")));
        } else {
            a.append(new NewEvent(EventType.CALL_REQUESTED, t.plusSeconds(4), session, c2, call(terminate)));
            a.append(new NewEvent(EventType.CALL_COMPLETED, t.plusSeconds(5), session, c2,
                    JSON.createObjectNode().put("outcome", "ok").put("duration_ms", 80).put("result_sha256", "cd".repeat(32))));
        }
        a.append(new NewEvent(EventType.SESSION_ENDED, t.plusSeconds(9), session, null, JSON.createObjectNode()));
    }

    private static ObjectNode approval(String command, String decision, String reason) {
        ObjectNode p = call(command).put("decision", decision).put("reason", reason)
                .put("message", "Approve this write on AWS profile 'prod'?\n…").put("answer_ms", 5200)
                .put("write_reason", "a write");
        p.putObject("client").put("name", "claude-code").put("version", "2.1");
        return p;
    }

    private CliRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--db", db.toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    @Test
    void callsHasAnApprovalColumn() throws Exception {
        JsonNode calls = JSON.readTree(cli("calls", "--format", "json").out());
        List<String> approvals = new ArrayList<>();
        calls.forEach(c -> approvals.add(c.get("call_id").asText() + " " + c.get("approval").asText("")));

        assertThat(approvals).containsExactly("bbbb-c2 ", "bbbb-c1 ", "aaaa-c2 declined", "aaaa-c1 approved");
        String table = cli("calls").out();
        assertThat(table.lines().findFirst().orElseThrow()).contains("outcome", "approval");
        assertThat(table).contains("declined", "approved");
    }

    @Test
    void showSaysWhoApprovedAndWhy() {
        String shown = cli("show", "aaaa-c2").out();

        assertThat(shown).contains("approval: declined (decline) by claude-code 2.1 after 5200 ms: change freeze",
                "call.approval", "call.rejected");
    }

    @Test
    void everyReportFormatHasTheSection() throws Exception {
        String md = cli("report", "--no-verify", "--session", "aaaa").out();
        String html = cli("report", "--no-verify", "--format", "html", "--session", "aaaa").out();
        JsonNode json = JSON.readTree(cli("report", "--no-verify", "--format", "json").out());
        String csv = cli("report", "--no-verify", "--format", "csv", "--session", "aaaa").out();

        assertThat(md).contains("## Writes on protected profiles: approved by, declined (2)",
                "| approved by claude-code 2.1 | CHG-7 | 5,200 ms |", "| declined by claude-code 2.1 | change freeze |");
        assertThat(html).contains("<h2>Writes on protected profiles: approved by, declined (2)</h2>",
                "approved by claude-code 2.1", "declined by claude-code 2.1");
        assertThat(json.at("/protected_writes/total").asInt()).isEqualTo(2);
        assertThat(json.at("/protected_writes/rows/0/approval").asText()).isEqualTo("approved");
        assertThat(json.at("/protected_writes/rows/0/client").asText()).isEqualTo("claude-code 2.1");
        assertThat(json.at("/protected_writes/rows/1/reason").asText()).isEqualTo("change freeze");
        List<String> lines = csv.lines().toList();
        assertThat(lines.get(0)).endsWith(",approved,declined,approved_by");
        assertThat(lines).filteredOn(l -> l.contains(",s3,rm,")).singleElement()
                .satisfies(l -> assertThat(l).endsWith(",1,0,claude-code 2.1"));
        assertThat(lines).filteredOn(l -> l.contains(",terminate-instances,")).singleElement()
                .satisfies(l -> assertThat(l).endsWith(",0,1,"));
        // A scope without approvals (a log written without --confirm-writes) reads as before, in every format.
        assertThat(cli("report", "--no-verify", "--session", "bbbb").out()).doesNotContain("Writes on protected profiles");
        assertThat(JSON.readTree(cli("report", "--no-verify", "--format", "json", "--session", "bbbb").out())
                .has("protected_writes")).isFalse();
        assertThat(cli("report", "--no-verify", "--format", "csv", "--session", "bbbb").out().lines().findFirst()
                .orElseThrow()).doesNotContain("approved");
    }

    @Test
    void diffShowsWhereApprovalsDiffer() throws Exception {
        CliRun text = cli("diff", "aaaa", "bbbb");
        JsonNode json = JSON.readTree(cli("diff", "aaaa", "bbbb", "--format", "json").out());

        assertThat(text.out()).contains("approval (whole): \"approved\" -> \"not asked\"");
        JsonNode first = json.at("/pairs/0");
        assertThat(first.at("/a/approval").asText()).isEqualTo("approved");
        assertThat(first.at("/b/approval").asText()).isEqualTo("not asked");
        assertThat(first.at("/entries/0/in").asText()).isEqualTo("approval");
    }
}
