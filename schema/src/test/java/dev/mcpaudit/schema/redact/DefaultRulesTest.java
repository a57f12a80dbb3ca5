package dev.mcpaudit.schema.redact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One table of cases for the shipped rule set: for every default rule, inputs it must hide and
 * look-alike inputs it must leave byte for byte as they were. Adding a rule to
 * {@code default-rules.json} without adding both kinds of case here fails the build.
 */
class DefaultRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Redactor REDACTOR = new Redactor(RedactionRules.defaults(), FingerprintKey.ephemeral());

    // ---- Fake secrets with the shapes of real ones (AWS documentation examples where AWS has them). ----
    static final String ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    static final String TEMP_ACCESS_KEY_ID = "ASIAIOSFODNN7EXAMPLE";
    static final String SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final String SESSION_TOKEN = "IQoJb3JpZ2luX2Vj" + base64Chars(200);
    /** The session token of the AWS STS documentation: no STS prefix, so only a name next to it gives it away. */
    static final String DOC_SESSION_TOKEN = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMi"
            + "cRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5"
            + "VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9"
            + "KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
    static final String PEM_BODY = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw";
    static final String PEM = "-----BEGIN RSA PRIVATE KEY-----\n"
            + PEM_BODY + "\n"
            + "7ivYG5fEXAMPLEFAKEKEYMATERIALnotarealkeyABCDEFGHIJKLMNOPQRSTUVWXYZ01\n"
            + "-----END RSA PRIVATE KEY-----";
    static final String JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
            + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
            + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    static final String GITHUB_TOKEN = "ghp_" + "R2d2C3p0FakeTokenForTests0123456789a";
    static final String SLACK_TOKEN = "xoxb-2048613570-4096135702-aBcDeFgHiJkLmNoPqRsTuVwX";
    static final String STRIPE_KEY = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc";
    static final String GOOGLE_API_KEY = "AIza" + "SyA-fake_0123456789abcdefghijklmnop";
    /** A pagination token as the AWS CLI prints it: base64 JSON, so it starts with eyJ like a JWT. */
    static final String NEXT_TOKEN = "eyJOZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==";
    static final String SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf";
    static final String SHA1 = "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12";
    static final String SHA256 = "9f86d081884c7d659a2feaa0c55ad015a2bf4f1b2b0b822cd15d6c15b0f00a08";
    static final String UUID = "0c9f4e2a-5d6b-4a1e-9c3f-2b7d8e1f0a6c";

    /** How a case reaches the redactor. */
    enum Via {
        /** {@code redactText(input)}, and the same string nested in a tool result's {@code content[0].text}. */
        TEXT,
        /** {@code redact(json)}: the input is a JSON document. */
        JSON,
        /** {@code redactArguments("aws___call_aws", {"cli_command": input})}. */
        COMMAND
    }

    enum Expect { REDACTED, KEPT }

    /**
     * One row: the rule under test, what must happen, and the input. For REDACTED rows {@code secret}
     * is a substring that must be gone and {@code markerRule} the rule the marker names: usually the
     * rule itself, but the assignment rule's markers name the key rule that matched the name.
     */
    record Case(String rule, Expect expect, Via via, String input, String secret, String markerRule) {
        static Case hidden(String rule, Via via, String input, String secret) {
            return new Case(rule, Expect.REDACTED, via, input, secret, rule);
        }

        static Case kept(String rule, Via via, String input) {
            return new Case(rule, Expect.KEPT, via, input, null, null);
        }

        Case namedBy(String keyRule) {
            return new Case(rule, expect, via, input, secret, keyRule);
        }

        @Override
        public String toString() {
            String shown = input.replace("\n", "\\n").replace("\t", "\\t");
            return rule + " " + (expect == Expect.REDACTED ? "hides" : "keeps") + " (" + via + ") "
                    + (shown.length() > 110 ? shown.substring(0, 107) + "..." : shown);
        }
    }

    static final List<Case> CASES = List.of(
            // ---------------- password-field (key) ----------------
            Case.hidden("password-field", Via.JSON, "{\"password\": \"hunter2\"}", "hunter2"),
            Case.hidden("password-field", Via.JSON,
                    "{\"DBInstanceIdentifier\": \"orders\", \"MasterUsername\": \"admin\", \"MasterUserPassword\": \"Sup3rS3cret\"}",
                    "Sup3rS3cret"),
            Case.hidden("password-field", Via.JSON,
                    "{\"Environment\": {\"Variables\": {\"DB_PASSWORD\": \"hunter2\", \"LOG_LEVEL\": \"info\"}}}", "hunter2"),
            Case.hidden("password-field", Via.JSON, // redshift get-cluster-credentials
                    "{\"DbUser\": \"IAM:admin\", \"DbPassword\": \"AR7PqdN0pFZrLx1cKmT9EXAMPLE\", \"Expiration\": \"2024-05-01T10:15:00Z\"}",
                    "AR7PqdN0pFZrLx1cKmT9EXAMPLE"),
            Case.hidden("password-field", Via.JSON, "{\"passphrase\": \"correct horse battery staple\"}", "correct horse"),
            Case.hidden("password-field", Via.JSON, "{\"user\": \"app\", \"pwd\": \"hunter2\"}", "hunter2"),
            Case.kept("password-field", Via.JSON, // iam list-users
                    "{\"Users\": [{\"UserName\": \"deploy\", \"UserId\": \"AIDAJQABLZS4A3QDU576Q\", "
                            + "\"Arn\": \"arn:aws:iam::123456789012:user/deploy\", \"CreateDate\": \"2024-01-01T00:00:00+00:00\", "
                            + "\"PasswordLastUsed\": \"2024-05-01T10:00:00+00:00\"}]}"),
            Case.kept("password-field", Via.JSON, // iam get-login-profile
                    "{\"LoginProfile\": {\"UserName\": \"bob\", \"CreateDate\": \"2024-01-01T00:00:00Z\", \"PasswordResetRequired\": false}}"),
            Case.kept("password-field", Via.JSON, // iam get-account-password-policy, verbatim shape
                    "{\"PasswordPolicy\": {\"MinimumPasswordLength\": 14, \"RequireSymbols\": true, \"RequireNumbers\": true, "
                            + "\"RequireUppercaseCharacters\": true, \"RequireLowercaseCharacters\": true, "
                            + "\"AllowUsersToChangePassword\": true, \"ExpirePasswords\": true, \"MaxPasswordAge\": 90, "
                            + "\"PasswordReusePrevention\": 24, \"HardExpiry\": false}}"),
            Case.kept("password-field", Via.TEXT, "The password policy requires at least 14 characters and a symbol."),
            Case.kept("password-field", Via.TEXT, "FATAL: password authentication failed for user \"app\""),
            // PASS and PW as the last word of a name (words, not letters: Passenger and PassThrough are kept)
            Case.hidden("password-field", Via.JSON, // lambda get-function-configuration
                    "{\"Environment\": {\"Variables\": {\"DB_HOST\": \"db.internal\", \"DB_PASS\": \"Pa55-lambda-env\"}}}",
                    "Pa55-lambda-env"),
            Case.hidden("password-field", Via.TEXT, "MYSQL_HOST=db.internal\nMYSQL_ROOT_PW=Pa55-root-pw\n", "Pa55-root-pw"),
            Case.kept("password-field", Via.JSON, // apigateway get-integration
                    "{\"type\": \"AWS_PROXY\", \"passthroughBehavior\": \"WHEN_NO_MATCH\", \"timeoutInMillis\": 29000}"),
            Case.kept("password-field", Via.TEXT, "PassThrough=true PASS_COUNT=3 Passenger=ada"),

            // ---------------- secret-field (key) ----------------
            Case.hidden("secret-field", Via.JSON, "{\"SecretString\": \"x\"}", "x"),
            Case.hidden("secret-field", Via.JSON, "{\"secretKey\": \"s3cr3t-value-camel\"}", "s3cr3t-value-camel"),
            Case.hidden("secret-field", Via.JSON, "{\"secret_key\": \"s3cr3t-value-snake\"}", "s3cr3t-value-snake"),
            Case.hidden("secret-field", Via.JSON, "{\"Secret-Key\": \"s3cr3t-value-kebab\"}", "s3cr3t-value-kebab"),
            Case.hidden("secret-field", Via.JSON,
                    "{\"client_id\": \"0oa1b2c3d4EXAMPLE\", \"client_secret\": \"8Q~fakeClientSecretValue.0123\"}",
                    "8Q~fakeClientSecretValue.0123"),
            Case.hidden("secret-field", Via.JSON, "{\"Name\": \"prod/tls\", \"SecretBinary\": \"AAECAwQFBgcICQ==\"}", "AAECAwQFBgcICQ=="),
            Case.kept("secret-field", Via.JSON, "{\"SecretId\": \"x\"}"),
            Case.kept("secret-field", Via.JSON, "{\"SecretArn\": \"" + SECRET_ARN + "\"}"),
            Case.kept("secret-field", Via.JSON, // secretsmanager list-secrets
                    "{\"SecretList\": [{\"ARN\": \"" + SECRET_ARN + "\", \"Name\": \"prod/db\", "
                            + "\"LastChangedDate\": \"2024-05-01T10:00:00Z\", "
                            + "\"SecretVersionsToStages\": {\"" + UUID + "\": [\"AWSCURRENT\"]}}], "
                            + "\"NextToken\": \"" + NEXT_TOKEN + "\"}"),
            Case.kept("secret-field", Via.JSON, // secretsmanager describe-secret
                    "{\"ARN\": \"" + SECRET_ARN + "\", \"Name\": \"prod/db\", \"RotationEnabled\": true, "
                            + "\"RotationRules\": {\"AutomaticallyAfterDays\": 30}, "
                            + "\"VersionIdsToStages\": {\"" + UUID + "\": [\"AWSCURRENT\"]}}"),
            Case.kept("secret-field", Via.JSON, // iam get-policy-version: actions name the service, not a secret
                    "{\"PolicyVersion\": {\"Document\": {\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", "
                            + "\"Action\": [\"secretsmanager:GetSecretValue\", \"secretsmanager:DescribeSecret\"], "
                            + "\"Resource\": \"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/*\"}]}, "
                            + "\"VersionId\": \"v3\", \"IsDefaultVersion\": true}}"),
            Case.kept("secret-field", Via.TEXT, "Store the secret in AWS Secrets Manager and rotate it every 30 days."),
            Case.kept("secret-field", Via.TEXT, "Fetched " + SECRET_ARN + " (version " + UUID + ")."),
            Case.kept("secret-field", Via.TEXT, "SecretId=prod/db VersionStage=AWSCURRENT"),

            // ---------------- token-field (key) ----------------
            Case.hidden("token-field", Via.JSON,
                    "{\"access_token\": \"ya29.a0AfH6SMBfakeAccessToken\", \"token_type\": \"Bearer\", \"expires_in\": 3600}",
                    "ya29.a0AfH6SMBfakeAccessToken"),
            Case.hidden("token-field", Via.JSON, "{\"auth_token\": \"abcd1234efgh5678\"}", "abcd1234efgh5678"),
            Case.hidden("token-field", Via.JSON, "{\"refreshToken\": \"rt-9f8e7d6c5b4a\"}", "rt-9f8e7d6c5b4a"),
            Case.hidden("token-field", Via.JSON,
                    "{\"headers\": {\"X-Amz-Security-Token\": \"" + DOC_SESSION_TOKEN + "\"}}", DOC_SESSION_TOKEN.substring(0, 40)),
            Case.kept("token-field", Via.JSON, "{\"NextToken\": \"" + NEXT_TOKEN + "\"}"),
            Case.kept("token-field", Via.JSON, "{\"ClientToken\": \"123e4567-e89b-12d3-a456-426614174000\"}"),
            Case.kept("token-field", Via.JSON, // secretsmanager / cloudformation idempotency token
                    "{\"ClientRequestToken\": \"EXAMPLE2-90ab-cdef-fedc-ba987EXAMPLE\"}"),
            Case.kept("token-field", Via.JSON, // s3api list-objects-v2
                    "{\"ContinuationToken\": \"1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=\", "
                            + "\"NextContinuationToken\": \"1w41l63U0xa8q7smH50vCxyTQqdxo69O3EmK28Bi5PcROI4wI/EyIJg==\"}"),
            Case.kept("token-field", Via.JSON, // bedrock-runtime converse
                    "{\"stopReason\": \"end_turn\", \"usage\": {\"inputTokens\": 812, \"outputTokens\": 96, \"totalTokens\": 908}}"),
            Case.kept("token-field", Via.JSON, "{\"usage\": {\"input_tokens\": 812, \"output_tokens\": 96}, \"max_tokens\": 1024}"),
            Case.kept("token-field", Via.TEXT, "Your session token expires in 1 hour; run aws sso login to refresh it."),

            // ---------------- credential-field (key) ----------------
            Case.hidden("credential-field", Via.JSON, // sts assume-role
                    "{\"Credentials\": {\"AccessKeyId\": \"" + TEMP_ACCESS_KEY_ID + "\", \"SecretAccessKey\": \"" + SECRET_ACCESS_KEY
                            + "\", \"SessionToken\": \"" + SESSION_TOKEN + "\", \"Expiration\": \"2024-05-01T22:00:00Z\"}, "
                            + "\"AssumedRoleUser\": {\"AssumedRoleId\": \"AROA3XFRBF535PLBIFPI4:ci\", "
                            + "\"Arn\": \"arn:aws:sts::123456789012:assumed-role/deploy/ci\"}}",
                    SECRET_ACCESS_KEY),
            Case.hidden("credential-field", Via.JSON, "{\"creds\": {\"user\": \"app\", \"pass\": \"hunter2\"}}", "hunter2"),
            Case.kept("credential-field", Via.JSON, // sts get-caller-identity
                    "{\"UserId\": \"AIDASAMPLEUSERID\", \"Account\": \"123456789012\", \"Arn\": \"arn:aws:iam::123456789012:user/deploy\"}"),
            Case.kept("credential-field", Via.JSON, // iam get-credential-report
                    "{\"Content\": \"dXNlcixhcm4sdXNlcl9jcmVhdGlvbl90aW1lCg==\", \"ReportFormat\": \"text/csv\", "
                            + "\"GeneratedTime\": \"2024-05-01T10:00:00Z\"}"),
            Case.kept("credential-field", Via.JSON,
                    "{\"CredentialSource\": \"Ec2InstanceMetadata\", \"credential_process\": \"/usr/local/bin/aws-vault export --format=json prod\"}"),
            Case.kept("credential-field", Via.TEXT, // the expiry line of `aws configure export-credentials --format env`
                    "export AWS_CREDENTIAL_EXPIRATION=2025-01-01T12:00:00+00:00"),
            Case.kept("credential-field", Via.TEXT,
                    "Unable to locate credentials. You can configure credentials by running \"aws configure\"."),

            // ---------------- private-key-field (key) ----------------
            Case.hidden("private-key-field", Via.JSON, "{\"PrivateKey\": " + jsonString(PEM) + "}", PEM_BODY),
            Case.hidden("private-key-field", Via.JSON, // a GCP service-account key file
                    "{\"type\": \"service_account\", \"private_key_id\": \"1a2b3c4d5e6f7a8b9c0d\", \"private_key\": "
                            + jsonString(PEM.replace("RSA ", "")) + ", \"client_email\": \"ci@proj.iam.gserviceaccount.com\"}",
                    PEM_BODY),
            Case.hidden("private-key-field", Via.JSON, "{\"signingKey\": \"c2lnbmluZy1rZXktbWF0ZXJpYWw=\"}", "c2lnbmluZy1rZXktbWF0ZXJpYWw="),
            Case.kept("private-key-field", Via.JSON, // ec2 describe-key-pairs --include-public-key
                    "{\"KeyPairs\": [{\"KeyPairId\": \"key-0123456789abcdef0\", \"KeyName\": \"deploy\", "
                            + "\"KeyFingerprint\": \"1f:51:ae:28:bf:89:e9:d8:1f:25:5d:37:2d:7d:b8:ca:9f:f5:f1:6f\", "
                            + "\"PublicKey\": \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakePublicKeyMaterial0123 deploy\"}]}"),
            Case.kept("private-key-field", Via.JSON,
                    "{\"PrivateIpAddress\": \"10.0.1.23\", \"PrivateDnsName\": \"ip-10-0-1-23.ec2.internal\"}"),
            Case.kept("private-key-field", Via.JSON, "{\"private_key_id\": \"1a2b3c4d5e6f7a8b9c0d\"}"),

            // ---------------- api-key-field (key) ----------------
            Case.hidden("api-key-field", Via.JSON, "{\"apiKey\": \"c2VjcmV0LWFwaS1rZXk\"}", "c2VjcmV0LWFwaS1rZXk"),
            Case.hidden("api-key-field", Via.JSON, "{\"api_key\": \"d41d8cd98f00b204e980\"}", "d41d8cd98f00b204e980"),
            Case.hidden("api-key-field", Via.JSON, "{\"headers\": {\"X-Api-Key\": \"Qm9yaW5nLWtleS0xMjM\"}}", "Qm9yaW5nLWtleS0xMjM"),
            Case.kept("api-key-field", Via.JSON, // apigateway get-rest-api
                    "{\"id\": \"a1b2c3d4e5\", \"name\": \"orders\", \"apiKeySource\": \"HEADER\", "
                            + "\"endpointConfiguration\": {\"types\": [\"REGIONAL\"]}}"),
            Case.kept("api-key-field", Via.JSON, // apigateway get-method
                    "{\"httpMethod\": \"GET\", \"authorizationType\": \"AWS_IAM\", \"apiKeyRequired\": true}"),

            // ---------------- authorization-field (key) ----------------
            Case.hidden("authorization-field", Via.JSON,
                    "{\"headers\": {\"Authorization\": \"AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY_ID
                            + "/20240501/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, "
                            + "Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024\"}}",
                    "fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024"),
            Case.hidden("authorization-field", Via.JSON, "{\"Cookie\": \"session=8f14e45fceea167a5a36dedd4bea2543\"}",
                    "8f14e45fceea167a5a36dedd4bea2543"),
            Case.hidden("authorization-field", Via.TEXT, "Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="),
            Case.hidden("authorization-field", Via.TEXT,
                    "curl -H 'Authorization: Bearer mF_9.B5f-4.1JqM.tYz8Q2' https://api.example.com/v1/orders",
                    "mF_9.B5f-4.1JqM.tYz8Q2"),
            Case.kept("authorization-field", Via.JSON, "{\"authorizationType\": \"COGNITO_USER_POOLS\", \"authorizerId\": \"abc123\"}"),
            Case.kept("authorization-field", Via.TEXT, "Send the credentials in an Authorization header on every request."),

            // ---------------- auth-field (key, AUTH as a word) ----------------
            Case.hidden("auth-field", Via.JSON,
                    "{\"smtp\": {\"host\": \"smtp.example.com\", \"user\": \"mailer\", \"SMTP_AUTH\": \"m4il-Auth-0123\"}}",
                    "m4il-Auth-0123"),
            Case.hidden("auth-field", Via.JSON, "{\"headers\": {\"X-Auth\": \"xauth-0123456789\"}}", "xauth-0123456789"),
            Case.hidden("auth-field", Via.TEXT, "REDIS_HOST=cache.internal\nREDIS_AUTH=r3dis-Auth-0123\n", "r3dis-Auth-0123"),
            Case.kept("auth-field", Via.JSON, // cognito-idp describe-user-pool-client
                    "{\"UserPoolClient\": {\"ClientName\": \"web\", \"ExplicitAuthFlows\": [\"ALLOW_USER_SRP_AUTH\", "
                            + "\"ALLOW_REFRESH_TOKEN_AUTH\"], \"AllowedOAuthFlows\": [\"code\"], \"AllowedOAuthScopes\": [\"openid\"], "
                            + "\"AuthSessionValidity\": 3}}"),
            Case.kept("auth-field", Via.JSON, // codecommit get-commit
                    "{\"commit\": {\"author\": {\"name\": \"Ada\", \"email\": \"ada@example.com\"}, \"message\": \"fix auth\"}}"),
            Case.kept("auth-field", Via.TEXT, "AuthType=COGNITO AuthFlow=USER_SRP_AUTH Authority=https://login.example.com"),
            Case.hidden("auth-field", Via.COMMAND, // a BGP MD5 key in shorthand
                    "aws directconnect create-transit-virtual-interface --connection-id dxlag-fEXAMPLE --new-transit-virtual-interface "
                            + "\"virtualInterfaceName=transit,vlan=126,asn=65110,authKey=0xzxgA9YoW9h58u8Sv,amazonAddress=192.168.1.1/30\"",
                    "0xzxgA9YoW9h58u8Sv"),
            Case.hidden("auth-field", Via.JSON, "{\"AuthCode\": \"rqeGF(z;a[8N<ZI\"}", "rqeGF(z;a[8N<ZI"), // route53domains
            // An object below an AUTH name is settings, judged key by key (scalarsOnly).
            Case.kept("auth-field", Via.COMMAND, // rds create-db-proxy
                    "aws rds create-db-proxy --db-proxy-name p --engine-family MYSQL --auth Description=\"app\",AuthScheme=\"SECRETS\","
                            + "SecretArn=\"" + SECRET_ARN + "\",IAMAuth=\"DISABLED\" --role-arn arn:aws:iam::123456789012:role/ProxyRole"),
            Case.kept("auth-field", Via.JSON, // rds describe-db-proxies
                    "{\"DBProxies\": [{\"DBProxyName\": \"p\", \"Auth\": [{\"AuthScheme\": \"SECRETS\", \"SecretArn\": \"" + SECRET_ARN
                            + "\", \"IAMAuth\": \"DISABLED\"}]}]}"),
            Case.kept("auth-field", Via.JSON, // cognito-idp describe-managed-login-branding, ds describe-trusts
                    "{\"categories\": {\"auth\": {\"authMethodOrder\": [[{\"display\": \"BUTTON\", \"type\": \"FEDERATED\"}]]}}, "
                            + "\"SelectiveAuth\": \"Disabled\"}"),

            // ---------------- aws-secret-access-key (value) ----------------
            Case.hidden("aws-secret-access-key", Via.TEXT, // ~/.aws/credentials
                    "[default]\naws_access_key_id = " + ACCESS_KEY_ID + "\naws_secret_access_key = " + SECRET_ACCESS_KEY
                            + "\nregion = us-east-1\n",
                    SECRET_ACCESS_KEY),
            Case.hidden("aws-secret-access-key", Via.TEXT, "export AWS_SECRET_ACCESS_KEY=" + SECRET_ACCESS_KEY, SECRET_ACCESS_KEY),
            Case.hidden("aws-secret-access-key", Via.TEXT, "SecretAccessKey " + SECRET_ACCESS_KEY, SECRET_ACCESS_KEY),
            Case.kept("aws-secret-access-key", Via.TEXT, "SecretAccessKey is only shown once, when the access key is created."),
            Case.kept("aws-secret-access-key", Via.TEXT, "The aws_secret_access_key setting is missing from profile dev."),

            // ---------------- aws-secret-access-key-pair (value, near an access key id) ----------------
            Case.hidden("aws-secret-access-key-pair", Via.TEXT, // iam create-access-key --output text
                    "ACCESSKEY\t" + ACCESS_KEY_ID + "\t2024-05-01T10:00:00+00:00\t" + SECRET_ACCESS_KEY + "\tActive\tdeploy",
                    SECRET_ACCESS_KEY),
            Case.hidden("aws-secret-access-key-pair", Via.TEXT, // sts get-session-token --output text
                    "CREDENTIALS\t" + TEMP_ACCESS_KEY_ID + "\t2024-05-01T22:00:00+00:00\t" + SECRET_ACCESS_KEY + "\t" + SESSION_TOKEN,
                    SECRET_ACCESS_KEY),
            Case.kept("aws-secret-access-key-pair", Via.TEXT, "Created access key " + ACCESS_KEY_ID + " for user deploy."),
            Case.kept("aws-secret-access-key-pair", Via.TEXT,
                    "Temporary key " + TEMP_ACCESS_KEY_ID + " expires at 2024-05-01T22:00:00Z."),
            Case.kept("aws-secret-access-key-pair", Via.TEXT, "aws_access_key_id = " + ACCESS_KEY_ID),
            Case.kept("aws-secret-access-key-pair", Via.TEXT,
                    ACCESS_KEY_ID + " pushed commit " + SHA1 + " to main"),
            Case.kept("aws-secret-access-key-pair", Via.TEXT,
                    ACCESS_KEY_ID + " pushed " + SHA1.toUpperCase() + " and layer sha256:" + SHA256),
            Case.kept("aws-secret-access-key-pair", Via.TEXT,
                    TEMP_ACCESS_KEY_ID + " request " + UUID + " in account 123456789012 assumed arn:aws:iam::123456789012:role/x"),
            Case.kept("aws-secret-access-key-pair", Via.JSON, // iam list-access-keys
                    "{\"AccessKeyMetadata\": [{\"UserName\": \"deploy\", \"AccessKeyId\": \"" + ACCESS_KEY_ID
                            + "\", \"Status\": \"Active\", \"CreateDate\": \"2024-05-01T10:00:00Z\"}]}"),

            // ---------------- aws-session-token (value, STS prefix) ----------------
            Case.hidden("aws-session-token", Via.TEXT, "Temporary credentials issued; token " + SESSION_TOKEN + " valid for 1h",
                    SESSION_TOKEN.substring(16, 80)),
            Case.kept("aws-session-token", Via.TEXT,
                    "STS session tokens start with IQoJb3JpZ2luX2Vj and are several hundred characters long."),
            Case.kept("aws-session-token", Via.TEXT, "UserData: IyEvYmluL2Jhc2gKZWNobyBoZWxsbwo="),

            // ---------------- aws-session-token-named (value) ----------------
            Case.hidden("aws-session-token-named", Via.TEXT, "aws_session_token = " + DOC_SESSION_TOKEN, DOC_SESSION_TOKEN.substring(0, 40)),
            Case.hidden("aws-session-token-named", Via.TEXT, "SessionToken " + DOC_SESSION_TOKEN, DOC_SESSION_TOKEN.substring(0, 40)),
            Case.kept("aws-session-token-named", Via.TEXT, "The aws_session_token setting is only needed for temporary credentials."),

            // ---------------- private-key-pem (value) ----------------
            Case.hidden("private-key-pem", Via.TEXT, "Generated key:\n" + PEM + "\nStore it safely.", PEM_BODY),
            Case.hidden("private-key-pem", Via.TEXT,
                    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
                            + "-----END OPENSSH PRIVATE KEY-----\n",
                    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"),
            Case.hidden("private-key-pem", Via.TEXT, // cut off by an output limit: hidden up to the end
                    "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIFakeFakeFakeECKeyMaterial0123456789abcdefABCDEF",
                    "MHcCAQEEIFakeFakeFakeECKeyMaterial"),
            Case.kept("private-key-pem", Via.TEXT,
                    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEFakePublicKeyMaterial0123456789abcdef\n"
                            + "-----END PUBLIC KEY-----\n"),
            Case.kept("private-key-pem", Via.TEXT,
                    "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUFakeCertificateBody0123456789abcdefABCDEF\n"
                            + "-----END CERTIFICATE-----\n"),

            // ---------------- jwt (value) ----------------
            Case.hidden("jwt", Via.TEXT, "Login succeeded, JWT " + JWT + " valid for 3600s", "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
            Case.kept("jwt", Via.TEXT, "More results: pass --starting-token " + NEXT_TOKEN),
            Case.kept("jwt", Via.TEXT, "eyJrZXkiOiJ2YWx1ZSJ9 is base64 for {\"key\":\"value\"}"),

            // ---------------- github-token (value) ----------------
            Case.hidden("github-token", Via.TEXT, "git clone https://" + GITHUB_TOKEN + "@github.com/acme/app.git", GITHUB_TOKEN),
            Case.hidden("github-token", Via.TEXT, "Using token " + GITHUB_TOKEN + " for the release", GITHUB_TOKEN),
            Case.kept("github-token", Via.TEXT, "Deploy the docs from the gh-pages branch; classic tokens use the ghp_ prefix."),
            Case.kept("github-token", Via.TEXT, "https://github.com/acme/app/commit/" + SHA1),

            // ---------------- slack-token (value) ----------------
            Case.hidden("slack-token", Via.TEXT, "Posting with " + SLACK_TOKEN + " to #alerts", SLACK_TOKEN),
            Case.hidden("slack-token", Via.TEXT,
                    "curl -X POST https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX -d '{\"text\":\"done\"}'",
                    "XXXXXXXXXXXXXXXXXXXXXXXX"),
            Case.kept("slack-token", Via.TEXT, "Create a bot token (xoxb-...) in the Slack app settings and post to #alerts."),
            Case.kept("slack-token", Via.TEXT, "Incoming webhooks live under https://hooks.slack.com/services/ in your workspace."),

            // ---------------- stripe-key (value) ----------------
            Case.hidden("stripe-key", Via.TEXT, "Charging with " + STRIPE_KEY + " failed: card_declined", STRIPE_KEY),
            Case.hidden("stripe-key", Via.TEXT, "Webhook signing secret whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLSJK created",
                    "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLSJK"),
            Case.kept("stripe-key", Via.TEXT, "Publishable key pk_live_51HfakePublishableKey0123 is safe to embed in the page."),
            Case.kept("stripe-key", Via.TEXT, "Use a restricted key instead of sk_live_ keys in CI."),

            // ---------------- google-api-key (value) ----------------
            Case.hidden("google-api-key", Via.TEXT,
                    "https://maps.googleapis.com/maps/api/geocode/json?address=Berlin&key=" + GOOGLE_API_KEY, GOOGLE_API_KEY),
            Case.kept("google-api-key", Via.TEXT, "Google API keys start with AIza and are 39 characters long."),
            Case.kept("google-api-key", Via.TEXT, "AIzaShortButNotAKey123"),

            // ---------------- bearer-token (value) ----------------
            Case.hidden("bearer-token", Via.TEXT, "Retrying request with bearer mF_9.B5f-4.1JqM.tYz8Q2", "mF_9.B5f-4.1JqM.tYz8Q2"),
            Case.hidden("bearer-token", Via.TEXT, "token_type=Bearer; sent Bearer " + GITHUB_TOKEN.substring(4) + " upstream",
                    GITHUB_TOKEN.substring(4)),
            Case.kept("bearer-token", Via.TEXT, "Requests need a Bearer token in the Authorization header."),
            Case.kept("bearer-token", Via.JSON, "{\"token_type\": \"Bearer\", \"expires_in\": 3600}"),

            // ---------------- basic-auth (value) ----------------
            // A plain "Authorization:" header is caught first by authorization-field (see above); API Gateway's
            // remapped header is not a key-rule name, so basic-auth is what hides it.
            Case.hidden("basic-auth", Via.TEXT, "x-amzn-remapped-authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="),
            Case.kept("basic-auth", Via.TEXT, "The API uses HTTP Basic authentication over TLS."),

            // ---------------- connection-string-password (value) ----------------
            Case.hidden("connection-string-password", Via.TEXT,
                    "DATABASE_URL=postgres://app:s3cr3t-Pa55@db.example.com:5432/orders", "s3cr3t-Pa55"),
            Case.hidden("connection-string-password", Via.TEXT,
                    "Connecting to mongodb+srv://admin:hunter2@cluster0.example.mongodb.net/test", "hunter2"),
            Case.hidden("connection-string-password", Via.TEXT, // redis-py / ElastiCache form: empty user, AUTH token as password
                    "REDIS_URL=redis://:N3wAuthT0ken0123456789@cache.abc123.ng.0001.use1.cache.amazonaws.com:6379/0",
                    "N3wAuthT0ken0123456789"),
            Case.kept("connection-string-password", Via.TEXT,
                    "Open https://console.aws.amazon.com:443/secretsmanager/home?region=us-east-1 to review it."),
            Case.kept("connection-string-password", Via.TEXT, "git@github.com:acme/app.git and https://deploy@example.com/repo"),

            // ---------------- sql-password (value, near CREATE/ALTER USER, ROLE, LOGIN) ----------------
            Case.hidden("sql-password", Via.COMMAND,
                    "aws rds-data execute-statement --resource-arn arn:aws:rds:us-east-1:123456789012:cluster:orders "
                            + "--secret-arn " + SECRET_ARN + " --sql \"CREATE USER report WITH PASSWORD 'R3port-Pa55'\"",
                    "R3port-Pa55"),
            Case.hidden("sql-password", Via.TEXT, "ALTER USER 'app'@'%' IDENTIFIED BY 'My-Pa55-0123';", "My-Pa55-0123"),
            Case.kept("sql-password", Via.TEXT, "ALTER USER app WITH PASSWORD :new_password; -- bound by the driver"),
            Case.kept("sql-password", Via.TEXT, "The instance identified by orders was stopped; its password was not changed."),

            // ---------------- db-client-password (value, near mysql/mariadb) ----------------
            Case.hidden("db-client-password", Via.COMMAND,
                    // ECS's command is not sensitive in AWS's model (SSM's Parameters are, and are hidden whole)
                    "aws ecs execute-command --cluster prod --task 0123456789abcdef --interactive "
                            + "--command \"mysql -h db.internal -u admin -pMy-Cl13nt orders\"",
                    "My-Cl13nt"),
            Case.kept("db-client-password", Via.TEXT, "mysql -h db.internal -u admin -p orders"),
            Case.kept("db-client-password", Via.TEXT, "mkdir -p /var/lib/mysql-files && chown mysql /var/lib/mysql-files"),

            // ---------------- secret-assignment (assignment; markers name the key rule) ----------------
            Case.hidden("secret-assignment", Via.TEXT, "DB_HOST=db.internal\nDB_PASSWORD=hunter2\n", "hunter2").namedBy("password-field"),
            Case.hidden("secret-assignment", Via.TEXT, "mysql -u app --password=hunter2 -h db.internal", "hunter2")
                    .namedBy("password-field"),
            Case.hidden("secret-assignment", Via.TEXT, "client_secret: 8Q~fakeClientSecretValue.0123", "8Q~fakeClientSecretValue")
                    .namedBy("secret-field"),
            Case.hidden("secret-assignment", Via.TEXT, "SecretString='{\"password\":\"hunter2\"}'", "hunter2").namedBy("secret-field"),
            Case.hidden("secret-assignment", Via.TEXT, // a docker-compose file read by the agent
                    "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: hunter2\n", "hunter2")
                    .namedBy("password-field"),
            Case.kept("secret-assignment", Via.TEXT, "password_length=16 password_required=true"),
            Case.kept("secret-assignment", Via.TEXT, "SecretId=prod/db NextToken=" + NEXT_TOKEN),
            Case.kept("secret-assignment", Via.TEXT, "token_type=Bearer expires_in=3600 inputTokens=812"),
            Case.kept("secret-assignment", Via.TEXT, "ERROR: password authentication failed for user \"app\""),

            // ---------------- name-value-pair (pair; the name is judged by the key rules) ----------------
            Case.hidden("name-value-pair", Via.JSON, // ecs describe-task-definition
                    "{\"containerDefinitions\": [{\"name\": \"api\", \"environment\": [{\"name\": \"DB_PASSWORD\", "
                            + "\"value\": \"ecs-Pa55-0123\"}, {\"name\": \"STAGE\", \"value\": \"prod\"}]}]}",
                    "ecs-Pa55-0123"),
            Case.hidden("name-value-pair", Via.COMMAND,
                    "aws cloudformation create-stack --stack-name db --template-body file://db.yaml "
                            + "--parameters ParameterKey=DBPassword,ParameterValue=cfn-Pa55-0123 ParameterKey=Env,ParameterValue=prod",
                    "cfn-Pa55-0123"),
            Case.hidden("name-value-pair", Via.TEXT, // a Kubernetes manifest read back
                    "env:\n  - name: DB_HOST\n    value: db.internal\n  - name: DB_PASSWORD\n    value: k8s-Pa55-0123\n",
                    "k8s-Pa55-0123"),
            Case.kept("name-value-pair", Via.JSON, // ec2 describe-tags
                    "{\"Tags\": [{\"Key\": \"Name\", \"Value\": \"web-1\", \"ResourceId\": \"i-0123456789abcdef0\"}, "
                            + "{\"Key\": \"PasswordPolicy\", \"Value\": \"strict\"}]}"),
            Case.kept("name-value-pair", Via.JSON, // secretsmanager list-secrets: a tag AWS sets
                    "{\"Tags\": [{\"Key\": \"aws:secretsmanager:owningService\", \"Value\": \"rds\"}]}"),
            Case.kept("name-value-pair", Via.COMMAND,
                    "aws cloudformation create-stack --stack-name web --template-body file://web.yaml "
                            + "--parameters ParameterKey=Env,ParameterValue=prod ParameterKey=DBPasswordSecretArn,ParameterValue="
                            + SECRET_ARN),

            // ---------------- user-data-flag (flag) ----------------
            Case.hidden("user-data-flag", Via.COMMAND,
                    "aws ec2 run-instances --image-id ami-0abcdef1234567890 --instance-type t3.micro "
                            + "--user-data '#!/bin/bash\necho DB_PASSWORD=hunter2 >> /etc/environment'",
                    "hunter2"),
            Case.kept("user-data-flag", Via.COMMAND, "aws ec2 run-instances --image-id ami-0abcdef1234567890 --user-data file://bootstrap.sh"),
            Case.kept("user-data-flag", Via.COMMAND,
                    "aws ec2 describe-instance-attribute --instance-id i-0123456789abcdef0 --attribute userData"),

            // ---------------- plaintext-flag (flag) ----------------
            Case.hidden("plaintext-flag", Via.COMMAND,
                    "aws kms encrypt --key-id alias/app --plaintext 'my database password' --output text", "my database password"),
            Case.kept("plaintext-flag", Via.COMMAND, "aws kms encrypt --key-id alias/app --plaintext fileb://secret.bin"),
            Case.kept("plaintext-flag", Via.COMMAND,
                    "aws kms decrypt --ciphertext-blob fileb://blob.enc --output text --query Plaintext"),

            // ---------------- secure-string-parameter (flag) ----------------
            Case.hidden("secure-string-parameter", Via.COMMAND,
                    "aws ssm put-parameter --name /prod/db/password --value 'S3cure!Pass' --type SecureString", "S3cure!Pass"),
            // AWS's model marks every parameter value sensitive, String ones too (see aws-model below).
            Case.hidden("aws-model", Via.COMMAND,
                    "aws ssm put-parameter --name /prod/app/log-level --value debug --type String", "debug"),
            Case.kept("secure-string-parameter", Via.COMMAND, "aws ssm get-parameter --name /prod/db/password --with-decryption"),

            // ---------------- secret-binary-flag (flag) ----------------
            Case.hidden("secret-binary-flag", Via.COMMAND,
                    "aws secretsmanager create-secret --name prod/tls-key --secret-binary 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'",
                    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"),
            Case.hidden("secret-binary-flag", Via.COMMAND,
                    "aws ec2 modify-vpn-tunnel-options --vpn-connection-id vpn-0123456789abcdef0 "
                            + "--vpn-tunnel-outside-ip-address 203.0.113.10 --tunnel-options PreSharedKey=Fake_PSK_0123456789",
                    "Fake_PSK_0123456789"),
            Case.kept("secret-binary-flag", Via.COMMAND,
                    "aws secretsmanager create-secret --name prod/tls-key --secret-binary fileb://key.der"),
            Case.kept("secret-binary-flag", Via.COMMAND,
                    "aws kms import-key-material --key-id 1234abcd-12ab-34cd-56ef-1234567890ab "
                            + "--encrypted-key-material fileb://EncryptedKeyMaterial.bin --import-token fileb://ImportToken.bin"),

            // ---------------- JSON-valued flags: no rule of their own, redacted key by key by the key rules ----------------
            Case.hidden("password-field", Via.COMMAND,
                    "aws rds create-db-instance --cli-input-json "
                            + "'{\"DBInstanceIdentifier\":\"orders\",\"MasterUsername\":\"admin\",\"MasterUserPassword\":\"Sup3rS3cret\"}'",
                    "Sup3rS3cret"),
            Case.hidden("password-field", Via.COMMAND,
                    "aws rds modify-db-instance --db-instance-identifier orders --master-user-password Sup3rS3cret --apply-immediately",
                    "Sup3rS3cret"),
            Case.kept("secret-field", Via.COMMAND, "aws secretsmanager create-secret --cli-input-json file://create-secret.json"),

            // ---------------- aws-model (model): members AWS's service models mark sensitive ----------------
            Case.hidden("aws-model", Via.COMMAND,
                    "aws lambda update-function-configuration --function-name api --environment Variables={DB_HOST=db1.internal}",
                    "db1.internal"),
            Case.hidden("aws-model", Via.COMMAND,
                    "aws cognito-idp admin-create-user --user-pool-id eu-west-1_aBcDeF --username maria.garcia", "maria.garcia"),
            Case.kept("aws-model", Via.COMMAND,
                    "aws lambda update-function-configuration --function-name api --timeout 30 --memory-size 512"),
            Case.kept("aws-model", Via.COMMAND, "aws cognito-idp list-users --user-pool-id eu-west-1_aBcDeF --limit 10"),
            Case.kept("secret-field", Via.COMMAND,
                    "aws secretsmanager describe-secret --cli-input-json '{\"SecretId\": \"prod/db\", \"ClientToken\": null}'"));

    // ---------------------------------------------------------------------------------------------

    static Stream<Case> secretCases() {
        return CASES.stream().filter(c -> c.expect() == Expect.REDACTED);
    }

    static Stream<Case> ordinaryCases() {
        return CASES.stream().filter(c -> c.expect() == Expect.KEPT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secretCases")
    void secretIsReplacedByAMarkerNamingTheRule(Case c) {
        Outcome out = run(c);

        assertThat(out.text()).contains("[REDACTED:" + c.markerRule() + ":").doesNotContain(c.secret());
        if (out.findings() != null) {
            // A model finding adds the member to the rule's name: aws-model:lambda.create-function.Environment.Variables.
            assertThat(out.findings()).extracting(Redaction.Finding::rule)
                    .anyMatch(r -> r.equals(c.markerRule()) || r.startsWith(c.markerRule() + ":"));
            assertThat(out.findings().toString()).doesNotContain(c.secret());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ordinaryCases")
    void ordinaryValueIsKeptByteIdentical(Case c) {
        Outcome out = run(c);

        assertThat(out.text()).isEqualTo(c.via() == Via.JSON ? parse(c.input()).toString() : c.input());
        assertThat(out.findings()).isNullOrEmpty();
    }

    @Test
    void everyDefaultRuleHasASecretCaseAndAnOrdinaryCase() {
        List<String> missing = new ArrayList<>();
        for (Rule rule : RedactionRules.defaults().rules()) {
            for (Expect expect : Expect.values()) {
                boolean covered = CASES.stream().anyMatch(c -> c.rule().equals(rule.name()) && c.expect() == expect);
                if (!covered) {
                    missing.add(rule.name() + " has no " + (expect == Expect.REDACTED ? "secret (REDACTED)" : "ordinary (KEPT)")
                            + " case");
                }
            }
        }
        assertThat(missing).as("add cases to DefaultRulesTest.CASES for every default rule").isEmpty();
    }

    @Test
    void casesNameOnlyRulesThatExist() {
        Set<String> names = RedactionRules.defaults().rules().stream().map(Rule::name).collect(Collectors.toSet());
        Set<String> named = new TreeSet<>();
        CASES.forEach(c -> {
            named.add(c.rule());
            if (c.markerRule() != null) {
                named.add(c.markerRule());
            }
        });
        assertThat(names).containsAll(named);
    }

    @Test
    void fakeSecretsHaveTheShapesOfRealOnes() {
        assertThat(SECRET_ACCESS_KEY).hasSize(40);
        assertThat(ACCESS_KEY_ID).hasSize(20);
        assertThat(SESSION_TOKEN).hasSize(16 + 200);
        assertThat(GITHUB_TOKEN).hasSize(4 + 36);
        assertThat(GOOGLE_API_KEY).hasSize(4 + 35);
    }

    @Test
    void assignmentMarkersNameTheKeyRuleButComeFromTheAssignmentRule(@TempDir Path dir) throws IOException {
        String env = "DB_HOST=db.internal\nDB_PASSWORD=hunter2\n";
        assertThat(REDACTOR.redactText(env)).startsWith("DB_HOST=db.internal\nDB_PASSWORD=[REDACTED:password-field:");

        Path file = dir.resolve("rules.json");
        Files.writeString(file, "{\"disable\": [\"secret-assignment\"]}");
        Redactor withoutAssignments = new Redactor(RedactionRules.load(file), FingerprintKey.ephemeral());

        assertThat(withoutAssignments.redactText(env)).isEqualTo(env);
    }

    // ---------------------------------------------------------------------------------------------
    // Tool results and resources: what the agent read back is redacted like what it sent.

    private static final String GET_SECRET_VALUE_OUTPUT = """
            {
                "ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
                "Name": "prod/db",
                "VersionId": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
                "SecretString": "{\\"username\\":\\"app\\",\\"password\\":\\"hunter2\\"}",
                "VersionStages": [
                    "AWSCURRENT"
                ],
                "CreatedDate": "2024-05-01T10:00:00.123000+00:00"
            }
            """;

    @Test
    void getSecretValueResultHidesTheSecretStringButKeepsNameArnAndVersion() {
        ObjectNode result = JSON.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", GET_SECRET_VALUE_OUTPUT);
        result.put("isError", false);

        Redaction r = REDACTOR.redact(result);

        JsonNode text = parse(r.value().at("/content/0/text").asText());
        assertThat(text.get("SecretString").asText()).startsWith("[REDACTED:secret-field:");
        assertThat(text.get("ARN").asText()).isEqualTo(SECRET_ARN);
        assertThat(text.get("Name").asText()).isEqualTo("prod/db");
        assertThat(text.get("VersionId").asText()).isEqualTo("a1b2c3d4-5678-90ab-cdef-EXAMPLE11111");
        assertThat(text.get("VersionStages")).isEqualTo(parse("[\"AWSCURRENT\"]"));
        assertThat(text.get("CreatedDate").asText()).isEqualTo("2024-05-01T10:00:00.123000+00:00");
        assertThat(r.value().get("isError").asBoolean()).isFalse();
        assertThat(r.value().toString()).doesNotContain("hunter2").doesNotContain("username");
        assertThat(r.findings()).extracting(Redaction.Finding::rule).containsExactly("secret-field");
    }

    @Test
    void structuredContentIsRedactedLikeTheTextContent() {
        ObjectNode result = JSON.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", GET_SECRET_VALUE_OUTPUT);
        result.set("structuredContent", parse(GET_SECRET_VALUE_OUTPUT));

        Redaction r = REDACTOR.redact(result);

        JsonNode fromText = parse(r.value().at("/content/0/text").asText());
        JsonNode structured = r.value().get("structuredContent");
        assertThat(structured).isEqualTo(fromText);
        assertThat(structured.get("SecretString").asText()).startsWith("[REDACTED:secret-field:");
        assertThat(structured.get("Name").asText()).isEqualTo("prod/db");
        assertThat(structured.get("ARN").asText()).isEqualTo(SECRET_ARN);
        assertThat(r.value().toString()).doesNotContain("hunter2");
    }

    @Test
    void batchGetSecretValueHidesEachSecretButKeepsWhichSecretsWereRead() {
        String output = "{\"SecretValues\": [{\"ARN\": \"" + SECRET_ARN + "\", \"Name\": \"prod/db\", "
                + "\"VersionId\": \"a1b2c3d4-5678-90ab-cdef-EXAMPLE11111\", \"SecretString\": \"hunter2\", "
                + "\"VersionStages\": [\"AWSCURRENT\"]}], \"Errors\": []}";
        ObjectNode result = JSON.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", output);

        JsonNode text = parse(REDACTOR.redact(result).value().at("/content/0/text").asText());

        JsonNode secret = text.at("/SecretValues/0");
        assertThat(secret.get("SecretString").asText()).startsWith("[REDACTED:");
        assertThat(secret.get("Name").asText()).isEqualTo("prod/db");
        assertThat(secret.get("ARN").asText()).isEqualTo(SECRET_ARN);
        assertThat(secret.get("VersionId").asText()).isEqualTo("a1b2c3d4-5678-90ab-cdef-EXAMPLE11111");
    }

    @Test
    void assumeRoleResultHidesTheCredentialsButKeepsTheAssumedRole() {
        String output = "{\"Credentials\": {\"AccessKeyId\": \"" + TEMP_ACCESS_KEY_ID + "\", \"SecretAccessKey\": \""
                + SECRET_ACCESS_KEY + "\", \"SessionToken\": \"" + SESSION_TOKEN + "\", \"Expiration\": \"2024-05-01T22:00:00Z\"}, "
                + "\"AssumedRoleUser\": {\"AssumedRoleId\": \"AROA3XFRBF535PLBIFPI4:ci\", "
                + "\"Arn\": \"arn:aws:sts::123456789012:assumed-role/deploy/ci\"}, \"PackedPolicySize\": 6}";

        Redaction r = REDACTOR.redact(parse(output));

        assertThat(r.value().toString()).doesNotContain(SECRET_ACCESS_KEY).doesNotContain(SESSION_TOKEN.substring(16, 60));
        assertThat(r.value().at("/Credentials/SecretAccessKey").asText()).startsWith("[REDACTED:credential-field:");
        assertThat(r.value().get("AssumedRoleUser")).isEqualTo(parse(output).get("AssumedRoleUser"));
        assertThat(r.value().get("PackedPolicySize").asInt()).isEqualTo(6);
    }

    @Test
    void resourceContentsTextIsRedactedLineByLine() {
        ObjectNode resource = JSON.createObjectNode();
        resource.putArray("contents").addObject()
                .put("uri", "file:///srv/app/.env")
                .put("mimeType", "text/plain")
                .put("text", "DB_HOST=db.internal\nDB_PASSWORD=hunter2\nGITHUB_TOKEN=" + GITHUB_TOKEN + "\nLOG_LEVEL=info\n");

        Redaction r = REDACTOR.redact(resource);

        String text = r.value().at("/contents/0/text").asText();
        assertThat(text).matches("DB_HOST=db\\.internal\n"
                + "DB_PASSWORD=\\[REDACTED:password-field:[0-9a-f]{12}]\n"
                + "GITHUB_TOKEN=\\[REDACTED:github-token:[0-9a-f]{12}]\n"
                + "LOG_LEVEL=info\n");
        assertThat(r.value().at("/contents/0/uri").asText()).isEqualTo("file:///srv/app/.env");
        assertThat(r.value().at("/contents/0/mimeType").asText()).isEqualTo("text/plain");
    }

    @Test
    void resourceContentsHoldingJsonAreRedactedKeyByKey() {
        ObjectNode resource = JSON.createObjectNode();
        resource.putArray("contents").addObject()
                .put("uri", "file:///srv/app/config.json")
                .put("mimeType", "application/json")
                .put("text", "{\"db\": {\"host\": \"db.internal\", \"user\": \"app\", \"password\": \"hunter2\"}, \"region\": \"us-east-1\"}");

        JsonNode config = parse(REDACTOR.redact(resource).value().at("/contents/0/text").asText());

        assertThat(config.at("/db/password").asText()).startsWith("[REDACTED:password-field:");
        assertThat(config.at("/db/host").asText()).isEqualTo("db.internal");
        assertThat(config.at("/db/user").asText()).isEqualTo("app");
        assertThat(config.get("region").asText()).isEqualTo("us-east-1");
    }

    // ---------------------------------------------------------------------------------------------

    /** The redacted form as text, plus findings (null for redactText, which returns a plain string). */
    private record Outcome(String text, List<Redaction.Finding> findings) {}

    private static Outcome run(Case c) {
        switch (c.via()) {
            case JSON -> {
                Redaction r = REDACTOR.redact(parse(c.input()));
                return new Outcome(r.value().toString(), r.findings());
            }
            case COMMAND -> {
                ObjectNode args = JSON.createObjectNode().put("cli_command", c.input());
                Redaction r = REDACTOR.redactArguments("aws___call_aws", args);
                return new Outcome(r.value().get("cli_command").asText(), r.findings());
            }
            default -> {
                String asText = REDACTOR.redactText(c.input());
                // The same string nested in a tool result must come out the same.
                ObjectNode result = JSON.createObjectNode();
                result.putArray("content").addObject().put("type", "text").put("text", c.input());
                Redaction nested = REDACTOR.redact(result);
                assertThat(nested.value().at("/content/0/text").asText())
                        .as("the same text nested in content[0].text")
                        .isEqualTo(asText);
                return new Outcome(asText, nested.findings());
            }
        }
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String jsonString(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String base64Chars(int n) {
        String alphabet = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/aBcDeFgHiJkLmNoPqRsTuVwXyZ";
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt((i * 7) % alphabet.length()));
        }
        return b.toString();
    }
}
