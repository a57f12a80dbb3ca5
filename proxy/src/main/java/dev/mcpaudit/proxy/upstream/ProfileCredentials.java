package dev.mcpaudit.proxy.upstream;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileSupplier;

/**
 * Credentials and region per AWS profile, through the AWS SDK v2 profile machinery: static keys,
 * SSO, assume-role, credential_process, and (for the unnamed {@code default}) the environment.
 * Providers cache what they fetch (no STS/SSO call per request) and re-read the profile files when
 * they change, so {@code aws sso login} or a rewritten credentials file applies on the next call.
 */
public final class ProfileCredentials {
    /** The name used when no profile was configured: the SDK's default chain. */
    public static final String DEFAULT_CHAIN = "default";

    /** Replaced on {@link #invalidate} so that the files are read again at once, not when a reload timer says. */
    private volatile ProfileFileSupplier profileFiles = ProfileFileSupplier.defaultSupplier();
    private final Map<String, AwsCredentialsProvider> providers = new ConcurrentHashMap<>();
    private final Map<String, String> env;

    public ProfileCredentials(Map<String, String> env) {
        this.env = env;
    }

    /** Resolves (usually from the provider's cache) the credentials to sign with. */
    public AwsCredentials resolve(String profile) {
        return providers.computeIfAbsent(profile, this::newProvider).resolveCredentials();
    }

    /**
     * Drops the cached provider after upstream refused a signature (401/403), so the next
     * {@link #resolve} reads the profile files and re-fetches what it must.
     */
    public void invalidate(String profile) {
        profileFiles = ProfileFileSupplier.defaultSupplier();
        AwsCredentialsProvider old = providers.remove(profile);
        if (old instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // Closing only frees a background refresher; a failure leaves nothing to clean up.
            }
        }
    }

    /** The profile's region (its {@code region} setting, else AWS_DEFAULT_REGION), if any. */
    public Optional<String> region(String profile) {
        ProfileFile file = profileFiles.get();
        Optional<String> fromProfile = file.profile(profile).flatMap(p -> p.property("region"));
        if (fromProfile.isPresent()) {
            return fromProfile;
        }
        return Optional.ofNullable(env.get("AWS_DEFAULT_REGION")).filter(s -> !s.isBlank());
    }

    /** A setting of the profile in the config or credentials file, e.g. {@code role_arn}. */
    public Optional<String> property(String profile, String name) {
        return profileFiles.get().profile(profile).flatMap(p -> p.property(name));
    }

    /**
     * False when the profile's credentials come from elsewhere than its own settings: the unnamed
     * default with keys in the environment or system properties, which win over {@code [default]}.
     * Then the profile's {@code role_arn} or {@code sso_account_id} says nothing about the account.
     */
    public boolean credentialsFromProfileSettings(String profile) {
        return !profile.equals(DEFAULT_CHAIN)
                || (isBlank(env.get("AWS_ACCESS_KEY_ID")) && isBlank(System.getProperty("aws.accessKeyId")));
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /** True when the profile is defined in the config or credentials file. */
    public boolean exists(String profile) {
        return profileFiles.get().profile(profile).isPresent();
    }

    private AwsCredentialsProvider newProvider(String profile) {
        if (profile.equals(DEFAULT_CHAIN) && !exists(DEFAULT_CHAIN)) {
            return DefaultCredentialsProvider.builder().build();
        }
        if (profile.equals(DEFAULT_CHAIN)) {
            // Like the AWS CLI: environment keys win over the [default] profile.
            return DefaultCredentialsProvider.builder().profileFile(profileFiles).build();
        }
        return ProfileCredentialsProvider.builder().profileFile(profileFiles).profileName(profile).build();
    }
}
