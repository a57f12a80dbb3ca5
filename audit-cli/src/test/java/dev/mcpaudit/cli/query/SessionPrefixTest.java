package dev.mcpaudit.cli.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code calls --session} and {@code report --session} take a unique prefix of a session id, as {@code show} does. */
class SessionPrefixTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-12-05T14:00:00Z");

    @TempDir
    Path dir;

    Path db;

    @BeforeEach
    void writeLog() {
        db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            var a = log.appender();
            int i = 0;
            for (String session : new String[] {"01a2310b-facc-0001", "01a2310b-fbdd-0002", "01a2399c-0000-0003"}) {
                a.append(new NewEvent(EventType.SESSION_STARTED, T0.plusSeconds(i++), session, null,
                        allowing("dev")));
                ObjectNode p = JSON.createObjectNode().put("method", "tools/call").put("profile", "dev")
                        .put("tool", "aws___call_aws");
                p.putObject("args").put("cli_command", "aws s3 ls");
                a.append(new NewEvent(EventType.CALL_REQUESTED, T0.plusSeconds(i++), session, "call-" + session, p));
            }
        }
    }

    private static ObjectNode allowing(String profile) {
        ObjectNode started = JSON.createObjectNode();
        started.putArray("profiles").add(profile);
        return started;
    }

    private CliRun cli(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--db";
        all[1] = db.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return CliRun.of(all);
    }

    @Test
    void aUniquePrefixPicksTheOneSession() throws Exception {
        CliRun calls = cli("calls", "--session", "01a2399c", "--format", "json");
        CliRun report = cli("report", "--session", "01a2310b-fb", "--format", "json", "--no-verify");

        assertThat(calls.exitCode()).as(calls.err()).isZero();
        assertThat(JSON.readTree(calls.out()).findValuesAsText("call_id")).containsExactly("call-01a2399c-0000-0003");
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(JSON.readTree(report.out()).at("/scope/session").asText()).isEqualTo("01a2310b-fbdd-0002");
        assertThat(JSON.readTree(report.out()).at("/totals/calls").asLong()).isEqualTo(1);
    }

    @Test
    void anAmbiguousPrefixIsAUsageErrorNamingTheCandidates() {
        CliRun calls = cli("calls", "--session", "01a2310b");
        CliRun report = cli("report", "--session", "01a2310b", "--no-verify");
        CliRun none = cli("calls", "--session", "ffff");

        assertThat(calls.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(calls.err()).contains("01a2310b-facc-0001", "01a2310b-fbdd-0002", "give more of it");
        assertThat(report.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(report.err()).contains("01a2310b-facc-0001", "01a2310b-fbdd-0002");
        assertThat(none.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(none.err()).contains("no session ffff", "audit-cli sessions");
    }
}
