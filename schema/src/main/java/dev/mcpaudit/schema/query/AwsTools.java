package dev.mcpaudit.schema.query;

/** The AWS MCP Server's tools whose arguments the read models look into. */
public final class AwsTools {
    /** Runs one AWS CLI command, its {@code cli_command} argument. */
    public static final String CALL_AWS = "aws___call_aws";
    /** Runs a script, which can do anything. */
    public static final String RUN_SCRIPT = "aws___run_script";

    private AwsTools() {}
}
