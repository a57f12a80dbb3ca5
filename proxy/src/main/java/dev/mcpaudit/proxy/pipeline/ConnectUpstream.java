package dev.mcpaudit.proxy.pipeline;

import dev.mcpaudit.proxy.upstream.UpstreamException;
import dev.mcpaudit.proxy.upstream.UpstreamSession;
import dev.mcpaudit.proxy.upstream.UpstreamSessions;
import java.time.Duration;

/**
 * Opens the routed profile's upstream session (once; later calls find it open), so that the log can
 * record which session a call went to. A failure does not stop the call here: it is recorded first and
 * then fails with that cause.
 */
public final class ConnectUpstream implements CallStep {
    private final UpstreamSessions sessions;
    private final Duration timeout;

    public ConnectUpstream(UpstreamSessions sessions, Duration timeout) {
        this.sessions = sessions;
        this.timeout = timeout;
    }

    @Override
    public CallResult handle(Call call, Chain next) {
        UpstreamSession session = sessions.get(call.profile());
        UpstreamException failure = null;
        try {
            session.ensureInitialized(timeout);
        } catch (UpstreamException e) {
            failure = e;
        }
        return next.proceed(call.connected(session.sessionId(), failure));
    }
}
