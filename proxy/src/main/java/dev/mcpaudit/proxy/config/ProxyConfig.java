package dev.mcpaudit.proxy.config;

import dev.mcpaudit.proxy.audit.AuditRecorder;
import dev.mcpaudit.schema.redact.RedactionRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The proxy's settings after validation; everything downstream of start-up reads only this.
 * {@code recordResultsMaxBytes} is negative when result bodies are not recorded.
 */
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
        AuditRecorder.FailurePolicy auditFailure,
        int recordResultsMaxBytes,
        RedactionRules redactionRules,
        List<String> profileTools,
        boolean lazyConnect,
        ApprovalSettings approval) {

    public ProxyConfig {
        metadata = Map.copyOf(metadata);
        headers = Map.copyOf(headers);
        profileTools = List.copyOf(profileTools);
    }
}
