package dev.mcpaudit.proxy.config;

/** A start-up setting is wrong; the message says which and what to pass instead. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
