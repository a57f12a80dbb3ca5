package dev.mcpaudit.schema;

/** The newest event's position in the chain. */
public record ChainHead(long seq, String hash) {}
