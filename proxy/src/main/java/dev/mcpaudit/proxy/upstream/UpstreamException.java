package dev.mcpaudit.proxy.upstream;

import java.time.Duration;
import java.util.Optional;

/** Why an upstream exchange failed, precisely enough to decide on a retry and to tell the agent. */
public final class UpstreamException extends Exception {

    public enum Kind {
        /** 401/403: the signature or the credentials were refused. Upstream did not run the request. */
        AUTH_REJECTED(true),
        /** No credentials could be resolved for the profile (and --skip-auth is off). Nothing was sent. */
        NO_CREDENTIALS(true),
        /** 404 (or 400) on a request carrying a session id: the MCP session is gone. Nothing ran. */
        SESSION_EXPIRED(true),
        /** 3xx: redirects are never followed, credentials must not go to another host. */
        REDIRECT(true),
        /** 429, or 503 with Retry-After: upstream refused before doing any work. */
        THROTTLED(true),
        /** The TCP/TLS connection could not be made: nothing reached upstream. */
        CONNECT_FAILED(true),
        /** Any other HTTP status. */
        HTTP_STATUS(false),
        /** The connection broke after the request was sent: it may have run. */
        CONNECTION_LOST(false),
        /** No answer within the deadline. */
        TIMEOUT(false),
        /** Upstream answered with something that is not MCP (bad JSON, unknown media type). */
        PROTOCOL(false),
        /** The agent cancelled the request; upstream was told. */
        CANCELLED(false);

        /** True when upstream provably did not act on the request, so it may be sent again. */
        public final boolean notExecuted;

        Kind(boolean notExecuted) {
            this.notExecuted = notExecuted;
        }
    }

    private final Kind kind;
    private final int status;
    private final Duration retryAfter;

    public UpstreamException(Kind kind, String message) {
        this(kind, 0, null, message, null);
    }

    public UpstreamException(Kind kind, int status, Duration retryAfter, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, or 0 when there was none. */
    public int status() {
        return status;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
