package dev.mcpaudit.proxy.testing;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.HashMap;
import java.util.Map;

/** Calls an agent makes through the official MCP Java SDK client, for the end-to-end tests. */
public final class SdkCalls {
    private SdkCalls() {}

    /** {@code aws___call_aws} with {@code cli}, on {@code profile} (null: no aws_profile, the default). */
    public static McpSchema.CallToolResult callAws(McpSyncClient client, String cli, String profile) {
        Map<String, Object> arguments = new HashMap<>();
        arguments.put("cli_command", cli);
        if (profile != null) {
            arguments.put("aws_profile", profile);
        }
        return client.callTool(McpSchema.CallToolRequest.builder().name("aws___call_aws").arguments(arguments).build());
    }
}
