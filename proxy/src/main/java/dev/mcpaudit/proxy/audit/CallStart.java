package dev.mcpaudit.proxy.audit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What is known about a call before it is sent: the JSON-RPC method and id, where it goes (profile,
 * account, region, service, upstream session) and what it asks (tool or target, arguments as
 * forwarded, i.e. without {@code aws_profile}). Fields that do not apply are null.
 */
public record CallStart(
        String method,
        JsonNode jsonRpcId,
        String profile,
        Account account,
        String region,
        String service,
        String upstreamSessionId,
        String tool,
        String target,
        JsonNode args) {}
