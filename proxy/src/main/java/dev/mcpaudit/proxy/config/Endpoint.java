package dev.mcpaudit.proxy.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The upstream MCP endpoint: validated (https, or http on loopback only) and, where the host name
 * allows, the SigV4 service and region it implies. Validation always runs, whatever else was given.
 */
public record Endpoint(URI uri, String inferredService, Optional<String> inferredRegion) {

    public static Endpoint parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException("Invalid endpoint URL '" + url + "': " + e.getReason()
                    + ". Pass a full URL such as https://aws-mcp.us-east-1.api.aws/mcp.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.isEmpty()) {
            throw new ConfigException("Invalid endpoint URL '" + url
                    + "': missing URL scheme. Use https:// prefix for secure connections.");
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (scheme.equals("http")) {
            if (!isLoopback(host)) {
                throw new ConfigException("Invalid endpoint URL '" + url + "': HTTP is not allowed for remote endpoint '"
                        + host + "'. AWS credentials must be transmitted over HTTPS to prevent interception."
                        + " Use https:// instead.");
            }
        } else if (!scheme.equals("https")) {
            throw new ConfigException("Invalid endpoint URL '" + url + "': unsupported scheme '" + scheme
                    + "'. Only HTTPS is supported for secure credential transmission.");
        }
        List<String> labels = List.of(host.split("\\."));
        int n = labels.size();
        if (n >= 4 && labels.get(n - 4).equals("bedrock-agentcore")
                && labels.get(n - 2).equals("amazonaws") && labels.get(n - 1).equals("com")) {
            return new Endpoint(uri, "bedrock-agentcore", Optional.of(labels.get(n - 3)));
        }
        if (n == 4 && labels.get(2).equals("api") && labels.get(3).equals("aws")) {
            return new Endpoint(uri, labels.get(0), Optional.of(labels.get(1)));
        }
        return new Endpoint(uri, host.isEmpty() ? "" : labels.get(0), Optional.empty());
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.equals("[::1]") || host.equals("::1") || host.startsWith("127.");
    }

    /** The signing service: {@code --service}, else the one the host name implies. */
    public String service(String explicit) {
        if (explicit != null && !explicit.isBlank()) {
            return explicit;
        }
        if (inferredService.isEmpty()) {
            throw new ConfigException("Could not determine the AWS service name from endpoint '" + uri
                    + "'. Pass it with --service (and the region with --region).");
        }
        return inferredService;
    }
}
