package dev.mcpaudit.proxy.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.proxy.e2e.SdkStreamableUpstream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long a session takes to end, as agents end it, against the MCP Java SDK's own server (which holds a
 * listening stream open per session): stdin EOF with nothing in flight, stdin EOF with one call in
 * flight, SIGTERM with one call in flight. Agents close stdin, wait about two seconds, then send SIGTERM;
 * every shutdown must fit inside that, record session.ended, record the call in flight as cancelled, and
 * end every upstream session. Reports min / median / max.
 *
 * <p>Rounds: {@code -Dreliability.shutdownRounds} (3 by default, 20 under -Preliability).
 */
class ShutdownTimingIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** What an agent waits between closing stdin and sending SIGTERM. */
    private static final Duration AGENT_PATIENCE = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    Rig rig;
    SdkStreamableUpstream upstream;
    int run;
    long needSigterm;
    long notCleanExit;
    long noSessionEnded;
    long notCancelled;
    long upstreamLeftOpen;
    long inFlightUnanswered;
    final List<String> findings = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        rig = new Rig(dir);
        rig.env.put("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1"); // no STS: the account lookup falls back at once
        upstream = new SdkStreamableUpstream();
    }

    @AfterEach
    void stop() throws Exception {
        upstream.close();
        rig.close();
    }

    @Test
    void sessionsEndWithinTheAgentsTwoSecondsOnStdinEofAndOnSigterm() throws Exception {
        int rounds = Figures.size("shutdownRounds", 3);
        List<Long> eofIdle = new ArrayList<>();
        List<Long> eofInFlight = new ArrayList<>();
        List<Long> sigterm = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            eofIdle.add(once("eof-idle"));
            eofInFlight.add(once("eof-in-flight"));
            sigterm.add(once("sigterm-in-flight"));
        }
        findings.forEach(f -> System.out.println("[reliability] shutdown " + f));
        Figures figures = new Figures("shutdown")
                .info("rounds", rounds)
                .info("stdin EOF, nothing in flight: min / median / max ms", stats(eofIdle))
                .atMost("stdin EOF, nothing in flight: max ms", Collections.max(eofIdle), 1000)
                .info("stdin EOF, one call in flight: min / median / max ms", stats(eofInFlight))
                .atMost("stdin EOF, one call in flight: max ms", Collections.max(eofInFlight), 2000)
                .info("SIGTERM, one call in flight: min / median / max ms", stats(sigterm))
                .atMost("SIGTERM, one call in flight: max ms", Collections.max(sigterm), 2000)
                .equal("stdin EOF shutdowns that needed the agent's SIGTERM", needSigterm, 0)
                .equal("exits that were not code 0", notCleanExit, 0)
                .equal("sessions without session.ended", noSessionEnded, 0)
                .equal("calls in flight not recorded as cancelled", notCancelled, 0)
                .equal("calls in flight the agent got no answer for (SIGTERM)", inFlightUnanswered, 0)
                .equal("upstream sessions left open", upstreamLeftOpen, 0)
                .write();
        assertThat(figures.missed()).as("missed targets; findings:\n%s", String.join("\n", findings)).isEmpty();
    }

    /** One session ended one way; returns ms from the trigger to the process's exit. */
    private long once(String how) throws Exception {
        Path db = dir.resolve("run-" + (run++) + "-" + how).resolve("audit.db");
        java.util.Set<String> openBefore = upstream.liveSessions();
        ProxyUnderTest p = new ProxyUnderTest(rig.args(upstream.endpoint(), db, "--log-level", "INFO"), rig.env);
        try {
            p.initialize(1, WAIT);
            for (int id = 2; id <= 3; id++) {
                JsonNode a = p.request(id, "tools/call", "{\"name\":\"aws___call_aws\",\"arguments\":{\"cli_command\":\"aws s3 ls\","
                        + "\"aws_profile\":\"" + (id == 2 ? "dev" : "prod") + "\"}}", WAIT);
                assertThat(Rig.isToolError(a)).as("%s", a).isFalse();
            }
            Thread.sleep(300); // the listening streams open in the background
            int slowBefore = upstream.slowCallsStarted();
            boolean inFlight = !how.equals("eof-idle");
            if (inFlight) {
                p.send("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"slow\",\"arguments\":{\"ms\":30000}}}");
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (upstream.slowCallsStarted() == slowBefore && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(upstream.slowCallsStarted()).as("upstream is working on the slow call").isGreaterThan(slowBefore);
            }
            long t0 = System.nanoTime();
            if (how.startsWith("eof")) {
                p.closeStdin();
                if (!p.exitedWithin(AGENT_PATIENCE)) {
                    needSigterm++;
                    findings.add(how + ": still running two seconds after stdin closed; SIGTERM");
                    p.signal("TERM");
                }
            } else {
                p.signal("TERM");
            }
            int exit = p.waitFor(WAIT);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            notCleanExit += exit == 0 ? 0 : 1;
            LogView log = LogView.of(db);
            if (log.count("session.ended") != 1) {
                noSessionEnded++;
                findings.add(how + ": " + log.count("session.ended") + " session.ended events");
            }
            if (inFlight) {
                LogView.Call slow = log.callOf(4);
                if (slow == null || !"cancelled".equals(slow.outcome())) {
                    notCancelled++;
                    findings.add(how + ": the slow call's outcome is " + (slow == null ? "missing" : slow.outcome()));
                }
                if (how.startsWith("sigterm") && p.awaitAnswer(4, Duration.ofSeconds(1)) == null) {
                    inFlightUnanswered++;
                    findings.add(how + ": no answer for the call in flight");
                }
            }
            Thread.sleep(50);
            java.util.Set<String> leftOpen = new java.util.TreeSet<>(upstream.liveSessions());
            leftOpen.removeAll(openBefore);
            if (!leftOpen.isEmpty()) {
                upstreamLeftOpen += leftOpen.size();
                findings.add(how + ": upstream sessions left open " + leftOpen);
            }
            return ms;
        } finally {
            p.close();
        }
    }

    private static String stats(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        long median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        return sorted.get(0) + " / " + median + " / " + sorted.get(sorted.size() - 1);
    }
}
