package dev.mcpaudit.proxy.upstream;

import java.net.URI;
import java.util.LinkedHashMap;
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
 * sent, and every header the proxy sets is signed. Host is signed from the URI; the HTTP client sets
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
     * The signature headers (Authorization, X-Amz-Date, and X-Amz-Security-Token with session
     * credentials) for a request.
     *
     * @param headers every header that will be sent, besides Host and Content-Length
     * @param body the exact body bytes, or null for GET/DELETE
     */
    public Map<String, String> sign(String method, URI uri, Map<String, String> headers, byte[] body,
            AwsCredentials credentials) {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        headers.forEach(request::putHeader);
        byte[] payload = body == null ? new byte[0] : body;
        SignedRequest signed = signer.sign(r -> r
                .identity(credentials)
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArrayUnsafe(payload))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
            if (SIGNATURE_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                out.put(h.getKey(), h.getValue().get(0));
            }
        }
        return out;
    }
}
