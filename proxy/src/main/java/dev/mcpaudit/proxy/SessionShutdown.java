package dev.mcpaudit.proxy;

import dev.mcpaudit.proxy.audit.AuditRecorder;
import dev.mcpaudit.proxy.upstream.UpstreamSessions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a proxy session once, whichever comes first: the agent closing stdin, SIGTERM/SIGINT/SIGHUP,
 * or the JVM exiting for another reason. Agents close stdin, wait about two seconds, then send
 * SIGTERM, so every step has a budget that fits inside those two seconds: requests in flight get a
 * short grace, then are answered and recorded as cancelled by shutdown; every upstream session is
 * ended with a DELETE; {@code session.ended} is recorded with how the session ended.
 */
final class SessionShutdown {
    private static final Logger LOG = LoggerFactory.getLogger(SessionShutdown.class);
    /**
     * After stdin closes, how long requests already sent may still finish: what is left of the agent's
     * two seconds once the rest of the shutdown is paid for. A SIGTERM that comes anyway cuts it short.
     */
    static final Duration GRACE_AFTER_STDIN = Duration.ofMillis(1200);
    /** After a signal, the same, shorter: the agent wants the process gone. */
    static final Duration GRACE_AFTER_SIGNAL = Duration.ofMillis(250);
    /** How long upstream may take to confirm the end of its sessions. */
    private static final Duration UPSTREAM_CLOSE = Duration.ofMillis(500);
    /** How long queued session events may take before session.ended is written. */
    private static final Duration LOG_PATIENCE = Duration.ofMillis(500);
    /** How long a second trigger waits for the shutdown already under way. */
    private static final Duration WAIT_FOR_RUNNING = Duration.ofSeconds(3);

    private final AgentRequests requests;
    private final UpstreamSessions upstreams;
    private final AuditRecorder recorder;
    private final Runnable recordSessionStart;
    private final AtomicBoolean begun = new AtomicBoolean();
    /** Set by a trigger that arrives during the grace period: cut it short. */
    private final AtomicBoolean hurry = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);

    /**
     * @param recordSessionStart records {@code session.started} if no request ever did (it is written
     *     once the first request is answered)
     */
    SessionShutdown(AgentRequests requests, UpstreamSessions upstreams, AuditRecorder recorder, Runnable recordSessionStart) {
        this.requests = requests;
        this.upstreams = upstreams;
        this.recorder = recorder;
        this.recordSessionStart = recordSessionStart;
    }

    /**
     * Shuts down, or if a shutdown is already under way, hurries it and waits for it to finish.
     *
     * @param endedBy how the session ended, as {@code session.ended} records it
     * @param grace how long requests in flight may still finish
     */
    void run(String endedBy, Duration grace) {
        if (!begun.compareAndSet(false, true)) {
            hurry.set(true);
            awaitDone();
            return;
        }
        long t0 = System.nanoTime();
        try {
            requests.stopAccepting();
            if (!requests.awaitIdle(grace, hurry::get)) {
                String sentence = "The call was cancelled: mcp-audit-proxy shut down (" + describe(endedBy)
                        + ") while upstream was still working on it, and ended the upstream session. Its effect in"
                        + " AWS is unknown; check before retrying.";
                int recorded = recorder.cancelOpenCalls(sentence);
                int answered = requests.answerAll(sentence);
                // A request may be in flight before its call is recorded (connecting, or not a call at all).
                LOG.warn("{} request(s) still in flight were answered as cancelled by the shutdown; {} recorded call(s)"
                        + " completed as cancelled", answered, recorded);
            }
            upstreams.closeAll(UPSTREAM_CLOSE);
            recordSessionStart.run();
            recorder.close(endedBy, LOG_PATIENCE);
            LOG.info("session ended ({}) in {} ms", describe(endedBy), (System.nanoTime() - t0) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            done.countDown();
        }
    }

    private void awaitDone() {
        try {
            if (!done.await(WAIT_FOR_RUNNING.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.error("the shutdown under way did not finish within {} s; exiting anyway", WAIT_FOR_RUNNING.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(String endedBy) {
        return endedBy.equals(AuditRecorder.ENDED_BY_STDIN) ? "the agent closed stdin" : endedBy;
    }
}
