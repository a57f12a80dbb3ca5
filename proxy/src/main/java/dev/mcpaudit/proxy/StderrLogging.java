package dev.mcpaudit.proxy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * Logback's configuration for the proxy, in code (found through META-INF/services): every line to
 * stderr, since stdout belongs to JSON-RPC, at ERROR until {@code --log-level} says otherwise, and
 * never with a secret: third-party loggers that print credentials stay at INFO even at DEBUG.
 * Code rather than logback.xml because parsing XML at start-up costs the agent a noticeable wait.
 */
public final class StderrLogging extends ContextAwareBase implements Configurator {
    /** The {@code --log-level} value, set by {@link ProxyMain#main} before anything logs. */
    public static final String LEVEL_PROPERTY = "mcp.audit.proxy.logLevel";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd HH:mm:ss} | %-5level | %logger{0} | %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        Level level = level(System.getProperty(LEVEL_PROPERTY, "ERROR"));
        root.setLevel(level);
        root.addAppender(stderr);
        // The AWS SDK's DEBUG output includes canonical requests with session tokens: never below INFO.
        if (level.isGreaterOrEqual(Level.INFO)) {
            return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
        }
        context.getLogger("software.amazon.awssdk").setLevel(Level.INFO);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** The proxy's level names (those of MCP Proxy for AWS) in logback's terms. */
    static Level level(String name) {
        return switch (name.toUpperCase(java.util.Locale.ROOT)) {
            case "DEBUG" -> Level.DEBUG;
            case "INFO" -> Level.INFO;
            case "WARNING", "WARN" -> Level.WARN;
            default -> Level.ERROR; // ERROR, CRITICAL; anything else is refused by picocli anyway
        };
    }
}
