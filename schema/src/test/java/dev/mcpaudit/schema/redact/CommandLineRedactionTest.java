package dev.mcpaudit.schema.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The AWS CLI command line an agent sends to {@code aws___call_aws} ({@code cli_command}) and the
 * Python an agent sends to {@code aws___run_script}: the secret value is replaced by a marker and
 * everything else stays exactly as the agent wrote it, so the audit log still shows what was run.
 */
class CommandLineRedactionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One key for the whole class, so expected markers can be computed: {@code key.fingerprint(secret)}. */
    private static final FingerprintKey KEY = FingerprintKey.ephemeral();
    private static final Redactor REDACTOR = new Redactor(RedactionRules.defaults(), KEY);
    private static final Pattern ANY_MARKER = Pattern.compile("\\[REDACTED:[A-Za-z0-9._-]+:[0-9a-f]{12}]");

    static final String PEM = "-----BEGIN RSA PRIVATE KEY-----\n"
            + "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\n"
            + "7ivYG5fEXAMPLEFAKEKEYMATERIALnotarealkeyABCDEFGHIJKLMNOPQRSTUVWXYZ01\n"
            + "-----END RSA PRIVATE KEY-----";
    static final String NEXT_TOKEN = "eyJOZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==";

    private static String m(String rule, String secret) {
        return "[REDACTED:" + rule + ":" + KEY.fingerprint(secret) + "]";
    }

    private static Redaction callAws(String command) {
        return REDACTOR.redactArguments("aws___call_aws", JSON.createObjectNode().put("cli_command", command));
    }

    private static String cli(String command) {
        return callAws(command).value().get("cli_command").asText();
    }

    // ---------------------------------------------------------------------------------------------
    // Secret flag values: only the value is replaced, the rest of the command is byte-identical.

    static Stream<Arguments> secretFlagValues() {
        return Stream.of(
                arguments("--secret-string, space form",
                        "aws secretsmanager create-secret --name prod/db --secret-string hunter2",
                        "aws secretsmanager create-secret --name prod/db --secret-string " + m("secret-field", "hunter2")),
                arguments("--secret-string, = form",
                        "aws secretsmanager put-secret-value --secret-id prod/db --secret-string=hunter2",
                        "aws secretsmanager put-secret-value --secret-id prod/db --secret-string=" + m("secret-field", "hunter2")),
                arguments("--secret-string, single-quoted with spaces (the quotes go with the value)",
                        "aws secretsmanager create-secret --name prod/db --secret-string 'correct horse battery staple' --description 'db login'",
                        "aws secretsmanager create-secret --name prod/db --secret-string "
                                + m("secret-field", "correct horse battery staple") + " --description 'db login'"),
                arguments("--secret-string, double-quoted with spaces",
                        "aws secretsmanager create-secret --name prod/db --secret-string \"correct horse battery staple\" --region eu-west-1",
                        "aws secretsmanager create-secret --name prod/db --secret-string "
                                + m("secret-field", "correct horse battery staple") + " --region eu-west-1"),
                arguments("--secret-string, = form single-quoted",
                        "aws secretsmanager put-secret-value --secret-id prod/db --secret-string='two words'",
                        "aws secretsmanager put-secret-value --secret-id prod/db --secret-string=" + m("secret-field", "two words")),
                arguments("--secret-string holding JSON is hidden whole",
                        "aws secretsmanager create-secret --name prod/db --secret-string '{\"username\":\"app\",\"password\":\"hunter2\"}'",
                        "aws secretsmanager create-secret --name prod/db --secret-string "
                                + m("secret-field", "{\"username\":\"app\",\"password\":\"hunter2\"}")),
                arguments("--password",
                        "aws iam create-login-profile --user-name bob --password 'Temp#Pass-2024' --password-reset-required",
                        "aws iam create-login-profile --user-name bob --password " + m("password-field", "Temp#Pass-2024")
                                + " --password-reset-required"),
                arguments("--old-password and --new-password",
                        "aws iam change-password --old-password hunter2 --new-password hunter3",
                        "aws iam change-password --old-password " + m("password-field", "hunter2")
                                + " --new-password " + m("password-field", "hunter3")),
                arguments("--master-user-password",
                        "aws rds create-db-instance --db-instance-identifier orders --engine postgres --master-username admin "
                                + "--master-user-password Sup3rS3cret --allocated-storage 20",
                        "aws rds create-db-instance --db-instance-identifier orders --engine postgres --master-username admin "
                                + "--master-user-password " + m("password-field", "Sup3rS3cret") + " --allocated-storage 20"),
                arguments("--master-user-password, = form double-quoted",
                        "aws rds modify-db-cluster --db-cluster-identifier orders --master-user-password=\"Sup3r S3cret\" --apply-immediately",
                        "aws rds modify-db-cluster --db-cluster-identifier orders --master-user-password="
                                + m("password-field", "Sup3r S3cret") + " --apply-immediately"),
                arguments("--private-key with base64 key material (the certificate file reference stays)",
                        "aws acm import-certificate --certificate fileb://cert.pem --private-key MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
                        "aws acm import-certificate --certificate fileb://cert.pem --private-key "
                                + m("private-key-field", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7")),
                // A value starting with "-----" is still the flag's value, not a flag.
                arguments("--private-key with an inline PEM",
                        "aws acm import-certificate --certificate fileb://cert.pem --private-key '" + PEM + "' --region us-east-1",
                        "aws acm import-certificate --certificate fileb://cert.pem --private-key " + m("private-key-field", PEM)
                                + " --region us-east-1"),
                arguments("--auth-token (its rotation strategy is not a secret)",
                        "aws elasticache modify-replication-group --replication-group-id cache --auth-token N3wAuthT0ken0123456789 "
                                + "--auth-token-update-strategy ROTATE --apply-immediately",
                        "aws elasticache modify-replication-group --replication-group-id cache --auth-token "
                                + m("token-field", "N3wAuthT0ken0123456789") + " --auth-token-update-strategy ROTATE --apply-immediately"),
                arguments("--user-data",
                        "aws ec2 run-instances --image-id ami-0abcdef1234567890 --count 1 --user-data 'export DB_PASSWORD=hunter2'",
                        "aws ec2 run-instances --image-id ami-0abcdef1234567890 --count 1 --user-data "
                                + m("user-data-flag", "export DB_PASSWORD=hunter2")),
                arguments("--plaintext",
                        "aws kms encrypt --key-id alias/app --plaintext 'card 4111 1111 1111 1111' --query CiphertextBlob --output text",
                        "aws kms encrypt --key-id alias/app --plaintext " + m("plaintext-flag", "card 4111 1111 1111 1111")
                                + " --query CiphertextBlob --output text"),
                arguments("ssm put-parameter --type SecureString",
                        "aws ssm put-parameter --name /prod/db/password --value hunter2 --type SecureString --overwrite",
                        "aws ssm put-parameter --name /prod/db/password --value " + m("secure-string-parameter", "hunter2")
                                + " --type SecureString --overwrite"),
                arguments("ssm put-parameter, --type given before --value",
                        "aws ssm put-parameter --type SecureString --name /prod/db/password --value 'hunter 2'",
                        "aws ssm put-parameter --type SecureString --name /prod/db/password --value "
                                + m("secure-string-parameter", "hunter 2")),
                arguments("ssm put-parameter, = forms",
                        "aws ssm put-parameter --name /prod/db/password --type=SecureString --value=hunter2",
                        "aws ssm put-parameter --name /prod/db/password --type=SecureString --value="
                                + m("secure-string-parameter", "hunter2")),
                arguments("global flags before the service",
                        "aws --region us-east-1 --profile prod ssm put-parameter --name /x --value hunter2 --type SecureString",
                        "aws --region us-east-1 --profile prod ssm put-parameter --name /x --value "
                                + m("secure-string-parameter", "hunter2") + " --type SecureString"),
                arguments("valueless global flag before the service",
                        "aws --no-cli-pager --output json ssm put-parameter --name /x --value hunter2 --type SecureString",
                        "aws --no-cli-pager --output json ssm put-parameter --name /x --value "
                                + m("secure-string-parameter", "hunter2") + " --type SecureString"),
                arguments("--cli-input-json: redacted key by key, other keys stay readable",
                        "aws rds create-db-instance --cli-input-json "
                                + "'{\"DBInstanceIdentifier\":\"orders\",\"MasterUsername\":\"admin\",\"MasterUserPassword\":\"Sup3rS3cret\"}'",
                        "aws rds create-db-instance --cli-input-json "
                                + "'{\"DBInstanceIdentifier\":\"orders\",\"MasterUsername\":\"admin\",\"MasterUserPassword\":\""
                                + m("password-field", "Sup3rS3cret") + "\"}'"),
                arguments("lambda --environment as JSON (AWS's model marks every variable sensitive; the password keeps its rule)",
                        "aws lambda update-function-configuration --function-name api "
                                + "--environment '{\"Variables\":{\"DB_PASSWORD\":\"hunter2\",\"LOG_LEVEL\":\"info\"}}'",
                        "aws lambda update-function-configuration --function-name api "
                                + "--environment '{\"Variables\":{\"DB_PASSWORD\":\"" + m("password-field", "hunter2")
                                + "\",\"LOG_LEVEL\":\"" + m("aws-model", "info") + "\"}}'"),
                arguments("cognito --auth-parameters in shorthand syntax (the model marks the map and the client id sensitive)",
                        "aws cognito-idp initiate-auth --client-id 3n4b5urk1ft4fl3mg5e62d9ado --auth-flow USER_PASSWORD_AUTH "
                                + "--auth-parameters USERNAME=bob,PASSWORD=hunter2",
                        "aws cognito-idp initiate-auth --client-id " + m("aws-model", "3n4b5urk1ft4fl3mg5e62d9ado")
                                + " --auth-flow USER_PASSWORD_AUTH --auth-parameters USERNAME=" + m("aws-model", "bob")
                                + ",PASSWORD=" + m("password-field", "hunter2")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secretFlagValues")
    void onlyTheSecretValueIsReplaced(String what, String command, String expected) {
        assertThat(cli(command)).isEqualTo(expected);
    }

    @Test
    void lambdaEnvironmentInShorthandSyntaxHidesThePassword() {
        String command = "aws lambda update-function-configuration --function-name api "
                + "--environment \"Variables={DB_PASSWORD=hunter2,LOG_LEVEL=info}\"";

        String out = cli(command);

        assertThat(out).doesNotContain("hunter2")
                .contains("DB_PASSWORD=" + m("password-field", "hunter2"))
                .contains("LOG_LEVEL=" + m("aws-model", "info"))
                .startsWith("aws lambda update-function-configuration --function-name api --environment ");
    }

    @Test
    void secureStringSentAsCliInputJsonHidesTheValue() {
        String command = "aws ssm put-parameter --cli-input-json "
                + "'{\"Name\":\"/prod/db/password\",\"Value\":\"hunter2\",\"Type\":\"SecureString\",\"Overwrite\":true}'";

        String out = cli(command);

        assertThat(out).doesNotContain("hunter2").contains("/prod/db/password").contains("SecureString");
    }

    // ---------------------------------------------------------------------------------------------
    // Values that name or point at a secret, and ordinary parameters, are kept byte-identical.

    static Stream<String> ordinaryCommands() {
        return Stream.of(
                "aws ssm get-parameter --name /prod/db/password --with-decryption",
                "aws secretsmanager create-secret --name prod/db --secret-string file://secret.json",
                "aws secretsmanager create-secret --name prod/tls --secret-binary fileb://key.der",
                "aws acm import-certificate --certificate fileb://cert.pem --private-key fileb://key.pem",
                "aws ec2 run-instances --image-id ami-0abcdef1234567890 --user-data file://bootstrap.sh",
                "aws lambda update-function-configuration --function-name api --environment file://env.json",
                "aws rds create-db-instance --cli-input-json file://create-db.json",
                "aws secretsmanager describe-secret --cli-input-json '{\"SecretId\": \"prod/db\"}'",
                "aws secretsmanager get-secret-value --secret-id prod/db --version-stage AWSCURRENT",
                "aws secretsmanager get-secret-value --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
                "aws secretsmanager list-secrets --max-results 10 --next-token " + NEXT_TOKEN,
                "aws dynamodb scan --table-name orders --starting-token " + NEXT_TOKEN + " --max-items 25",
                "aws ec2 run-instances --image-id ami-0abcdef1234567890 --client-token 123e4567-e89b-12d3-a456-426614174000",
                "aws secretsmanager put-secret-value --secret-id prod/db --secret-string file://s.json "
                        + "--client-request-token EXAMPLE2-90ab-cdef-fedc-ba987EXAMPLE",
                "aws sts assume-role --role-arn arn:aws:iam::123456789012:role/deploy --role-session-name ci",
                "aws iam list-access-keys --user-name deploy",
                "aws iam update-access-key --access-key-id AKIAIOSFODNN7EXAMPLE --status Inactive --user-name deploy",
                "aws bedrock-runtime converse --model-id anthropic.claude-3-haiku-20240307-v1:0 "
                        + "--inference-config maxTokens=512,temperature=0.2 --messages file://messages.json",
                "aws s3 cp s3://acme-artifacts/build/sha256-9f86d081884c7d659a2feaa0c55ad015a2bf4f1b2b0b822cd15d6c15b0f00a08.tar.gz .");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ordinaryCommands")
    void ordinaryCommandIsKeptByteIdentical(String command) {
        Redaction r = callAws(command);

        assertThat(r.value().get("cli_command").asText()).isEqualTo(command);
        assertThat(r.findings()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // Fingerprints and idempotence.

    @Test
    void sameSecretInTwoCommandsGivesTheSameMarkerAndADifferentSecretADifferentOne() {
        String first = marker(cli("aws secretsmanager create-secret --name a --secret-string hunter2"));
        String second = marker(cli("aws secretsmanager put-secret-value --secret-id b --secret-string 'hunter2'"));
        String other = marker(cli("aws secretsmanager put-secret-value --secret-id b --secret-string hunter3"));

        assertThat(first).isEqualTo(second).isEqualTo(m("secret-field", "hunter2"));
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void theSameSecretUnderAnotherRuleKeepsItsFingerprint() {
        String asSecretString = marker(cli("aws secretsmanager create-secret --name a --secret-string hunter2"));
        String asSecureString = marker(cli("aws ssm put-parameter --name /a --value hunter2 --type SecureString"));

        assertThat(fingerprintOf(asSecretString)).isEqualTo(fingerprintOf(asSecureString)).isEqualTo(KEY.fingerprint("hunter2"));
    }

    static Stream<String> allCommands() {
        return Stream.concat(secretFlagValues().map(a -> (String) a.get()[1]), ordinaryCommands());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allCommands")
    void redactingTwiceChangesNothing(String command) {
        Redaction once = callAws(command);
        Redaction twice = REDACTOR.redactArguments("aws___call_aws", once.value());

        assertThat(twice.value()).isEqualTo(once.value());
        assertThat(twice.findings()).isEmpty();
    }

    @Test
    void findingNamesTheFlagAndNeverTheSecret() {
        Redaction r = callAws("aws secretsmanager create-secret --name prod/db --secret-string hunter2");

        assertThat(r.findings()).containsExactly(new Redaction.Finding("secret-field", "$.cli_command --secret-string"));
        assertThat(r.findings().toString()).doesNotContain("hunter2");
    }

    @Test
    void otherArgumentsOfTheToolAreRedactedAsJson() {
        ObjectNode args = JSON.createObjectNode()
                .put("cli_command", "aws sts get-caller-identity")
                .put("aws_profile", "prod")
                .put("session_token", "abcd1234efgh5678");

        JsonNode out = REDACTOR.redactArguments("aws___call_aws", args).value();

        assertThat(out.get("cli_command").asText()).isEqualTo("aws sts get-caller-identity");
        assertThat(out.get("aws_profile").asText()).isEqualTo("prod");
        assertThat(out.get("session_token").asText()).isEqualTo(m("token-field", "abcd1234efgh5678"));
    }

    // ---------------------------------------------------------------------------------------------
    // aws___run_script: every string argument is Python; only quoted literals count as secret values.

    private static String script(String code) {
        return REDACTOR.redactArguments("aws___run_script", JSON.createObjectNode().put("script", code))
                .value().get("script").asText();
    }

    static Stream<Arguments> scripts() {
        return Stream.of(
                arguments("assigned password literal, quotes kept",
                        "password = \"hunter2\"\nconn = connect(host, password=password)",
                        "password = \"" + m("password-field", "hunter2") + "\"\nconn = connect(host, password=password)"),
                arguments("keyword argument SecretString='abc', Name kept",
                        "sm.create_secret(Name='prod/db', SecretString='abc')",
                        "sm.create_secret(Name='prod/db', SecretString='" + m("secret-field", "abc") + "')"),
                arguments("dict literal {\"password\": \"x\"}",
                        "creds = {\"username\": \"app\", \"password\": \"x\"}",
                        "creds = {\"username\": \"app\", \"password\": \"" + m("password-field", "x") + "\"}"),
                arguments("environment entry os.environ[\"DB_PASSWORD\"] = \"...\"",
                        "os.environ[\"DB_PASSWORD\"] = \"hunter2\"",
                        "os.environ[\"DB_PASSWORD\"] = \"" + m("password-field", "hunter2") + "\""),
                arguments("triple-quoted literal",
                        "db_password = \"\"\"hunter2\"\"\"",
                        "db_password = \"\"\"" + m("password-field", "hunter2") + "\"\"\""),
                arguments("multi-line triple-quoted literal",
                        "API_SECRET = '''line one\nline two'''\nprint('ok')",
                        "API_SECRET = '''" + m("secret-field", "line one\nline two") + "'''\nprint('ok')"),
                arguments("PEM key pasted into a script, whatever the variable is called",
                        "ssh_key = \"\"\"" + PEM + "\"\"\"\nopen('id_rsa', 'w').write(ssh_key)",
                        "ssh_key = \"\"\"" + m("private-key-pem", PEM) + "\"\"\"\nopen('id_rsa', 'w').write(ssh_key)"),
                arguments("libpq connection string in a literal",
                        "conn = psycopg2.connect(\"host=db dbname=orders user=app password=hunter2\")",
                        "conn = psycopg2.connect(\"host=db dbname=orders user=app password=" + m("password-field", "hunter2") + "\")"),
                arguments("query string in a literal",
                        "requests.get(\"https://api.example.com/v1/orders?stage=prod&api_key=k-0123456&limit=5\")",
                        "requests.get(\"https://api.example.com/v1/orders?stage=prod&api_key=" + m("api-key-field", "k-0123456")
                                + "&limit=5\")"),
                arguments("an .env file written from a literal: the escape ends the value",
                        "open('.env', 'w').write('DB_PASS=hunter2\\nREGION=eu-west-1\\n')",
                        "open('.env', 'w').write('DB_PASS=" + m("password-field", "hunter2") + "\\nREGION=eu-west-1\\n')"),
                arguments("boto3 client with an inline key pair: the access key id stays",
                        "s3 = boto3.client(\"s3\", aws_access_key_id=\"AKIAIOSFODNN7EXAMPLE\", "
                                + "aws_secret_access_key=\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\")",
                        "s3 = boto3.client(\"s3\", aws_access_key_id=\"AKIAIOSFODNN7EXAMPLE\", aws_secret_access_key=\""
                                + m("aws-secret-access-key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") + "\")"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void scriptSecretLiteralIsReplacedInPlace(String what, String code, String expected) {
        assertThat(script(code)).isEqualTo(expected);
    }

    static Stream<String> ordinaryScripts() {
        return Stream.of(
                "token = get_token()\nheaders = {\"X-Auth\": token}",
                "password = os.environ[\"DB_PASSWORD\"]",
                "secret = sm.get_secret_value(SecretId='prod/db')['SecretString']",
                "resp = sm.list_secrets(MaxResults=10, NextToken=next_token)",
                "if password == 'x':\n    print('default password in use')",
                "if token != \"\":\n    print(f\"token length={len(token)}\")",
                "usage = resp['usage']\nprint(usage['inputTokens'], usage['outputTokens'])",
                "dsn = f\"host={host} user=app password={password}\"",
                "url = \"https://api.example.com/v1?api_key=%s\" % api_key");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ordinaryScripts")
    void ordinaryScriptIsKeptByteIdentical(String code) {
        assertThat(script(code)).isEqualTo(code);
    }

    @Test
    void everyStringArgumentOfTheScriptToolIsTreatedAsScript() {
        ObjectNode args = JSON.createObjectNode()
                .put("code", "password = \"hunter2\"")
                .put("region", "us-east-1");

        JsonNode out = REDACTOR.redactArguments("aws___run_script", args).value();

        assertThat(out.get("code").asText()).isEqualTo("password = \"" + m("password-field", "hunter2") + "\"");
        assertThat(out.get("region").asText()).isEqualTo("us-east-1");
    }

    @Test
    void scriptRedactionTwiceChangesNothing() {
        String code = "password = \"hunter2\"\nsm.create_secret(Name='prod/db', SecretString='abc')";
        String once = script(code);

        assertThat(script(once)).isEqualTo(once);
    }

    // ---------------------------------------------------------------------------------------------

    private static String marker(String text) {
        Matcher matcher = ANY_MARKER.matcher(text);
        assertThat(matcher.find()).as("a marker in %s", text).isTrue();
        String found = matcher.group();
        assertThat(matcher.find()).as("only one marker in %s", text).isFalse();
        return found;
    }

    private static String fingerprintOf(String marker) {
        return marker.substring(marker.lastIndexOf(':') + 1, marker.length() - 1);
    }
}
