package dev.mcpaudit.proxy.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpaudit.fixtures.AwsProfileFiles;
import dev.mcpaudit.fixtures.AwsProfileFiles.ProfileSpec;
import dev.mcpaudit.fixtures.FakeAwsMcpServer;
import dev.mcpaudit.proxy.upstream.ProfileCredentials;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AccountResolver} in this JVM against a real {@link FakeAwsMcpServer} playing STS and real
 * temporary profile files. The AWS SDK (2.57) is pointed at both with system properties:
 * {@code aws.configFile} / {@code aws.sharedCredentialsFile} for the files and
 * {@code aws.endpointUrlSts} (the system-property twin of {@code AWS_ENDPOINT_URL_STS}, read by
 * {@code AwsClientEndpointProvider} before the environment variable) for STS.
 */
class AccountResolverTest {
    /** Read by the SDK; all saved before and restored after each test. */
    private static final List<String> SDK_PROPERTIES = List.of(
            "aws.configFile", "aws.sharedCredentialsFile", "aws.endpointUrlSts",
            "aws.accessKeyId", "aws.secretAccessKey", "aws.sessionToken");
    /**
     * Generous on purpose: the first STS lookup in a cold JVM (SDK class loading, WireMock) took
     * several seconds on a loaded machine, and hitting the timeout would turn an "sts" answer into a
     * fallback. No test waits for it (the fake answers at once, also with 503); the one test about
     * the timeout uses 1 s.
     */
    private static final Duration STS_TIMEOUT = Duration.ofSeconds(30);

    private static final String DEV_KEY = "AKIAQ2DEVKEYAAAAAAAB";
    private static final String PROD_KEY = "AKIAQ2PRODKEYAAAAAAC";
    private static final String DECODABLE_KEY = "ASIAQNZGKIQY56JQ7WML"; // → 029608264753
    private static final String LEGACY_KEY = "AKIAIOSFODNN7EXAMPLE";

    @TempDir
    Path dir;

    private final Map<String, String> savedProperties = new HashMap<>();
    private FakeAwsMcpServer sts;
    private ExecutorService background;
    private AwsProfileFiles files;
    private ProfileCredentials credentials;
    private AccountResolver resolver;

    @BeforeEach
    void saveSystemPropertiesAndStartSts() {
        for (String key : SDK_PROPERTIES) {
            savedProperties.put(key, System.getProperty(key));
        }
        sts = new FakeAwsMcpServer(Map.of(), "aws-mcp", "us-east-1");
        background = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "account-resolver-test");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterEach
    void restoreSystemPropertiesAndStop() throws InterruptedException {
        background.shutdownNow();
        background.awaitTermination(5, TimeUnit.SECONDS);
        sts.close();
        savedProperties.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }

    /** Writes the files, points the SDK at them and at the fake STS, and builds the resolver. */
    private void start(Duration stsTimeout, ProfileSpec... profiles) {
        files = AwsProfileFiles.write(dir.resolve("aws"), List.of(profiles));
        files.systemProperties().forEach(System::setProperty);
        pointStsAt(sts.stsEnvironment().get("AWS_ENDPOINT_URL_STS"));
        credentials = new ProfileCredentials(Map.of("AWS_DEFAULT_REGION", "us-east-1"));
        resolver = new AccountResolver(credentials, p -> credentials.region(p).orElseThrow(), background, stsTimeout);
    }

    private void start(ProfileSpec... profiles) {
        start(STS_TIMEOUT, profiles);
    }

    private static void pointStsAt(String url) {
        System.setProperty("aws.endpointUrlSts", url);
    }

    /** Adds settings to a profile's section of the config file (the fixture writes only region/output). */
    private void addToConfig(String profile, String... lines) throws IOException {
        String header = profile.equals("default") ? "[default]\n" : "[profile " + profile + "]\n";
        String config = Files.readString(files.config(), StandardCharsets.UTF_8);
        assertThat(config).contains(header);
        Files.writeString(files.config(), config.replace(header, header + String.join("\n", lines) + "\n"),
                StandardCharsets.UTF_8);
    }

    /** Adds a whole section to the config file. */
    private void appendToConfig(String... lines) throws IOException {
        Files.writeString(files.config(), Files.readString(files.config(), StandardCharsets.UTF_8)
                + String.join("\n", lines) + "\n\n", StandardCharsets.UTF_8);
    }

    private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within %s", timeout).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    // ------------------------------------------------------------------ STS answers

    @Test
    void accountAndPrincipalComeFromSts() {
        sts.withAccount(DEV_KEY, "111111111111").withAccount(PROD_KEY, "222222222222");
        start(new ProfileSpec("dev", DEV_KEY, "secret-dev", null, "us-east-1"),
                new ProfileSpec("prod", PROD_KEY, "secret-prod", "token-prod", null)); // region from AWS_DEFAULT_REGION

        assertThat(resolver.forProfile("dev"))
                .isEqualTo(new Account("111111111111", "sts", "arn:aws:iam::111111111111:user/agent-" + DEV_KEY));
        assertThat(resolver.forProfile("prod"))
                .isEqualTo(new Account("222222222222", "sts", "arn:aws:iam::222222222222:user/agent-" + PROD_KEY));
        assertThat(sts.stsCalls()).containsExactly(DEV_KEY, PROD_KEY);
    }

    @Test
    void oneStsRequestPerProfileAndKeyHoweverOftenAsked() throws Exception {
        sts.withAccount(DEV_KEY, "111111111111");
        start(ProfileSpec.of("dev", DEV_KEY, "secret-dev"));

        Account first = resolver.forProfile("dev");
        for (int i = 0; i < 10; i++) {
            assertThat(resolver.forProfile("dev")).isEqualTo(first);
        }
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Account>> concurrent = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                concurrent.add(callers.submit(() -> resolver.forProfile("dev")));
            }
            for (Future<Account> f : concurrent) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(first);
            }
        } finally {
            callers.shutdownNow();
        }

        assertThat(first.source()).isEqualTo("sts");
        assertThat(sts.stsCalls()).containsExactly(DEV_KEY);
    }

    @Test
    void rotatedCredentialsAreAskedAboutAgain() {
        String rotatedKey = "AKIAQ2ROTATEDKEYAAAD";
        sts.withAccount(DEV_KEY, "111111111111").withAccount(rotatedKey, "333333333333");
        start(ProfileSpec.of("dev", DEV_KEY, "secret-dev"));
        assertThat(resolver.forProfile("dev").accountId()).isEqualTo("111111111111");

        files.rewriteCredentials("dev", rotatedKey, "secret-rotated", null);
        credentials.invalidate("dev");

        assertThat(resolver.forProfile("dev"))
                .isEqualTo(new Account("333333333333", "sts", "arn:aws:iam::333333333333:user/agent-" + rotatedKey));
        assertThat(resolver.forProfile("dev").accountId()).isEqualTo("333333333333");
        assertThat(sts.stsCalls()).containsExactly(DEV_KEY, rotatedKey);
    }

    // ------------------------------------------------------------------ STS down: fallbacks

    @Test
    void stsDownRoleArnInConfigGivesConfigAccount() throws IOException {
        // A profile with a role_arn is an assume-role profile: the SDK asks STS AssumeRole (at the
        // same overridden endpoint), which fails while STS is down, so there are no credentials
        // at all and the account comes from the role ARN.
        start(new ProfileSpec("base", DEV_KEY, "secret-dev", null, "us-east-1"));
        appendToConfig("[profile deploy]",
                "role_arn = arn:aws:iam::444455556666:role/deploy",
                "source_profile = base",
                "region = us-east-1");
        sts.setStsAvailable(false);

        assertThat(resolver.forProfile("deploy")).isEqualTo(new Account("444455556666", "config", null));
        // The SDK's own AssumeRole client went to the fake too (signed with base's keys, retried).
        assertThat(sts.stsCalls()).isNotEmpty().containsOnly(DEV_KEY);
    }

    @Test
    void ssoAccountIdInConfigGivesConfigAccount() throws IOException {
        // Static keys plus sso_account_id alone: any sso_* key makes the SDK pick its SSO provider
        // (before static keys), which fails for want of sso_start_url/sso_region/sso_role_name. So
        // such a profile never has credentials; the account still comes from sso_account_id.
        start(new ProfileSpec("ssoish", DECODABLE_KEY, "secret", "token", "us-east-1"));
        addToConfig("ssoish", "sso_account_id = 777788889999");
        sts.withAccount(DECODABLE_KEY, "111111111111");
        sts.setStsAvailable(false);
        assertThatThrownBy(() -> credentials.resolve("ssoish"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sso_role_name");

        assertThat(resolver.forProfile("ssoish")).isEqualTo(new Account("777788889999", "config", null));
        assertThat(sts.stsCalls()).isEmpty();

        sts.setStsAvailable(true); // the same with STS up: the SDK never gets as far as STS
        assertThat(resolver.forProfile("ssoish")).isEqualTo(new Account("777788889999", "config", null));
        assertThat(sts.stsCalls()).isEmpty();
    }

    @Test
    void stsDownDefaultProfileWithEnvironmentKeysUsesTheKeysNotTheRoleInConfig() throws IOException {
        // [default] is resolved through the default chain, where environment (here: system
        // property) keys win over the profile; those are the credentials the calls are signed
        // with, so the [default] role_arn says nothing about their account. With STS down the
        // account should come from the key id actually used, not from the unused role_arn.
        start(new ProfileSpec("default", LEGACY_KEY, "secret-default", null, "us-east-1"));
        addToConfig("default", "role_arn = arn:aws:iam::444455556666:role/deploy", "credential_source = Environment");
        System.setProperty("aws.accessKeyId", DECODABLE_KEY);
        System.setProperty("aws.secretAccessKey", "secret-env");
        System.setProperty("aws.sessionToken", "token-env");
        sts.setStsAvailable(false);

        assertThat(credentials.resolve("default").accessKeyId()).isEqualTo(DECODABLE_KEY);
        assertThat(resolver.forProfile("default")).isEqualTo(new Account("029608264753", "access-key", null));
        assertThat(sts.stsCalls()).containsExactly(DECODABLE_KEY);
    }

    @Test
    void stsDownWithoutConfigDecodesTheAccessKeyId() {
        sts.withAccount(DECODABLE_KEY, "111111111111");
        start(new ProfileSpec("temp", DECODABLE_KEY, "secret-temp", "token-temp", "us-east-1"));
        sts.setStsAvailable(false);

        assertThat(resolver.forProfile("temp")).isEqualTo(new Account("029608264753", "access-key", null));
        assertThat(resolver.forProfile("temp")).isEqualTo(new Account("029608264753", "access-key", null));
        assertThat(sts.stsCalls()).containsExactly(DECODABLE_KEY); // asked once; the fallback is cached for a while
    }

    @Test
    void stsDownWithLegacyKeyIsUnknown() {
        sts.withAccount(LEGACY_KEY, "111111111111");
        start(ProfileSpec.of("legacy", LEGACY_KEY, "secret-legacy"));
        sts.setStsAvailable(false);

        assertThat(resolver.forProfile("legacy")).isEqualTo(Account.UNKNOWN);
        assertThat(sts.stsCalls()).containsExactly(LEGACY_KEY);
    }

    @Test
    void stsNotAnsweringFallsBackAfterTheTimeout() throws IOException {
        start(Duration.ofSeconds(1), new ProfileSpec("temp", DECODABLE_KEY, "secret-temp", "token-temp", "us-east-1"));
        // Accepts connections (backlog) but never reads or answers.
        try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            pointStsAt("http://127.0.0.1:" + blackHole.getLocalPort());
            credentials.resolve("temp"); // read the files outside the measured time

            long t0 = System.nanoTime();
            Account account = resolver.forProfile("temp");
            Duration took = Duration.ofNanos(System.nanoTime() - t0);

            assertThat(account).isEqualTo(new Account("029608264753", "access-key", null));
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(Duration.ofSeconds(4));
        }
    }

    // ------------------------------------------------------------------ no credentials

    @Test
    void profileWithoutCredentialsIsUnknownWithoutThrowing() throws Exception {
        sts.withAccount(DEV_KEY, "111111111111");
        start(ProfileSpec.of("dev", DEV_KEY, "secret-dev"));
        appendToConfig("[profile empty]", "region = us-east-1");

        resolver.prefetch(List.of("ghost", "empty")); // must not throw either
        assertThat(resolver.forProfile("ghost")).isEqualTo(Account.UNKNOWN);
        assertThat(resolver.forProfile("empty")).isEqualTo(Account.UNKNOWN);
        Thread.sleep(200);
        assertThat(sts.stsCalls()).isEmpty();
    }

    // ------------------------------------------------------------------ prefetch

    @Test
    void prefetchAtStartUpMeansTheFirstCallDoesNotWaitForSts() throws Exception {
        sts.withAccount(DEV_KEY, "111111111111").withAccount(PROD_KEY, "222222222222");
        start(ProfileSpec.of("dev", DEV_KEY, "secret-dev"), ProfileSpec.of("prod", PROD_KEY, "secret-prod"));

        resolver.prefetch(List.of("dev", "prod"));
        await(() -> sts.stsCalls().size() == 2, Duration.ofSeconds(10));
        Thread.sleep(200); // let the answers be parsed

        long t0 = System.nanoTime();
        Account dev = resolver.forProfile("dev");
        Account prod = resolver.forProfile("prod");
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(dev.accountId()).isEqualTo("111111111111");
        assertThat(dev.source()).isEqualTo("sts");
        assertThat(prod.accountId()).isEqualTo("222222222222");
        assertThat(took).isLessThan(Duration.ofMillis(200));
        assertThat(sts.stsCalls()).containsExactlyInAnyOrder(DEV_KEY, PROD_KEY);
    }
}
