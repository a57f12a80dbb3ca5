package dev.mcpaudit.schema;

/** What {@link EventAppender#append} returns once the event is durable. */
public record AppendedEvent(long seq, String eventId, String hash) {}
