package dev.mcpaudit.proxy.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.proxy.audit.CallStart;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.schema.writes.AwsOperation;

/**
 * What the user is asked before a write on a protected profile: one screen with the profile, account,
 * region, tool and the exact command or script as the log stores it (redacted), and a form whose only
 * field is an optional reason. Accepting the form approves the call; declining or cancelling refuses it.
 */
final class ApprovalPrompt {
    /** The one field of the form. */
    static final String REASON = "reason";

    private ApprovalPrompt() {}

    /**
     * @param call the call as the log describes it
     * @param shownArgs its arguments redacted as the log stores them
     */
    static String message(CallStart call, JsonNode shownArgs) {
        StringBuilder m = new StringBuilder();
        m.append("Approve this write on AWS profile '").append(call.profile()).append("'?\n\n");
        m.append("Profile: ").append(call.profile()).append('\n');
        m.append("Account: ").append(call.account() == null || call.account().accountId() == null ? "unknown"
                : call.account().accountId()).append('\n');
        m.append("Region:  ").append(call.region() == null ? "unknown" : call.region()).append('\n');
        m.append("Tool:    ").append(call.tool()).append('\n');
        if (AwsOperation.CALL_AWS.equals(call.tool()) && shownArgs != null && shownArgs.path("cli_command").isTextual()) {
            m.append("Command: ").append(shownArgs.get("cli_command").asText()).append('\n');
        } else if (shownArgs != null && shownArgs.isObject() && shownArgs.size() == 1
                && shownArgs.elements().next().isTextual()) {
            String name = shownArgs.fieldNames().next();
            m.append(capitalised(name)).append(":\n").append(shownArgs.get(name).asText()).append('\n');
        } else {
            m.append("Arguments: ").append(shownArgs == null ? "(none)" : shownArgs.toString()).append('\n');
        }
        // The classifier's reason is recorded (write_reason), not shown: "put-secret-value: a write" reads
        // to the redaction rules as a secret's name and value.
        m.append("\nWhy you are asked: it may change something, and writes on '").append(call.profile())
                .append("' need your approval (mcp-audit-proxy --confirm-writes).\n");
        m.append("Accept to run it once; decline to refuse it. A reason is optional; it goes to the audit log.");
        return m.toString();
    }

    /** The elicitation/create params: the message and a form with one optional string. */
    static ObjectNode request(String message) {
        ObjectNode params = JsonRpc.MAPPER.createObjectNode();
        params.put("message", message);
        ObjectNode schema = params.putObject("requestedSchema");
        schema.put("type", "object");
        ObjectNode reason = schema.putObject("properties").putObject(REASON);
        reason.put("type", "string");
        reason.put("title", "Reason (optional)");
        reason.put("description", "Why you approve or decline; recorded in the audit log.");
        return params;
    }

    private static String capitalised(String name) {
        return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
}
