package dev.mcpaudit.cli.replay;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds {@code mcp-audit-proxy.jar}: {@code --proxy-jar}, else {@code $MCP_AUDIT_PROXY_JAR}, else
 * beside the running audit-cli jar, else where this repository's build puts it
 * ({@code proxy/target/}, next to {@code audit-cli/target/}). A path the user named must exist;
 * only the guessed places are tried in turn.
 */
public final class ProxyJarLocator {
    static final String ENV = "MCP_AUDIT_PROXY_JAR";
    static final String JAR_NAME = "mcp-audit-proxy.jar";

    private ProxyJarLocator() {}

    /**
     * @param flag        {@code --proxy-jar}, or null
     * @param runningFrom the audit-cli jar (or classes directory) this code runs from, or null if unknown
     * @throws ReplayEnvironmentException naming every place looked at
     */
    public static Path locate(Path flag, Map<String, String> env, Path runningFrom) {
        if (flag != null) {
            return existing(flag, "--proxy-jar");
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return existing(Path.of(fromEnv.strip()), "$" + ENV);
        }
        List<Path> tried = new ArrayList<>();
        if (runningFrom != null) {
            Path dir = runningFrom.toAbsolutePath().getParent();
            tried.add(dir.resolve(JAR_NAME));
            if (dir.getParent() != null) {
                tried.add(dir.getParent().resolve("..").resolve("proxy").resolve("target").resolve(JAR_NAME).normalize());
            }
        }
        for (Path candidate : tried) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new ReplayEnvironmentException("the proxy jar (" + JAR_NAME + ") was not found; looked at --proxy-jar (not given), $"
                + ENV + " (not set)" + (tried.isEmpty() ? "" : ", " + String.join(", ", tried.stream().map(Path::toString).toList()))
                + ". Build it (./mvnw -B package -DskipTests) or pass --proxy-jar PATH.");
    }

    /** The jar or classes directory audit-cli runs from, or null when the JVM does not say. */
    public static Path runningFrom() {
        try {
            var source = ProxyJarLocator.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    private static Path existing(Path jar, String from) {
        if (!Files.isRegularFile(jar)) {
            throw new ReplayEnvironmentException("the proxy jar " + jar + " (from " + from + ") does not exist or is not a file;"
                    + " build it (./mvnw -B package -DskipTests) or point " + from + " at mcp-audit-proxy.jar.");
        }
        return jar;
    }
}
