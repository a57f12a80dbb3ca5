package dev.mcpaudit.cli.demo;

import dev.mcpaudit.fixtures.AwsProfileFiles;
import dev.mcpaudit.fixtures.FakeAwsMcpServer;
import dev.mcpaudit.fixtures.FixtureProfiles;
import dev.mcpaudit.fixtures.replay.FixtureMock;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * AWS as the demo's proxy sees it, all on 127.0.0.1: the recorded session served as the AWS MCP
 * Server (each profile's requests answered from that profile's calls), an STS that names each
 * profile's account, and throw-away {@code dev} and {@code prod} profiles whose fake keys only these
 * two know.
 */
final class LocalAws implements AutoCloseable {
    /** The SigV4 scope the seed session was recorded with. */
    static final String SERVICE = "aws-mcp";
    static final String REGION = "us-east-1";
    private static final String JETTY_LOG_LEVEL = "org.slf4j.simpleLogger.log.org.eclipse.jetty";

    private final AwsProfileFiles profiles;
    private final FakeAwsMcpServer sts;
    private final FixtureMock mcp;

    private LocalAws(AwsProfileFiles profiles, FakeAwsMcpServer sts, FixtureMock mcp) {
        this.profiles = profiles;
        this.sts = sts;
        this.mcp = mcp;
    }

    static LocalAws start(Path awsDir, SeedSession seed) {
        // Jetty warns about its thread settings on a small machine: noise in the middle of the demo.
        if (System.getProperty(JETTY_LOG_LEVEL) == null) {
            System.setProperty(JETTY_LOG_LEVEL, "error");
        }
        List<AwsProfileFiles.ProfileSpec> specs = List.of(FixtureProfiles.DEV, FixtureProfiles.PROD);
        AwsProfileFiles profiles = AwsProfileFiles.write(awsDir, specs);
        FakeAwsMcpServer sts = FakeAwsMcpServer.forProfiles(specs, SERVICE, REGION)
                .withAccount(FixtureProfiles.DEV.accessKeyId(), FixtureProfiles.DEV_ACCOUNT)
                .withAccount(FixtureProfiles.PROD.accessKeyId(), FixtureProfiles.PROD_ACCOUNT);
        try {
            FixtureMock mcp = FixtureMock.builder()
                    .fixture(seed.fixture())
                    .profileKey(FixtureProfiles.DEV.name(), FixtureProfiles.DEV.accessKeyId())
                    .profileKey(FixtureProfiles.PROD.name(), FixtureProfiles.PROD.accessKeyId())
                    .requireSigV4(true)
                    .start();
            return new LocalAws(profiles, sts, mcp);
        } catch (RuntimeException e) {
            sts.close();
            throw e;
        }
    }

    /** The MCP endpoint the proxy forwards to. */
    URI mcpEndpoint() {
        return mcp.url();
    }

    URI stsEndpoint() {
        return URI.create(sts.stsEnvironment().get("AWS_ENDPOINT_URL_STS"));
    }

    AwsProfileFiles profiles() {
        return profiles;
    }

    FixtureMock mock() {
        return mcp;
    }

    /** Points a child process at these profiles and this STS, and at nothing else of the user's AWS set-up. */
    void applyTo(Map<String, String> environment) {
        profiles.applyTo(environment);
        environment.remove("AWS_ENDPOINT_URL"); // would send the proxy's STS call elsewhere
        environment.putAll(sts.stsEnvironment());
    }

    @Override
    public void close() {
        try {
            mcp.close();
        } finally {
            sts.close();
        }
    }
}
