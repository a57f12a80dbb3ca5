package dev.mcpaudit.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.fixtures.SyntheticCalls;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every report format, for a set of logs and option sets, byte for byte against the committed
 * outputs in {@code src/test/resources/report-golden/} (ids, hashes, the generation time and the log's
 * path masked). The outputs were written by the report before it was computed from the verifier's
 * pass, so the two ways of computing it are held to the same bytes. After a deliberate change to the
 * report, write them again with {@code -Dreport.golden.write=true} and review the diff.
 */
class ReportGoldenTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path GOLDEN = Path.of("src/test/resources/report-golden");
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern LOG_ID = Pattern.compile("\\b[0-9a-f]{32}\\b");
    private static final Pattern GENERATED = Pattern.compile("20\\d\\d-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
    private static final List<String> FORMATS = List.of("md", "html", "json", "csv");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"synthetic", "edges", "empty"})
    void everyFormatAndScopeMatchesTheCommittedOutput(String name) throws IOException {
        Path db = dir.resolve(name + ".db");
        Map<String, List<String>> optionSets = switch (name) {
            case "synthetic" -> synthetic(db);
            case "edges" -> edges(db);
            default -> empty(db);
        };
        StringBuilder actual = new StringBuilder();
        optionSets.forEach((label, options) -> {
            for (String format : FORMATS) {
                List<String> args = new ArrayList<>(List.of("--db", db.toString(), "report", "--format", format));
                args.addAll(options);
                CliRun run = CliRun.of(args.toArray(String[]::new));
                actual.append("=== ").append(label).append(" --format ").append(format)
                        .append(" (exit ").append(run.exitCode()).append(")\n")
                        .append(masked(run.out(), db)).append('\n');
            }
        });
        Path golden = GOLDEN.resolve(name + ".txt");
        if (Boolean.getBoolean("report.golden.write")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual.toString()).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

    /** Three sessions of synthetic calls across dev, staging and prod over two days. */
    private static Map<String, List<String>> synthetic(Path db) {
        try (AuditLog log = AuditLog.openForAppend(db)) {
            SyntheticCalls.fill(log, 1500, 11, Instant.parse("2026-11-02T08:00:00Z"));
            SyntheticCalls.fill(log, 700, 12, Instant.parse("2026-11-03T09:30:00Z"));
            SyntheticCalls.fill(log, 40, 13, Instant.parse("2026-11-20T22:10:00Z"));
        }
        Map<String, List<String>> sets = new LinkedHashMap<>();
        // Listings kept short: the aggregates cover every call whatever is listed.
        sets.put("whole log", List.of("--max-listed", "20"));
        sets.put("prod", List.of("--profile", "prod", "--max-listed", "20"));
        sets.put("staging, one day", List.of("--profile", "staging", "--since", "2026-11-03", "--until", "2026-11-04",
                "--max-listed", "20"));
        sets.put("account of dev, few listed", List.of("--account", "111122223333", "--max-listed", "3"));
        sets.put("a profile without calls", List.of("--profile", "sandbox"));
        sets.put("short span (timeline per minute)", List.of("--since", "2026-11-20T22:00:00Z"));
        sets.put("unverified", List.of("--profile", "dev", "--no-verify", "--max-listed", "20"));
        return sets;
    }

    /**
     * What synthetic calls lack: allowed profiles per session and refused values that look like one,
     * a --read-only refusal, other tools and methods, a command with leading blanks, a purged call,
     * an incomplete call, numbers where text is expected, and two sessions.
     */
    private static Map<String, List<String>> edges(Path db) {
        String s1 = UUID.randomUUID().toString();
        String s2 = UUID.randomUUID().toString();
        try (AuditLog log = AuditLog.openForAppend(db)) {
            ObjectNode started = JSON.createObjectNode().put("proxy_version", "0.1.0").put("host", "build-01")
                    .put("os_user", "alice").put("default_profile", "dev");
            started.putArray("profiles").add("dev").add("prod");
            append(log, EventType.SESSION_STARTED, "2026-11-05T09:00:00Z", s1, null, started);
            ObjectNode client = JSON.createObjectNode();
            client.putObject("client_info").put("name", "claude-code").put("version", "2.0.1");
            append(log, EventType.CLIENT_INITIALIZED, "2026-11-05T09:00:01Z", s1, null, client);
            call(log, s1, "2026-11-05T09:01:00Z", requested("dev", "111122223333", "aws___call_aws")
                    .set("args", JSON.createObjectNode().put("cli_command", "   aws s3 ls")), "ok");
            call(log, s1, "2026-11-05T09:02:00Z", requested("prod", "777788889999", "aws___call_aws")
                    .set("args", JSON.createObjectNode().put("cli_command", "aws ec2 terminate-instances --instance-ids i-1")), "ok");
            call(log, s1, "2026-11-05T09:03:00Z", requested("prod", "777788889999", "aws___run_script")
                    .set("args", JSON.createObjectNode().put("script", "print(1)")), "tool_error");
            call(log, s1, "2026-11-05T09:04:00Z", requested("prod", "777788889999", "aws___suggest_aws_commands")
                    .set("args", JSON.createObjectNode().put("query", "list buckets")), "ok");
            ObjectNode read = requested("dev", "111122223333", null).put("method", "resources/read")
                    .put("target", "aws://docs");
            call(log, s1, "2026-11-05T09:05:00Z", read, "error");
            call(log, s1, "2026-11-05T09:06:00Z", requested("prod", "777788889999", "aws___call_aws")
                    .set("args", JSON.createObjectNode().put("cli_command", "aws iam create-user --user-name x")), null);
            reject(log, s1, "2026-11-05T09:07:00Z", requested("PROD", null, "aws___call_aws").put("account_source", (String) null)
                    .set("args", JSON.createObjectNode().put("cli_command", "aws s3 rb s3://x")));
            reject(log, s1, "2026-11-05T09:08:00Z", requested(" prod\t", null, "aws___call_aws")
                    .set("args", JSON.createObjectNode().put("cli_command", "aws s3 ls")));
            reject(log, s1, "2026-11-05T09:09:00Z", requested("admin", null, "aws___call_aws")
                    .set("args", JSON.createObjectNode().put("cli_command", "aws iam list-users")));
            reject(log, s1, "2026-11-05T09:10:00Z", requested("7", null, "aws___run_script")
                    .set("args", JSON.createObjectNode().put("script", "x")));
            // --read-only refusal: the profile the call would have used, with its account.
            reject(log, s1, "2026-11-05T09:11:00Z", requested("prod", "777788889999", "aws___call_aws")
                    .put("account_source", "sts")
                    .set("args", JSON.createObjectNode().put("cli_command", "aws s3 rm s3://b/k")));
            call(log, s1, "2026-11-05T09:12:00Z", requested("prod", "777788889999", "aws___call_aws")
                    .set("args", JSON.createObjectNode().put("cli_command", "aws secretsmanager put-secret-value --secret-id a")),
                    "ok");
            append(log, EventType.SESSION_ENDED, "2026-11-05T09:30:00Z", s1, null,
                    JSON.createObjectNode().put("ended_by", "stdin closed"));
            // Session 2: no allowed profiles recorded, a numeric account, a call in the next hour.
            append(log, EventType.SESSION_STARTED, "2026-11-05T10:00:00Z", s2, null,
                    JSON.createObjectNode().put("proxy_version", "0.1.0").put("host", "laptop").put("os_user", "bob"));
            call(log, s2, "2026-11-05T10:15:00Z", requested("staging", "444455556666", "aws___call_aws")
                    .set("args", JSON.createObjectNode().put("cli_command", "aws lambda invoke --function-name f out.json")),
                    "timeout");
            ObjectNode numeric = requested("staging", null, "aws___call_aws").put("account_id", 444455556666L);
            numeric.set("args", JSON.createObjectNode().put("cli_command", "aws sts get-caller-identity"));
            call(log, s2, "2026-11-05T10:16:00Z", numeric, "cancelled");
            reject(log, s2, "2026-11-05T10:17:00Z", requested("Staging", null, "aws___call_aws")
                    .set("args", JSON.createObjectNode().put("cli_command", "aws s3 ls")));
        }
        // A purge of the arguments of the prod terminate-instances call (seq 5).
        CliRun purge = CliRun.of("--db", db.toString(), "purge", "--seq", "5", "--reason", "INC-1");
        assertThat(purge.exitCode()).as(purge.err()).isZero();
        Map<String, List<String>> sets = new LinkedHashMap<>();
        sets.put("whole log", List.of());
        sets.put("prod (takes in look-alike refusals)", List.of("--profile", "prod"));
        sets.put("staging", List.of("--profile", "staging"));
        sets.put("account of prod", List.of("--account", "777788889999"));
        sets.put("session 2", List.of("--session", s2));
        sets.put("one listed", List.of("--max-listed", "1"));
        sets.put("until the refusals", List.of("--until", "2026-11-05T09:07:00Z"));
        return sets;
    }

    private static Map<String, List<String>> empty(Path db) {
        try (AuditLog log = AuditLog.openForAppend(db)) {
            append(log, EventType.SESSION_STARTED, "2026-11-05T09:00:00Z", UUID.randomUUID().toString(), null,
                    JSON.createObjectNode().put("proxy_version", "0.1.0"));
        }
        Map<String, List<String>> sets = new LinkedHashMap<>();
        sets.put("whole log", List.of());
        sets.put("prod", List.of("--profile", "prod"));
        return sets;
    }

    private static ObjectNode requested(String profile, String account, String tool) {
        ObjectNode p = JSON.createObjectNode().put("method", "tools/call").put("jsonrpc_id", 1).put("profile", profile);
        if (account != null) {
            p.put("account_id", account).put("account_source", "sts");
        }
        p.put("region", "us-east-1").put("service", "aws-mcp");
        if (tool != null) {
            p.put("tool", tool);
        }
        return p;
    }

    private static void call(AuditLog log, String session, String time, ObjectNode requested, String outcome) {
        String id = UUID.randomUUID().toString();
        Instant t = Instant.parse(time);
        log.appender().append(new NewEvent(EventType.CALL_REQUESTED, t, session, id, requested));
        if (outcome != null) {
            ObjectNode done = JSON.createObjectNode().put("outcome", outcome).put("duration_ms", 1000)
                    .put("result_sha256", "0".repeat(64));
            if (!outcome.equals("ok") && !outcome.equals("tool_error")) {
                done.put("error", "it went " + outcome);
            }
            log.appender().append(new NewEvent(EventType.CALL_COMPLETED, t.plusSeconds(1), session, id, done));
        }
    }

    private static void reject(AuditLog log, String session, String time, ObjectNode requested) {
        requested.put("reason", "Tool call was refused.");
        append(log, EventType.CALL_REJECTED, time, session, UUID.randomUUID().toString(), requested);
    }

    private static void append(AuditLog log, EventType type, String time, String session, String callId, ObjectNode payload) {
        log.appender().append(new NewEvent(type, Instant.parse(time), session, callId, payload));
    }

    /** Ids and hashes numbered in order of first appearance; the log's path and the generation time replaced. */
    private static String masked(String out, Path db) {
        String text = out.replace(db.toString(), "LOG").replace(db.getFileName().toString(), "LOG");
        text = number(text, UUID_TEXT, "ID");
        text = number(text, HEX64, "HASH");
        text = number(text, LOG_ID, "LOGID");
        Matcher generated = GENERATED.matcher(text);
        // Times of events are fixed by the logs; the generation time is the only one after 2026-11-30.
        StringBuilder b = new StringBuilder();
        while (generated.find()) {
            generated.appendReplacement(b, generated.group().compareTo("2026-11-30") > 0 ? "NOW" : generated.group());
        }
        generated.appendTail(b);
        return b.toString();
    }

    private static String number(String text, Pattern pattern, String prefix) {
        Map<String, String> seen = new LinkedHashMap<>();
        Matcher m = pattern.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String name = seen.computeIfAbsent(m.group(), k -> prefix + (seen.size() + 1));
            m.appendReplacement(b, name);
        }
        m.appendTail(b);
        return b.toString();
    }
}
