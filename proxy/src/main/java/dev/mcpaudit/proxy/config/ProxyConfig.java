package dev.mcpaudit.proxy.config;

import dev.mcpaudit.schema.redact.RedactionRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The proxy's settings after validation; everything downstream of start-up reads only this. */
public record ProxyConfig(
        Endpoint endpoint,
        String service,
        String signingRegion,
        ProfileSet profiles,
        Map<String, String> metadata,
        Map<String, String> headers,
        boolean readOnly,
        int retries,
        Duration requestTimeout,
        Duration connectTimeout,
        Duration readTimeout,
        Duration toolTimeout,
        boolean disableTelemetry,
        boolean skipAuth,
        Path auditDb,
        RedactionRules redactionRules,
        List<String> profileTools,
        boolean lazyConnect) {

    public ProxyConfig {
        metadata = Map.copyOf(metadata);
        headers = Map.copyOf(headers);
        profileTools = List.copyOf(profileTools);
    }
}
