package dev.mcpaudit.proxy.upstream;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Signs upstream HTTP requests with SigV4 (AWS SDK v2 signer): the body is hashed, the session token
 * sent, and every header the proxy sets is signed. Host is signed from the URI; java.net.http sets
 * the same value on the wire itself.
 */
public final class SigV4Signer {
    /** Headers the signer adds; copied from its result onto the outgoing request. */
    private static final Set<String> SIGNATURE_HEADERS = Set.of("authorization", "x-amz-date", "x-amz-security-token",
            "x-amz-content-sha256");

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final String service;
    private final String region;

    public SigV4Signer(String service, String region) {
        this.service = service;
        this.region = region;
    }

    /**
     * Adds the signature headers to {@code builder}.
     *
     * @param headers every header that will be sent, besides Host and Content-Length
     * @param body the exact body bytes' text, or null for GET/DELETE
     */
    public void sign(HttpRequest.Builder builder, String method, URI uri, Map<String, String> headers, String body,
            AwsCredentials credentials) {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        headers.forEach(request::putHeader);
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        SignedRequest signed = signer.sign(r -> r
                .identity(credentials)
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArrayUnsafe(payload))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
            if (SIGNATURE_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                builder.setHeader(h.getKey(), h.getValue().get(0));
            }
        }
    }
}
