package dev.mcpaudit.proxy.upstream;

import dev.mcpaudit.proxy.upstream.UpstreamException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The one place that decides what an upstream failure is ({@link Kind}) and the sentence the agent,
 * and the person behind it, reads about it: the cause, then what to do.
 */
public final class UpstreamFailures {
    private static final int MAX_ERROR_BODY_CHARS = 300;

    private UpstreamFailures() {}

    /** An I/O failure while sending {@code method} or reading its answer. */
    public static UpstreamException fromIo(Throwable cause, String method) {
        boolean connectTimeout = cause instanceof SocketTimeoutException && String.valueOf(cause.getMessage()).contains("connect");
        if (connectTimeout || cause instanceof ConnectException || cause instanceof UnknownHostException) {
            return new UpstreamException(Kind.CONNECT_FAILED, "could not connect to upstream: " + describe(cause), cause);
        }
        if (cause instanceof SocketTimeoutException) {
            return new UpstreamException(Kind.TIMEOUT, "upstream stayed silent too long while answering "
                    + method, cause);
        }
        return new UpstreamException(Kind.CONNECTION_LOST, "the connection to upstream failed during "
                + method + ": " + describe(cause), cause);
    }

    /** A non-2xx answer that was not retried; reads (a little of) its body to quote it. */
    public static UpstreamException fromStatus(UpstreamResponse response, boolean hadSession, String method) {
        int status = response.statusCode();
        String body;
        try (InputStream in = response.body()) {
            body = snippet(new String(in.readNBytes(4096), StandardCharsets.UTF_8));
        } catch (IOException e) {
            body = "";
        }
        String said = body.isEmpty() ? "" : ": " + body;
        if (status == 401 || status == 403) {
            return new UpstreamException(Kind.AUTH_REJECTED, "upstream refused the AWS credentials (HTTP "
                    + status + ") even after they were re-read" + said);
        }
        if ((status == 404 || status == 400) && hadSession) {
            return new UpstreamException(Kind.SESSION_EXPIRED, "upstream no longer knows this MCP session"
                    + " (HTTP " + status + ")");
        }
        if (status >= 300 && status < 400) {
            String location = response.header("location").orElse("(no Location header)");
            return new UpstreamException(Kind.REDIRECT, "upstream answered with a redirect (HTTP " + status
                    + " to " + location + "), which the proxy does not follow so that credentials never go to another"
                    + " host; use the final URL as ENDPOINT", null);
        }
        if (status == 429 || status == 503) {
            return new UpstreamException(Kind.THROTTLED, "upstream is throttling requests (HTTP " + status + ")" + said);
        }
        return new UpstreamException(Kind.HTTP_STATUS, "upstream answered " + method + " with HTTP "
                + status + said);
    }

    /** What the agent reads when a tools/call failed upstream. */
    public static String toolSentence(String tool, String profile, UpstreamException e, Duration toolTimeout) {
        return switch (e.kind()) {
            case TIMEOUT -> "Tool '" + tool + "' timed out after " + describe(toolTimeout)
                    + "; upstream was asked to cancel it. Retry, or start the proxy with a larger --tool-timeout.";
            default -> "Tool call '" + tool + "' failed: " + cause(profile, e);
        };
    }

    /** What the agent reads when any other request failed upstream. */
    public static String requestSentence(String method, String profile, UpstreamException e) {
        return method + " failed: " + cause(profile, e);
    }

    private static String cause(String profile, UpstreamException e) {
        String what = e.getMessage();
        return switch (e.kind()) {
            case NO_CREDENTIALS, AUTH_REJECTED -> what + ". Run `aws sso login --profile " + profile
                    + "` (or fix that profile's credentials), then retry; the proxy uses new credentials without a restart.";
            case CONNECT_FAILED -> what + ". Check the endpoint URL and the network, then retry.";
            case THROTTLED -> what + ". Wait a little and retry, or start the proxy with --retries.";
            case REDIRECT -> what + ".";
            case SESSION_EXPIRED -> what + " even after a new session was opened. Retry.";
            case TIMEOUT -> what + ". Retry, or raise --timeout / --read-timeout.";
            default -> what + ". Retry; if it keeps failing, check upstream's status.";
        };
    }

    /** "300 s", or "1500 ms" when not a whole number of seconds. */
    public static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Upstream's error body on one line, cut to a length that fits a sentence. */
    static String snippet(String body) {
        String s = body.strip().replaceAll("\\s+", " ");
        return s.length() > MAX_ERROR_BODY_CHARS ? s.substring(0, MAX_ERROR_BODY_CHARS) + "…" : s;
    }

    private static String describe(Throwable cause) {
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
