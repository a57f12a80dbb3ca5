package dev.mcpaudit.schema.query;

/**
 * The calls of a report's scope that share profile, account, tool, AWS CLI command, outcome, hour and
 * session: {@code calls} of them, started from {@code firstCall} to {@code lastCall}. {@code command}
 * is the {@code cli_command} of an {@code aws___call_aws} call (leading blanks trimmed; a purge
 * marker's text when a purge replaced the arguments as a whole), null for other tools. {@code hour}
 * is the stored start time cut to the hour ({@code 2026-11-26T14}). {@code profileRefused}: denied calls
 * whose {@code profile} is a refused {@code aws_profile} value, not a profile ({@link RefusedProfiles}).
 */
public record CallGroup(String profile, boolean profileRefused, String accountId, String tool, String command, String outcome, String hour,
        String sessionId, long calls, String firstCall, String lastCall) {}
