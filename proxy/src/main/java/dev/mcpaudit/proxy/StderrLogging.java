package dev.mcpaudit.proxy;

import java.util.Locale;

/**
 * The proxy's logging (slf4j-simple, set through its system properties): every line to stderr,
 * since stdout belongs to JSON-RPC, at ERROR until {@code --log-level} says otherwise, and never
 * with a secret: the AWS SDK, whose DEBUG output includes canonical requests with session tokens,
 * stays at INFO even at DEBUG. slf4j-simple rather than logback because it starts in a few
 * milliseconds, where logback took a tenth of a second of the agent's wait for the first answer.
 */
final class StderrLogging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private StderrLogging() {}

    /** Must run before anything logs: slf4j-simple reads these once, when the first logger is made. */
    static void configure(String logLevel) {
        String level = level(logLevel);
        System.setProperty(PREFIX + "logFile", "System.err");
        System.setProperty(PREFIX + "defaultLogLevel", level);
        if (level.equals("debug")) {
            System.setProperty(PREFIX + "log.software.amazon.awssdk", "info");
        }
        System.setProperty(PREFIX + "showDateTime", "true");
        System.setProperty(PREFIX + "dateTimeFormat", "yyyy-MM-dd HH:mm:ss");
        System.setProperty(PREFIX + "showThreadName", "false");
        System.setProperty(PREFIX + "showShortLogName", "true");
    }

    /** The proxy's level names (those of MCP Proxy for AWS) in slf4j-simple's terms. */
    private static String level(String name) {
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "DEBUG" -> "debug";
            case "INFO" -> "info";
            case "WARNING", "WARN" -> "warn";
            default -> "error"; // ERROR, CRITICAL; anything else is refused by picocli anyway
        };
    }
}
