package dev.mcpaudit.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code audit-cli diff} of sessions in a real SQLite log, written through the normal appender. */
class DiffSessionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STAGING = "444455556666";
    private static final String PROD = "777788889999";

    @TempDir
    Path dir;

    /** Appends one session's events; calls are made one second apart. */
    private static final class SessionWriter {
        final AuditLog log;
        final String id;
        Instant t = Instant.parse("2026-12-01T09:00:00Z");

        SessionWriter(AuditLog log, String id) {
            this.log = log;
            this.id = id;
            log.appender().append(new NewEvent(EventType.SESSION_STARTED, t, id, null, JSON.createObjectNode()
                    .put("proxy_version", "test").put("endpoint", "https://aws-mcp.us-east-1.api.aws/mcp").put("default_profile", "staging")));
        }

        /** Upstream's answers to initialize and tools/list for the profile, as --record-results records them. */
        SessionWriter server(String profile, String serverVersion, String toolName) {
            ObjectNode initialized = JSON.createObjectNode().put("profile", profile).putNull("upstream_session_id")
                    .put("result_sha256", String.format("%064x", serverVersion.hashCode() & 0xffffffffL));
            initialized.putObject("result").put("protocolVersion", "2025-06-18").putObject("serverInfo").put("name", "aws-mcp")
                    .put("version", serverVersion);
            log.appender().append(new NewEvent(EventType.UPSTREAM_INITIALIZED, t, id, null, initialized));
            ObjectNode listed = JSON.createObjectNode().put("profile", profile).putNull("upstream_session_id").putNull("cursor")
                    .put("result_sha256", String.format("%064x", toolName.hashCode() & 0xffffffffL));
            listed.putObject("result").putArray("tools").addObject().put("name", toolName).putObject("inputSchema").put("type", "object");
            log.appender().append(new NewEvent(EventType.TOOLS_LISTED, t, id, null, listed));
            return this;
        }

        /** A completed {@code aws___call_aws}; {@code result} null records only its hash (no --record-results). */
        SessionWriter call(String profile, String account, String cli, String outcome, String resultText) {
            String text = resultText == null ? cli : resultText;
            return call(profile, account, cli, outcome, resultText, String.format("%064x", text.hashCode() & 0xffffffffL));
        }

        SessionWriter call(String profile, String account, String cli, String outcome, String resultText, String sha256) {
            t = t.plusSeconds(1);
            String callId = UUID.randomUUID().toString();
            ObjectNode requested = JSON.createObjectNode().put("method", "tools/call").put("jsonrpc_id", 1).put("profile", profile)
                    .put("account_id", account).put("account_source", "sts").put("region", "eu-west-1").put("service", "aws-mcp")
                    .put("tool", "aws___call_aws");
            requested.putObject("args").put("cli_command", cli);
            requested.put("args_fingerprint", Integer.toHexString(cli.hashCode()));
            log.appender().append(new NewEvent(EventType.CALL_REQUESTED, t, id, callId, requested));
            ObjectNode completed = JSON.createObjectNode().put("outcome", outcome).put("duration_ms", 20)
                    .put("result_sha256", sha256);
            if (resultText != null) {
                completed.putObject("result").putArray("content").addObject().put("type", "text").put("text", resultText);
            }
            log.appender().append(new NewEvent(EventType.CALL_COMPLETED, t.plusMillis(20), id, callId, completed));
            return this;
        }
    }

    @Test
    void twoSessionsWhoseServerVersionDiffersDifferInTheirCatalogue() throws Exception {
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            new SessionWriter(log, "aaaa1111-0000-7000-8000-000000000001").server("staging", "1.4.0", "aws___call_aws")
                    .call("staging", STAGING, "aws s3 ls", "ok", "bucket-1");
            new SessionWriter(log, "bbbb2222-0000-7000-8000-000000000002").server("staging", "1.5.0", "aws___call_aws")
                    .call("staging", STAGING, "aws s3 ls", "ok", "bucket-1")
                    .server("staging", "1.4.0", "aws___run_script"); // a later re-initialisation: only the first answer counts
        }

        CliRun run = CliRun.of("diff", "aaaa1111", "bbbb2222", "--db", db.toString(), "--format", "json");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        JsonNode catalogue = JSON.readTree(run.out()).path("catalogue");
        assertThat(catalogue.findValuesAsText("status")).containsExactly("changed", "same");
        assertThat(catalogue.get(0).path("what").asText()).isEqualTo("initialize");
        assertThat(catalogue.get(0).path("differences").get(0).path("pointer").asText()).isEqualTo("/serverInfo/version");
        assertThat(catalogue.get(0).path("differences").get(0).path("b").asText()).isEqualTo("1.5.0");
        assertThat(JSON.readTree(run.out()).path("summary").path("same").asInt()).isEqualTo(1);
    }

    @Test
    void twoSessionsByPrefixShowChangesAndHashOnlyDifferences() throws Exception {
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            new SessionWriter(log, "aaaa1111-0000-7000-8000-000000000001")
                    .call("staging", STAGING, "aws s3 ls", "ok", "bucket-1")
                    .call("staging", STAGING, "aws lambda list-functions", "ok", null)
                    .call("staging", STAGING, "aws ec2 describe-vpcs", "ok", "{\"Vpcs\":[{\"VpcId\":\"vpc-1\",\"State\":\"available\"}]}");
            new SessionWriter(log, "bbbb2222-0000-7000-8000-000000000002")
                    .call("staging", STAGING, "aws s3 ls", "ok", "bucket-1")
                    .call("staging", STAGING, "aws lambda list-functions", "ok", null)
                    .call("staging", STAGING, "aws ec2 describe-vpcs", "ok", "{\"Vpcs\":[{\"VpcId\":\"vpc-1\",\"State\":\"pending\"}]}");
        }
        try (AuditLog log = AuditLog.openForAppend(db)) {
            new SessionWriter(log, "cccc3333-0000-7000-8000-000000000003")
                    .call("staging", STAGING, "aws lambda list-functions", "ok", null);
        }

        CliRun same = CliRun.of("--db", db.toString(), "diff", "aaaa", "bbbb");
        CliRun againstOneCall = CliRun.of("--db", db.toString(), "diff", "aaaa", "cccc");

        assertThat(same.exitCode()).as(same.err()).isEqualTo(1);
        assertThat(same.out()).contains("diff A: session aaaa1111-0000-7000-8000-000000000001 [staging 444455556666 eu-west-1; 3 calls]")
                .containsPattern("(?m)^SAME +A#1-2 +B#1-2 +2 calls")
                .containsPattern("(?m)^CHANGED +A#3 +B#3 +aws___call_aws ec2 describe-vpcs")
                .contains("result /content/0/text/Vpcs/0/State: \"available\" -> \"pending\"");
        assertThat(againstOneCall.out()).contains("ONLY-A   A#1               aws___call_aws s3 ls")
                .containsPattern("(?m)^SAME +A#2 +B#1 +aws___call_aws lambda list-functions")
                .containsPattern("(?m)^ONLY-A +A#3 +aws___call_aws ec2 describe-vpcs");
    }

    @Test
    void hashOnlyWhenNoBodyWasRecorded() throws Exception {
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            new SessionWriter(log, "aaaa1111-0000-7000-8000-000000000001")
                    .call("staging", STAGING, "aws lambda list-functions", "ok", null, "cd".repeat(32));
            new SessionWriter(log, "bbbb2222-0000-7000-8000-000000000002")
                    .call("staging", STAGING, "aws lambda list-functions", "ok", null, "ab".repeat(32));
        }

        CliRun run = CliRun.of("--db", db.toString(), "diff", "aaaa", "bbbb");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).containsPattern("(?m)^CHANGED +A#1 +B#1 ").contains("result differs (hash only: neither side has a recorded result body");
    }

    @Test
    void profilesOfOneSessionShowWhatStagingDidThatProdDidNot() throws Exception {
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            new SessionWriter(log, "0b6c3a1e-0000-7000-8000-000000000001")
                    .call("staging", STAGING, "aws sts get-caller-identity", "ok", "{\"Account\":\"" + STAGING + "\"}")
                    .call("prod", PROD, "aws sts get-caller-identity", "ok", "{\"Account\":\"" + PROD + "\"}")
                    .call("staging", STAGING, "aws ec2 describe-instances", "ok", "{\"Reservations\":[]}")
                    .call("staging", STAGING, "aws ec2 terminate-instances --instance-ids i-1", "ok", "{}")
                    .call("prod", PROD, "aws ec2 describe-instances", "ok", "{\"Reservations\":[]}");
        }

        CliRun run = CliRun.of("--db", db.toString(), "diff", "--profiles", "staging", "prod", "--session", "0b6c",
                "--map-account", STAGING + "=" + PROD);
        CliRun json = CliRun.of("--db", db.toString(), "diff", "--profiles", "staging", "prod", "--session", "0b6c",
                "--map-account", STAGING + "=" + PROD, "--format", "json");
        CliRun unknownProfile = CliRun.of("--db", db.toString(), "diff", "--profiles", "staging", "dev", "--session", "0b6c");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).contains("A: session 0b6c3a1e-0000-7000-8000-000000000001, profile staging [staging 444455556666 eu-west-1; 3 calls]")
                .contains("B: session 0b6c3a1e-0000-7000-8000-000000000001, profile prod [prod 777788889999 eu-west-1; 2 calls]")
                .contains("2 same, 0 similar (volatile fields only), 0 changed, 1 only in A, 0 only in B")
                .containsPattern("(?m)^ONLY-A +A#3 +aws___call_aws ec2 terminate-instances  \\[staging\\] \\[WRITE\\]");
        assertThat(run.out().substring(run.out().indexOf("Writes present on one side only:")))
                .contains("A#3  [staging 444455556666]  aws___call_aws ec2 terminate-instances  outcome ok");
        JsonNode doc = JSON.readTree(json.out());
        assertThat(doc.at("/a/profile").asText()).isEqualTo("staging");
        assertThat(doc.at("/one_sided_writes/0/operation").asText()).isEqualTo("ec2 terminate-instances");
        assertThat(unknownProfile.exitCode()).isEqualTo(2);
        assertThat(unknownProfile.err()).contains("made no call in profile 'dev'").contains("staging, prod");
    }

    @Test
    void anUnknownOrAmbiguousSessionIsAUsageErrorAndAMissingLogAnEnvironmentError() throws Exception {
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            new SessionWriter(log, "aaaa1111-0000-7000-8000-000000000001").call("dev", STAGING, "aws s3 ls", "ok", "x");
            new SessionWriter(log, "aaaa2222-0000-7000-8000-000000000002").call("dev", STAGING, "aws s3 ls", "ok", "x");
        }

        CliRun unknown = CliRun.of("--db", db.toString(), "diff", "aaaa1", "ffff");
        CliRun ambiguous = CliRun.of("--db", db.toString(), "diff", "aaaa", "aaaa1");
        CliRun noLog = CliRun.of("--db", dir.resolve("none.db").toString(), "diff", "aaaa", "bbbb");

        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("B 'ffff' is no file, and as a session: no session ffff in")
                .contains("audit-cli sessions").contains("fixture file");
        assertThat(ambiguous.exitCode()).isEqualTo(2);
        assertThat(ambiguous.err()).contains("more than one session id");
        assertThat(noLog.exitCode()).isEqualTo(3);
    }

    @Test
    void aSessionComparesWithAFixture() throws Exception {
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            new SessionWriter(log, "aaaa1111-0000-7000-8000-000000000001").call("dev", "111122223333", "aws s3 ls", "ok", "bucket-1");
        }
        Path fixture = DiffFixtures.session("dev", "111122223333").call("aws s3 ls", "bucket-2").write(dir.resolve("f.mcpfix.json"));

        CliRun run = CliRun.of("--db", db.toString(), "diff", fixture.toString(), "aaaa");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("A: fixture " + fixture + " (session sess-dev)")
                .contains("result /content/0/text: \"bucket-2\" -> \"bucket-1\"");
    }
}
