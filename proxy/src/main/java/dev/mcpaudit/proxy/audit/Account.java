package dev.mcpaudit.proxy.audit;

/**
 * The AWS account a profile's calls run in, and how we know: {@code sts} (GetCallerIdentity),
 * {@code config} (role_arn or sso_account_id), {@code access-key} (decoded from the key id), or
 * {@code unknown}. {@code principalArn} is known only from STS.
 */
public record Account(String accountId, String source, String principalArn) {
    public static final Account UNKNOWN = new Account(null, "unknown", null);
}
