package dev.mcpaudit.cli.replay;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Starts {@code mcp-audit-proxy} the way an agent does (README, "Wiring the proxy into your
 * agent"), so the replay goes through the proxy's own upstream client and SigV4 signer: the
 * endpoint, the profiles the replay signs with, the same audit log (the replay is recorded as a
 * session of its own, results included, ready for {@code diff}).
 */
public final class ProxyLauncher {
    /** Environment that would override the flags given here: the proxy's own profile list wins over --profile. */
    static final List<String> OVERRIDING_ENV = List.of("AWS_MCP_PROXY_PROFILES");

    /**
     * @param profiles the allowlist, default first; empty leaves the proxy's default ($AWS_PROFILE, else default)
     * @param region   --region for the proxy, or null to let it infer one from the endpoint
     * @param service  --service for the proxy, or null to let it infer one from the endpoint
     */
    public record Settings(Path jar, URI endpoint, List<String> profiles, Path auditDb, String region, String service) {
        public Settings {
            profiles = List.copyOf(profiles);
        }
    }

    private ProxyLauncher() {}

    public static List<String> command(Path javaBinary, Settings s) {
        List<String> cmd = new ArrayList<>(List.of(javaBinary.toString(), "-XX:+UseSerialGC", "-jar", s.jar().toString(),
                s.endpoint().toString()));
        if (!s.profiles().isEmpty()) {
            cmd.add("--profile");
            cmd.addAll(s.profiles());
        }
        if (s.region() != null) {
            cmd.addAll(List.of("--region", s.region()));
        }
        if (s.service() != null) {
            cmd.addAll(List.of("--service", s.service()));
        }
        cmd.addAll(List.of("--audit-db", s.auditDb().toString(), "--record-results"));
        return cmd;
    }

    /** The proxy as a child process; its stdin, stdout and stderr are pipes for {@link ProxyDriver}. */
    static Process start(Settings settings) {
        return start(settings, env -> { });
    }

    /** As {@link #start(Settings)}, with the inherited environment changed by {@code adjustEnvironment} first. */
    public static Process start(Settings settings, Consumer<Map<String, String>> adjustEnvironment) {
        ProcessBuilder pb = new ProcessBuilder(command(javaBinary(), settings));
        Map<String, String> env = pb.environment();
        OVERRIDING_ENV.forEach(env::remove);
        adjustEnvironment.accept(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new ReplayEnvironmentException("could not start the proxy (" + String.join(" ", pb.command()) + "): "
                    + e.getMessage(), e);
        }
    }

    public static Path javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }
}
