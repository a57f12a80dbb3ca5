package dev.mcpaudit.schema.redact;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one notion of "a name that says secret": the key rules, asked through
 * {@link RedactionRules#keyRuleFor}. JSON keys, CLI flags, assignments ({@code DB_PASS=…}) and the
 * names of name/value pairs ({@code {"name": "DB_PASS", "value": …}}) all ask it, so this table is
 * what decides for each of them.
 */
class SecretNamesTest {
    private static final RedactionRules RULES = RedactionRules.defaults();

    @ParameterizedTest(name = "{0} says secret ({1})")
    @CsvSource(delimiter = '|', textBlock = """
            DB_PASSWORD               | password-field
            dbPassword                | password-field
            MasterUserPassword        | password-field
            PASSWD                    | password-field
            db_passwd                 | password-field
            PWD                       | password-field
            DB_PWD                    | password-field
            passphrase                | password-field
            DB_PASS                   | password-field
            dbPass                    | password-field
            db-pass                   | password-field
            --db-pass                 | password-field
            PASS                      | password-field
            pass                      | password-field
            MYSQL_ROOT_PASS           | password-field
            SMTP_PASS2                | password-field
            ROOT_PW                   | password-field
            dbPw                      | password-field
            /prod/db/password         | password-field
            SECRET                    | secret-field
            STRIPE_SECRET_KEY         | secret-field
            clientSecret              | secret-field
            TOKEN                     | token-field
            AUTH_TOKEN                | token-field
            githubToken               | token-field
            CREDENTIALS               | credential-field
            credential                | credential-field
            PRIVATE_KEY               | private-key-field
            sshPrivateKey             | private-key-field
            API_KEY                   | api-key-field
            APIKEY                    | api-key-field
            apiKey                    | api-key-field
            X-Api-Key                 | api-key-field
            OPENAI_API_KEY            | api-key-field
            Authorization             | authorization-field
            AUTH                      | auth-field
            auth                      | auth-field
            BasicAuth                 | auth-field
            basic_auth                | auth-field
            X-Auth                    | auth-field
            SMTP_AUTH                 | auth-field
            HTTPAuth                  | auth-field
            proxyAuth                 | auth-field
            AUTH_KEY                  | auth-field
            SECURE_AUTH_SALT          | auth-field
            auth_string               | auth-field
            authKey                   | auth-field
            AuthCode                  | auth-field
            """)
    void aSecretNameIsRecognisedWhateverItsSpelling(String name, String rule) {
        assertThat(RULES.keyRuleFor(name)).as(name).isNotNull();
        assertThat(RULES.keyRuleFor(name).name()).isEqualTo(rule);
    }

    @ParameterizedTest(name = "{0} is an ordinary name")
    @CsvSource(textBlock = """
            Env
            Region
            TableName
            Stage
            LOG_LEVEL
            DB_HOST
            DB_USER
            DB_NAME
            Name
            Key
            Value
            ParameterKey
            ParameterValue
            OptionName
            Passenger
            PassThrough
            pass_through
            passthroughBehavior
            PassRole
            iam:PassRole
            Bypass
            Compass
            Passport
            PASS_COUNT
            PasswordLastUsed
            PasswordResetRequired
            Author
            AUTHOR_EMAIL
            Authority
            CertificateAuthorityArn
            AuthType
            auth_type
            AuthFlow
            --auth-flow
            ExplicitAuthFlows
            AllowedOAuthFlows
            AllowedOAuthScopes
            OAuth
            IAMAuth
            AuthParameters
            --auth-parameters
            AuthenticationType
            SelectiveAuth
            aws:secretsmanager:owningService
            authorizationType
            SecretId
            SecretArn
            NextToken
            ClientToken
            inputTokens
            apiKeySource
            PublicKey
            KeyName
            """)
    void aNearMissStaysReadable(String name) {
        assertThat(RULES.keyRuleFor(name)).as(name).isNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            dbPass,              db_pass
            DB_PASS,             db_pass
            db-pass,             db_pass
            --db-pass,           db_pass
            BasicAuth,           basic_auth
            HTTPAuth,            http_auth
            OAuth,               o_auth
            Passenger,           passenger
            STRIPE_SECRET_KEY,   stripe_secret_key
            SMTP_PASS2,          smtp_pass2
            s3Bucket,            s3_bucket
            os.environ,          os_environ
            """)
    void namesSplitIntoWordsAtCaseChangesAndSeparators(String name, String words) {
        assertThat(NameWords.of(name)).isEqualTo(words);
    }
}
