package dev.mcpaudit.schema.query;

/**
 * One proxy session: its span (first and last event), the agent ({@code client}: clientInfo name and
 * version), host and OS user, the profiles its calls used (comma-separated), and its calls by outcome:
 * {@code errors} are tool_error, error and timeout. {@code refusedProfiles}: the refused {@code aws_profile}
 * values its denied calls asked for ({@link RefusedProfiles}), a JSON array of strings (null when none),
 * never among {@code profilesUsed}. {@code cleanEnd}: a session.ended event was recorded, whose
 * {@code ended_by} is {@code endedBy}. Fields the log does not hold are null.
 */
public record SessionSummary(String sessionId, String startedAt, String endedAt, String client, String host,
        String osUser, String profilesUsed, String refusedProfiles, long calls, long errors, long denied,
        long incomplete, boolean cleanEnd, String endedBy) {}
