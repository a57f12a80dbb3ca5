package dev.mcpaudit.cli.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.fixtures.SyntheticCalls;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** calls / ls, show and sessions on real log files. */
class CallsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-20T09:00:00Z");

    @TempDir
    Path dir;

    Path db;

    /** A small hand-made log: one session, five calls whose every field is known. */
    @BeforeEach
    void writeLog() {
        db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            var a = log.appender();
            a.append(new NewEvent(EventType.SESSION_STARTED, T0, "s1", null,
                    JSON.createObjectNode().put("host", "laptop").put("os_user", "alice")));
            ObjectNode client = JSON.createObjectNode();
            client.putObject("client_info").put("name", "claude-code").put("version", "2.1");
            a.append(new NewEvent(EventType.CLIENT_INITIALIZED, T0.plusSeconds(1), "s1", null, client));
            call(a, "c1", T0.plusSeconds(10), "dev", "111122223333", "aws s3 ls", "ok");
            call(a, "c2", T0.plusSeconds(20), "prod", "777788889999", "aws ec2 describe-instances", "ok");
            call(a, "c3", T0.plusSeconds(30), "prod", "777788889999", "aws s3api put-bucket-policy --bucket b --policy {}", "tool_error");
            call(a, "c4", T0.plusSeconds(40), "prod", "777788889999", "aws ec2 stop-instances --instance-ids i-1", null);
            ObjectNode rejected = requested("admin", null, "aws iam create-user --user-name x").put("reason", "not allowed");
            a.append(new NewEvent(EventType.CALL_REJECTED, T0.plusSeconds(50), "s1", "c5", rejected));
            a.append(new NewEvent(EventType.SESSION_ENDED, T0.plusSeconds(60), "s1", null, JSON.createObjectNode()));
        }
    }

    private static ObjectNode requested(String profile, String account, String command) {
        ObjectNode p = JSON.createObjectNode().put("method", "tools/call").put("profile", profile).put("tool", "aws___call_aws");
        if (account != null) {
            p.put("account_id", account).put("account_source", "sts");
        }
        p.putObject("args").put("cli_command", command);
        return p;
    }

    private static void call(dev.mcpaudit.schema.EventAppender a, String id, Instant t, String profile, String account,
            String command, String outcome) {
        a.append(new NewEvent(EventType.CALL_REQUESTED, t, "s1", id, requested(profile, account, command)));
        if (outcome != null) {
            a.append(new NewEvent(EventType.CALL_COMPLETED, t.plusMillis(250), "s1", id,
                    JSON.createObjectNode().put("outcome", outcome).put("duration_ms", 250).put("result_sha256", "ab".repeat(32))));
        }
    }

    @Test
    void formatNamesAreReadInAnyCase() {
        // picocli's case-insensitive enum values, set once on the root command, serve every subcommand.
        assertThat(cli("calls", "--format", "JSON").out()).isEqualTo(cli("calls", "--format", "json").out());
        assertThat(cli("sessions", "--format", "Csv").out()).isEqualTo(cli("sessions", "--format", "csv").out());
        assertThat(cli("report", "--format", "JSON", "--no-verify").exitCode()).isZero();
    }

    private CliRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--db", db.toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    private List<String> ids(CliRun run) throws Exception {
        List<String> ids = new ArrayList<>();
        JSON.readTree(run.out()).forEach(c -> ids.add(c.get("call_id").asText()));
        return ids;
    }

    @Test
    void listsEveryCallNewestFirstWithItsOutcome() throws Exception {
        CliRun run = cli("calls", "--format", "json");

        assertThat(run.exitCode()).isZero();
        assertThat(ids(run)).containsExactly("c5", "c4", "c3", "c2", "c1");
        JsonNode calls = JSON.readTree(run.out());
        assertThat(calls.get(0).get("outcome").asText()).isEqualTo("denied");
        assertThat(calls.get(1).get("outcome").asText()).isEqualTo("incomplete");
        assertThat(calls.get(2).get("args").get("cli_command").asText()).startsWith("aws s3api put-bucket-policy");
        assertThat(calls.get(4).get("duration_ms").asDouble()).isEqualTo(250.0);
        assertThat(calls.get(0).fieldNames()).toIterable().containsExactlyElementsOf(CallsCommand.FIELDS);
    }

    @Test
    void filtersCombine() throws Exception {
        assertThat(ids(cli("calls", "--profile", "prod", "--format", "json"))).containsExactly("c4", "c3", "c2");
        assertThat(ids(cli("ls", "--account", "111122223333", "--format", "json"))).containsExactly("c1");
        assertThat(ids(cli("calls", "--outcome", "tool_error", "--format", "json"))).containsExactly("c3");
        assertThat(ids(cli("calls", "--writes", "--format", "json"))).containsExactly("c5", "c4", "c3");
        assertThat(ids(cli("calls", "--writes", "--profile", "prod", "--limit", "1", "--format", "json"))).containsExactly("c4");
        assertThat(ids(cli("calls", "--since", "2026-11-20T09:00:25Z", "--until", "2026-11-20T09:00:45Z", "--format", "json")))
                .containsExactly("c4", "c3");
        assertThat(ids(cli("calls", "--tool", "aws___*", "--session", "s1", "--format", "json"))).hasSize(5);
        assertThat(ids(cli("calls", "--since", "1h", "--format", "json"))).isEmpty();
    }

    @Test
    void tableCsvAndJsonlAreParseable() throws Exception {
        CliRun table = cli("calls", "--profile", "prod");
        CliRun csv = cli("calls", "--format", "csv");
        CliRun jsonl = cli("calls", "--format", "jsonl");

        assertThat(table.out().lines().findFirst().orElseThrow()).startsWith("started_at").contains("profile", "outcome");
        assertThat(table.out()).contains("2026-11-20T09:00:40.000Z", "incomplete", "c4");
        List<String> lines = csv.out().lines().toList();
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).isEqualTo(String.join(",", CallsCommand.FIELDS));
        // The JSON arguments contain quotes and commas: the CSV field is quoted with doubled quotes.
        assertThat(csv.out()).contains("\"{\"\"cli_command\"\":\"\"aws s3api put-bucket-policy --bucket b --policy {}\"\"}\"");
        assertThat(jsonl.out().lines()).hasSize(5).allSatisfy(l -> assertThat(JSON.readTree(l).has("call_id")).isTrue());
    }

    @Test
    void nothingMatchingSaysSoAndBadInputIsAUsageError() {
        CliRun none = cli("calls", "--profile", "nope");
        CliRun badDate = cli("calls", "--since", "yesterday-ish");
        CliRun badOutcome = cli("calls", "--outcome", "fine");
        CliRun backwards = cli("calls", "--since", "2026-11-21", "--until", "2026-11-20");
        CliRun missing = CliRun.of("--db", dir.resolve("nope.db").toString(), "calls");

        assertThat(none.exitCode()).isZero();
        assertThat(none.out()).contains("No calls match (profile nope)");
        assertThat(badDate.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(badDate.err()).contains("'yesterday-ish' is not a time", "24h");
        assertThat(badOutcome.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(backwards.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(backwards.err()).contains("must be before --until");
        assertThat(missing.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
        assertThat(missing.err()).contains("no audit log at");
    }

    @Test
    void showPrintsEveryEventOfOneCallByIdOrPrefix() throws Exception {
        CliRun text = cli("show", "c3");
        CliRun json = cli("show", "c3", "--format", "json");
        CliRun incomplete = cli("show", "c4");

        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).contains("call c3", "call.requested", "call.completed", "put-bucket-policy", "outcome: tool_error");
        JsonNode events = JSON.readTree(json.out()).get("events");
        assertThat(events).hasSize(2);
        assertThat(events.get(1).at("/payload/result_sha256").asText()).hasSize(64);
        assertThat(incomplete.out()).contains("No completion recorded");
    }

    @Test
    void showOfAnUnknownOrAmbiguousIdSaysWhatToDo() {
        CliRun unknown = cli("show", "zz-nope");
        CliRun ambiguous = cli("show", "c");

        assertThat(unknown.exitCode()).isEqualTo(ExitCode.FINDING);
        assertThat(unknown.err()).contains("no call zz-nope", "audit-cli calls");
        assertThat(ambiguous.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(ambiguous.err()).contains("more than one call id");
    }

    @Test
    void sessionsSummariseEachProxyRun() throws Exception {
        try (AuditLog log = AuditLog.openForAppend(db)) {
            SyntheticCalls.fill(log, 40, 7, T0.plusSeconds(3600));
        }

        CliRun run = cli("sessions", "--format", "json");

        JsonNode sessions = JSON.readTree(run.out());
        assertThat(sessions).hasSize(2);
        JsonNode first = sessions.get(1);
        assertThat(first.get("session_id").asText()).isEqualTo("s1");
        assertThat(first.get("client").asText()).isEqualTo("claude-code 2.1");
        assertThat(first.get("host").asText()).isEqualTo("laptop");
        assertThat(first.get("calls").asInt()).isEqualTo(5);
        assertThat(first.get("errors").asInt()).isEqualTo(1);
        assertThat(first.get("denied").asInt()).isEqualTo(1);
        assertThat(first.get("incomplete").asInt()).isEqualTo(1);
        assertThat(first.get("clean_end").asInt()).isEqualTo(1);
        // "admin" was refused (not an allowed profile): its own column, never among the profiles used.
        assertThat(first.get("profiles_used").asText().split(",")).containsExactlyInAnyOrder("dev", "prod");
        assertThat(first.get("refused_profiles").get(0).asText()).isEqualTo("admin");
        assertThat(first.get("ended_by").isNull()).isTrue(); // this hand-made session.ended has no ended_by
        assertThat(sessions.get(0).get("calls").asInt()).isEqualTo(40);
        assertThat(cli("sessions").out()).contains("claude-code 2.1");
    }

    @Test
    void readingNeverWritesTheLog() throws Exception {
        byte[] before = Files.readAllBytes(db);

        cli("calls");
        cli("show", "c1");
        cli("sessions");

        assertThat(Files.readAllBytes(db)).isEqualTo(before);
    }
}
