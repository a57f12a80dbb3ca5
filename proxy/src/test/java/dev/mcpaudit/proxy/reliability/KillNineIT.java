package dev.mcpaudit.proxy.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.fixtures.FakeAwsMcpServer;
import dev.mcpaudit.schema.CanonicalJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at a random (seeded) moment while calls are in flight, round after round on one log file:
 * every call the agent got an answer for must be in the log with its completion (completion is durable
 * before the answer is sent), every call that reached upstream must have its call.requested, the chain
 * must verify after every kill, and the next proxy must append to the same file.
 *
 * <p>Rounds: {@code -Dreliability.killRounds} (3 by default, 50 under -Preliability); seed:
 * {@code -Dreliability.seed}.
 */
class KillNineIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern MARKER = Pattern.compile("kr(\\d+)c(\\d+)e");

    @TempDir
    Path dir;

    Rig rig;

    @BeforeEach
    void start() {
        rig = new Rig(dir);
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void killNineAtRandomMomentsLosesNoAcknowledgedCallAndLeavesNoneIncomplete() throws Exception {
        int rounds = Figures.size("killRounds", 3);
        Random rnd = new Random(Figures.seed());
        Path db = dir.resolve("audit.db");
        long made = 0;
        long acknowledged = 0;
        long lost = 0;
        long incompleteAfterAck = 0;
        long hashMismatch = 0;
        long acknowledgedFailures = 0;
        long reachedNotRecorded = 0;
        long leftIncomplete = 0;
        long incompleteNotShown = 0;
        long recordedTwice = 0;
        long chainBroken = 0;
        long eagerRounds = 0;
        long killedBeforeAnyAnswer = 0;
        List<String> findings = new ArrayList<>();
        long t0 = System.nanoTime();

        for (int round = 1; round <= rounds; round++) {
            long base = round * 1000L;
            // One round in five sends everything at once without waiting for initialize, and may kill
            // during start-up: while the log is created (first round) or opened, or session.started written.
            boolean eager = rnd.nextInt(5) == 0;
            int calls = 4 + rnd.nextInt(21);
            List<String> commands = new ArrayList<>();
            for (int i = 1; i <= calls; i++) {
                int slow = rnd.nextInt(10) < 4 ? 0 : 50 + rnd.nextInt(1450);
                commands.add("aws s3 ls " + (slow > 0 ? "slow:" + slow + " " : "") + "kr" + round + "c" + i + "e");
            }
            List<String> profiles = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                profiles.add(new String[] {null, "dev", "prod"}[rnd.nextInt(3)]);
            }
            int splitAt = rnd.nextInt(calls + 1);
            int pause = rnd.nextInt(200);
            int killAfter = eager ? rnd.nextInt(2500) : rnd.nextInt(1600);
            eagerRounds += eager ? 1 : 0;

            ProxyUnderTest proxy = rig.start(db);
            try {
                proxy.send("{\"jsonrpc\":\"2.0\",\"id\":" + base + ",\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                        + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"kill-9\",\"version\":\"1\"}}}");
                if (!eager) {
                    proxy.answer(base, WAIT);
                }
                for (int i = 1; i <= calls; i++) {
                    if (i == splitAt + 1 && pause > 0) {
                        Thread.sleep(pause);
                    }
                    proxy.send(Rig.toolsCall(base + i, commands.get(i - 1), profiles.get(i - 1)));
                }
                Thread.sleep(killAfter);
            } finally {
                proxy.kill9(); // SIGKILL, then every answer already written to the pipe is read
            }
            made += calls;

            Set<Long> answered = new HashSet<>();
            for (int i = 1; i <= calls; i++) {
                if (proxy.hasAnswer(Long.toString(base + i))) {
                    answered.add(base + i);
                }
            }
            acknowledged += answered.size();
            killedBeforeAnyAnswer += answered.isEmpty() ? 1 : 0;
            Set<Long> reached = new HashSet<>();
            for (FakeAwsMcpServer.Received r : rig.upstream.toolCalls()) {
                Matcher m = MARKER.matcher(String.valueOf(r.cliCommand()));
                if (m.find() && Integer.parseInt(m.group(1)) == round) {
                    reached.add(base + Integer.parseInt(m.group(2)));
                }
            }

            LogView log = LogView.of(db);
            if (!log.verification().intact()) {
                chainBroken++;
                findings.add("round " + round + ": chain does not verify: " + log.verification().problems());
            }
            recordedTwice += log.duplicateJsonRpcIds().size();
            for (long id : answered) {
                JsonNode answer = proxy.answers().get(Long.toString(id));
                String callId = log.requested(id);
                if (Rig.isToolError(answer)) {
                    acknowledgedFailures++;
                    findings.add("round " + round + ": call " + id + " answered with an error: " + Rig.text(answer));
                }
                if (callId == null) {
                    lost++;
                    findings.add("round " + round + ": call " + id + " acknowledged but not in the log");
                } else if (!log.completed(callId)) {
                    incompleteAfterAck++;
                    findings.add("round " + round + ": call " + id + " acknowledged but has no call.completed");
                } else if (answer.has("result")
                        && !CanonicalJson.sha256Hex(answer.get("result")).equals(log.resultSha(callId))) {
                    hashMismatch++;
                    findings.add("round " + round + ": call " + id + " result hash differs from what the agent got");
                }
            }
            for (long id : reached) {
                if (log.requested(id) == null) {
                    reachedNotRecorded++;
                    findings.add("round " + round + ": call " + id + " reached upstream but has no call.requested");
                }
            }
            for (int i = 1; i <= calls; i++) {
                String callId = log.requested(base + i);
                if (callId != null && !log.completed(callId)) {
                    leftIncomplete++;
                    LogView.Call row = log.call(callId);
                    if (row == null || !"incomplete".equals(row.outcome())) {
                        incompleteNotShown++;
                        findings.add("round " + round + ": call " + (base + i) + " has no completion but its outcome is "
                                + (row == null ? "missing" : row.outcome()));
                    }
                }
            }
        }

        // After the last kill a new proxy appends to the same file, and the whole log verifies.
        boolean appendsAfterLastKill;
        String lastCallId;
        try (ProxyUnderTest proxy = rig.start(db)) {
            proxy.initialize(1, WAIT);
            JsonNode last = proxy.request(2, "tools/call", "{\"name\":\"aws___call_aws\",\"arguments\":"
                    + "{\"cli_command\":\"aws s3 ls after-the-kills\"}}", WAIT);
            proxy.closeStdin();
            appendsAfterLastKill = proxy.waitFor(WAIT) == 0 && !Rig.isToolError(last);
        }
        LogView finalLog = LogView.of(db);
        lastCallId = finalLog.requested(2);
        appendsAfterLastKill &= lastCallId != null && finalLog.completed(lastCallId);
        boolean finalChainIntact = finalLog.verification().intact();
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;

        Figures figures = new Figures("kill-9")
                .info("rounds", rounds)
                .info("rounds that sent everything before initialize was answered", eagerRounds)
                .info("rounds killed before any answer", killedBeforeAnyAnswer)
                .info("calls made", made)
                .info("acknowledged", acknowledged)
                .equal("acknowledged-but-lost", lost, 0)
                .equal("acknowledged-but-incomplete", incompleteAfterAck, 0)
                .equal("acknowledged with a result hash the log does not match", hashMismatch, 0)
                .equal("acknowledged with an error", acknowledgedFailures, 0)
                .equal("reached upstream without call.requested", reachedNotRecorded, 0)
                .info("in flight at the kill, left incomplete", leftIncomplete)
                .equal("incomplete calls not shown as outcome incomplete", incompleteNotShown, 0)
                .equal("calls recorded twice", recordedTwice, 0)
                .equal("kills after which the chain did not verify", chainBroken, 0)
                .equal("a new proxy appends after the last kill", appendsAfterLastKill ? 1 : 0, 1)
                .equal("whole log verifies at the end", finalChainIntact ? 1 : 0, 1)
                .info("seconds", seconds)
                .write();
        assertThat(figures.missed()).as("missed targets; findings:\n%s", String.join("\n", findings)).isEmpty();
    }
}
