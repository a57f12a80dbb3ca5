package dev.mcpaudit.proxy.audit;

import dev.mcpaudit.proxy.upstream.ProfileCredentials;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * Which account each profile's calls run in. Asks {@code sts:GetCallerIdentity} with the profile's
 * own credentials (the SDK honours {@code AWS_ENDPOINT_URL_STS}), once per (profile, access key id),
 * so rotated credentials are asked about again. When STS fails the account comes from the profile's
 * config, else from the access key id; such answers are retried after a minute.
 */
public final class AccountResolver {
    private static final Logger LOG = LoggerFactory.getLogger(AccountResolver.class);
    private static final Duration RETRY_AFTER_FALLBACK = Duration.ofMinutes(1);

    private final ProfileCredentials credentials;
    private final Function<String, String> regionOf;
    private final ExecutorService background;
    private final Duration stsTimeout;
    private final Map<String, Lookup> lookups = new ConcurrentHashMap<>();

    private record Lookup(CompletableFuture<Account> account, Instant started) {
        boolean stale(Instant now) {
            return account.isDone() && !"sts".equals(account.join().source())
                    && now.isAfter(started.plus(RETRY_AFTER_FALLBACK));
        }
    }

    /**
     * @param regionOf the region to call STS in for a profile
     * @param stsTimeout how long one STS call (and a caller waiting for it) may take
     */
    public AccountResolver(ProfileCredentials credentials, Function<String, String> regionOf,
            ExecutorService background, Duration stsTimeout) {
        this.credentials = credentials;
        this.regionOf = regionOf;
        this.background = background;
        this.stsTimeout = stsTimeout;
    }

    /** Starts the lookups at start-up so that the first call does not wait for STS. */
    public void prefetch(Collection<String> profiles) {
        for (String profile : profiles) {
            background.execute(() -> {
                try {
                    lookup(profile, credentials.resolve(profile));
                } catch (RuntimeException e) {
                    LOG.debug("no credentials yet for profile {}: {}", profile, e.getMessage());
                }
            });
        }
    }

    /** The account of the profile's current credentials; waits at most the STS timeout. */
    public Account forProfile(String profile) {
        AwsCredentials creds;
        try {
            creds = credentials.resolve(profile);
        } catch (RuntimeException e) {
            return fromConfig(profile).orElse(Account.UNKNOWN);
        }
        CompletableFuture<Account> pending = lookup(profile, creds);
        try {
            return pending.get(stsTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return fallback(profile, creds.accessKeyId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback(profile, creds.accessKeyId());
        } catch (ExecutionException e) {
            return fallback(profile, creds.accessKeyId());
        }
    }

    private CompletableFuture<Account> lookup(String profile, AwsCredentials creds) {
        String key = profile + '\n' + creds.accessKeyId();
        Instant now = Instant.now();
        return lookups.compute(key, (k, existing) -> existing == null || existing.stale(now)
                ? new Lookup(CompletableFuture.supplyAsync(() -> askSts(profile, creds), background), now)
                : existing).account();
    }

    private Account askSts(String profile, AwsCredentials creds) {
        try (StsClient sts = StsClient.builder()
                .region(Region.of(regionOf.apply(profile)))
                .credentialsProvider(StaticCredentialsProvider.create(creds))
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(stsTimeout)
                        .socketTimeout(stsTimeout)
                        .build())
                .overrideConfiguration(o -> o.apiCallTimeout(stsTimeout).retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            GetCallerIdentityResponse identity = sts.getCallerIdentity();
            if (identity.account() == null || !identity.account().matches("\\d{12}")) {
                throw new IllegalStateException("STS answered without an account id");
            }
            return new Account(identity.account(), "sts", identity.arn());
        } catch (RuntimeException e) {
            Account fallback = fallback(profile, creds.accessKeyId());
            LOG.warn("STS GetCallerIdentity failed for profile {} ({}); recording account {} from {}", profile,
                    e.getClass().getSimpleName(), fallback.accountId(), fallback.source());
            return fallback;
        }
    }

    private Account fallback(String profile, String accessKeyId) {
        return fromConfig(profile)
                .or(() -> AccessKeyAccount.of(accessKeyId).map(a -> new Account(a, "access-key", null)))
                .orElse(Account.UNKNOWN);
    }

    private Optional<Account> fromConfig(String profile) {
        if (!credentials.credentialsFromProfileSettings(profile)) {
            return Optional.empty();
        }
        Optional<String> fromRole = credentials.property(profile, "role_arn").flatMap(AccountResolver::accountOfArn);
        Optional<String> fromSso = credentials.property(profile, "sso_account_id").filter(a -> a.matches("\\d{12}"));
        return fromRole.or(() -> fromSso).map(a -> new Account(a, "config", null));
    }

    /** {@code arn:aws:iam::123456789012:role/deploy} → 123456789012. */
    static Optional<String> accountOfArn(String arn) {
        String[] parts = arn.split(":", 6);
        return parts.length == 6 && parts[0].equals("arn") && parts[4].matches("\\d{12}")
                ? Optional.of(parts[4]) : Optional.empty();
    }
}
