package dev.mcpaudit.proxy.upstream;

/** Why an upstream exchange failed, precisely enough to decide on a retry and to tell the agent. */
public final class UpstreamException extends Exception {

    public enum Kind {
        /** 401/403: the signature or the credentials were refused. Upstream did not run the request. */
        AUTH_REJECTED,
        /** No credentials could be resolved for the profile (and --skip-auth is off). Nothing was sent. */
        NO_CREDENTIALS,
        /** 404 (or 400) on a request carrying a session id: the MCP session is gone. Nothing ran. */
        SESSION_EXPIRED,
        /** 3xx: redirects are never followed, credentials must not go to another host. */
        REDIRECT,
        /** 429, or 503 with Retry-After: upstream refused before doing any work. */
        THROTTLED,
        /** The TCP/TLS connection could not be made: nothing reached upstream. */
        CONNECT_FAILED,
        /** Any other HTTP status. */
        HTTP_STATUS,
        /** The connection broke after the request was sent: it may have run. */
        CONNECTION_LOST,
        /** No answer within the deadline. */
        TIMEOUT,
        /** Upstream answered with something that is not MCP (bad JSON, unknown media type). */
        PROTOCOL,
        /** The agent cancelled the request; upstream was told. */
        CANCELLED
    }

    private final Kind kind;

    public UpstreamException(Kind kind, String message) {
        this(kind, message, null);
    }

    public UpstreamException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
