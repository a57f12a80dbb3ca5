package dev.mcpaudit.proxy.upstream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.proxy.upstream.UpstreamException.Kind;
import dev.mcpaudit.schema.ProductVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The HTTP half of talking to upstream: builds each Streamable-HTTP request with its headers and
 * {@code _meta}, signs it for a profile, and sends it, retrying only what upstream provably did not
 * run: a refused signature once after re-reading credentials, and with {@code --retries} a refused
 * connection or a 429/503 that says when to come back. Redirects are never followed.
 *
 * <p>Built on {@link HttpURLConnection}: each exchange runs on the calling thread with blocking I/O
 * and kept-alive connections. java.net.http's selector thread and its hand-offs cost more CPU per
 * call than the whole exchange, which showed as latency under 16 concurrent calls on two cores.
 */
public final class UpstreamHttp {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamHttp.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    static {
        // Read once by the JDK when its HTTP client first loads, so set here, before any connection.
        // HttpURLConnection would silently send a POST again when a kept-alive connection fails; a
        // tools/call that may have run must never be re-sent behind the agent's back.
        System.setProperty("sun.net.http.retryPost", "false");
        // Idle connections kept per host (JDK default 5): enough for 16 concurrent calls to reuse theirs.
        System.setProperty("http.maxConnections", "32");
    }

    private final URI endpoint;
    private final URL url;
    private final Duration connectTimeout;
    private final SigV4Signer signer;
    private final ProfileCredentials credentials;
    private final Map<String, String> extraHeaders;
    private final Map<String, ObjectNode> metaByProfile;
    private final Duration readTimeout;
    private final int retries;
    private final boolean skipAuth;
    private volatile String userAgent = "mcp-audit-proxy/" + ProductVersion.get();

    public UpstreamHttp(URI endpoint, Duration connectTimeout, SigV4Signer signer, ProfileCredentials credentials,
            Map<String, String> extraHeaders, Map<String, ObjectNode> metaByProfile, Duration readTimeout,
            int retries, boolean skipAuth) {
        this.endpoint = endpoint;
        try {
            this.url = endpoint.toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a URL: " + endpoint, e);
        }
        this.connectTimeout = connectTimeout;
        this.signer = signer;
        this.credentials = credentials;
        this.extraHeaders = Map.copyOf(extraHeaders);
        this.metaByProfile = Map.copyOf(metaByProfile);
        this.readTimeout = readTimeout;
        this.retries = retries;
        this.skipAuth = skipAuth;
    }

    /** Appends the agent's name and version to User-Agent (unless telemetry is disabled). */
    public void setClientInfo(String name, String version) {
        String product = name.toLowerCase(Locale.ROOT).replaceAll("[\\s/]+", "-");
        userAgent = "mcp-audit-proxy/" + ProductVersion.get() + " " + product + "/" + version;
    }

    /**
     * Sends one message and returns once upstream's answer has begun (status and headers).
     *
     * @param deadline {@link System#nanoTime()} by which headers must have arrived, retries included
     */
    public UpstreamResponse post(String profile, String sessionId, String protocolVersion, JsonNode message,
            long deadline) throws UpstreamException, InterruptedException {
        byte[] body = serialize(withMeta(profile, message));
        Map<String, String> headers = baseHeaders(sessionId, protocolVersion);
        headers.put("Accept", "application/json, text/event-stream");
        headers.put("Content-Type", "application/json");
        String method = message.path("method").asText("a response");
        boolean reSigned = false;
        for (int attempt = 0; ; attempt++) {
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            if (left.isNegative() || left.isZero()) {
                throw new UpstreamException(Kind.TIMEOUT, "the deadline for " + method + " passed before it could be sent");
            }
            UpstreamResponse response;
            try {
                response = exchange("POST", headers, body, profile, left);
            } catch (IOException e) {
                UpstreamException ue = UpstreamFailures.fromIo(e, method);
                if (ue.kind() == Kind.CONNECT_FAILED && attempt < retries) {
                    backoff(attempt, null, method, ue.getMessage());
                    continue;
                }
                throw ue;
            }
            int status = response.statusCode();
            if ((status == 401 || status == 403) && !reSigned) {
                discard(response);
                LOG.warn("upstream refused the signature for profile {} (HTTP {}); re-reading credentials and"
                        + " signing again", profile, status);
                credentials.invalidate(profile);
                reSigned = true;
                continue;
            }
            Optional<Duration> retryAfter = retryAfter(response);
            if ((status == 429 || (status == 503 && retryAfter.isPresent())) && attempt < retries) {
                discard(response);
                backoff(attempt, retryAfter.orElse(null), method, "HTTP " + status);
                continue;
            }
            return response;
        }
    }

    /** Opens the session's listening stream (GET), on which upstream may send requests and notifications. */
    public UpstreamResponse listen(String profile, String sessionId, String protocolVersion)
            throws UpstreamException, IOException {
        Map<String, String> headers = baseHeaders(sessionId, protocolVersion);
        headers.put("Accept", "text/event-stream");
        return exchange("GET", headers, null, profile, readTimeout);
    }

    /** DELETE of a session, waiting at most {@code timeout} to connect and for the answer; returns the status. */
    public int delete(String profile, String sessionId, String protocolVersion, Duration timeout)
            throws UpstreamException, IOException {
        UpstreamResponse r = exchange("DELETE", baseHeaders(sessionId, protocolVersion), null, profile, timeout,
                timeout.compareTo(connectTimeout) < 0 ? timeout : connectTimeout);
        discard(r);
        return r.statusCode();
    }

    /**
     * One HTTP exchange, up to the start of the answer.
     *
     * @param silence the longest upstream may stay silent, before and while answering
     */
    private UpstreamResponse exchange(String method, Map<String, String> headers, byte[] body, String profile,
            Duration silence) throws UpstreamException, IOException {
        return exchange(method, headers, body, profile, silence, connectTimeout);
    }

    private UpstreamResponse exchange(String method, Map<String, String> headers, byte[] body, String profile,
            Duration silence, Duration connectWithin) throws UpstreamException, IOException {
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        c.setRequestMethod(method);
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setConnectTimeout(clampMillis(connectWithin));
        c.setReadTimeout(clampMillis(silence));
        headers.forEach(c::setRequestProperty);
        c.setRequestProperty("User-Agent", userAgent);
        signatureHeaders(method, headers, body, profile).forEach(c::setRequestProperty);
        if (body != null) {
            // Buffered, not streaming mode: headers and body then leave in one write, where streaming
            // sends the headers first and the body waits on the peer's delayed ACK (about 1.5 ms a call).
            c.setDoOutput(true);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        return new UpstreamResponse(status, c::getHeaderField, in == null ? InputStream.nullInputStream() : in,
                c::disconnect);
    }

    private static int clampMillis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    private Map<String, String> signatureHeaders(String method, Map<String, String> headers, byte[] body, String profile)
            throws UpstreamException {
        AwsCredentials creds;
        try {
            creds = credentials.resolve(profile);
        } catch (SdkException e) {
            if (skipAuth) {
                return Map.of();
            }
            throw new UpstreamException(Kind.NO_CREDENTIALS, "no usable AWS credentials for profile '"
                    + profile + "': " + e.getMessage(), e);
        }
        return signer.sign(method, endpoint, headers, body, creds);
    }

    private Map<String, String> baseHeaders(String sessionId, String protocolVersion) {
        Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
        if (sessionId != null) {
            headers.put("Mcp-Session-Id", sessionId);
        }
        if (protocolVersion != null) {
            headers.put("MCP-Protocol-Version", protocolVersion);
        }
        return headers;
    }

    /** Requests with a params object get the profile's {@code _meta}; the agent's own keys win. */
    private JsonNode withMeta(String profile, JsonNode message) {
        ObjectNode inject = metaByProfile.get(profile);
        if (inject == null || inject.isEmpty() || !JsonRpc.isRequest(message) || !message.path("params").isObject()) {
            return message;
        }
        // Shallow copies: only the envelope and params change; arguments are shared, not duplicated.
        ObjectNode copy = JsonRpc.MAPPER.createObjectNode();
        copy.setAll((ObjectNode) message);
        ObjectNode params = JsonRpc.MAPPER.createObjectNode();
        params.setAll((ObjectNode) message.get("params"));
        copy.set("params", params);
        JsonNode existing = params.get("_meta");
        ObjectNode meta = inject.deepCopy();
        if (existing != null && existing.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = existing.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                meta.set(e.getKey(), e.getValue());
            }
        }
        params.set("_meta", meta);
        return copy;
    }

    private static byte[] serialize(JsonNode message) {
        try {
            return JsonRpc.MAPPER.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<Duration> retryAfter(UpstreamResponse response) {
        return response.header("retry-after").flatMap(v -> {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v.strip())));
            } catch (NumberFormatException e) {
                return Optional.of(Duration.ofSeconds(1)); // an HTTP date: come back soon, not never
            }
        });
    }

    private static void backoff(int attempt, Duration retryAfter, String method, String why) throws InterruptedException {
        Duration wait = retryAfter != null ? retryAfter : Duration.ofMillis(500L << Math.min(attempt, 7));
        if (wait.compareTo(MAX_BACKOFF) > 0) {
            wait = MAX_BACKOFF;
        }
        LOG.warn("{} for {}; retrying in {} ms (attempt {})", why, method, wait.toMillis(), attempt + 2);
        Thread.sleep(wait.toMillis());
    }

    private static void discard(UpstreamResponse response) {
        try (InputStream in = response.body()) {
            in.readAllBytes();
        } catch (IOException ignored) {
            // The body of a refused request holds nothing the proxy needs.
        }
    }
}
