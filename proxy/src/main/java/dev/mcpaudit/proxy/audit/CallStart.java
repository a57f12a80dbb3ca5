package dev.mcpaudit.proxy.audit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What is known about a call before it is sent: the JSON-RPC method and id, where it goes (profile,
 * account, region, service, upstream session) and what it asks (tool or target, arguments as
 * forwarded, i.e. without {@code aws_profile}). Fields that do not apply are null.
 *
 * @param callId the log's id for the call when a step fixed it before the call was recorded (the
 *     write approval does, so that {@code call.approval} and the call's other events share it); null
 *     to have the recorder make one
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
        JsonNode args,
        String callId) {

    public CallStart(String method, JsonNode jsonRpcId, String profile, Account account, String region, String service,
            String upstreamSessionId, String tool, String target, JsonNode args) {
        this(method, jsonRpcId, profile, account, region, service, upstreamSessionId, tool, target, args, null);
    }
}
