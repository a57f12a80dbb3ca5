package dev.mcpaudit.schema.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Secrets inside commands that an AWS call or a script carries: SQL that sets a password, a
 * database client's {@code -p}/{@code --password=}, argument lists. Only the secret is replaced; the
 * command around it stays as written.
 */
class EmbeddedCommandRedactionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FingerprintKey KEY = FingerprintKey.ephemeral();
    /**
     * The built-in rules without the model rule: AWS's service models mark some of these members (SSM's
     * Parameters, Lambda's Environment) sensitive and hide them whole (ModelRulesTest, ModelCorpusTest);
     * here the name/value and embedded-command rules are measured on their own.
     */
    private static final Redactor REDACTOR = new Redactor(
            RedactionRules.defaults().extendedWith("{\"disable\": [\"aws-model\"]}", "test"), KEY);

    private static String m(String rule, String secret) {
        return "[REDACTED:" + rule + ":" + KEY.fingerprint(secret) + "]";
    }

    private static String cli(String command) {
        return REDACTOR.redactArguments("aws___call_aws", JSON.createObjectNode().put("cli_command", command))
                .value().get("cli_command").asText();
    }

    private static String script(String code) {
        return REDACTOR.redactArguments("aws___run_script", JSON.createObjectNode().put("script", code))
                .value().get("script").asText();
    }

    static Stream<Arguments> commands() {
        return Stream.of(
                arguments("ssm send-command: mysql -p and a postgres URL in the commands",
                        "aws ssm send-command --document-name AWS-RunShellScript --targets Key=instanceids,Values=i-0abc "
                                + "--parameters 'commands=[\"mysql -u admin -pS3cret orders\", \"psql \\\"postgresql://app:pgS3cret@db/orders\\\"\"]'",
                        "aws ssm send-command --document-name AWS-RunShellScript --targets Key=instanceids,Values=i-0abc "
                                + "--parameters 'commands=[\"mysql -u admin -p" + m("db-client-password", "S3cret")
                                + " orders\", \"psql \\\"postgresql://app:" + m("connection-string-password", "pgS3cret")
                                + "@db/orders\\\"\"]'"),
                arguments("ssm send-command, parameters as JSON",
                        "aws ssm send-command --document-name AWS-RunShellScript --instance-ids i-0abc "
                                + "--parameters '{\"commands\":[\"mysqldump -h db -u root -pDump3r orders > /tmp/o.sql\"]}'",
                        "aws ssm send-command --document-name AWS-RunShellScript --instance-ids i-0abc "
                                + "--parameters '{\"commands\":[\"mysqldump -h db -u root -p" + m("db-client-password", "Dump3r")
                                + " orders > /tmp/o.sql\"]}'"),
                arguments("ecs execute-command with --password=",
                        "aws ecs execute-command --cluster c --task t --interactive --command \"mysql -h db --password=EcsS3cret\"",
                        "aws ecs execute-command --cluster c --task t --interactive --command \"mysql -h db --password="
                                + m("password-field", "EcsS3cret") + "\""),
                arguments("rds-data: CREATE USER ... WITH PASSWORD",
                        "aws rds-data execute-statement --resource-arn arn:aws:rds:eu-west-1:123456789012:cluster:c "
                                + "--secret-arn arn:aws:secretsmanager:eu-west-1:123456789012:secret:db --sql \"CREATE USER app WITH PASSWORD 'Sq1-a'\"",
                        "aws rds-data execute-statement --resource-arn arn:aws:rds:eu-west-1:123456789012:cluster:c "
                                + "--secret-arn arn:aws:secretsmanager:eu-west-1:123456789012:secret:db --sql \"CREATE USER app WITH PASSWORD '"
                                + m("sql-password", "Sq1-a") + "'\""),
                arguments("rds-data: ALTER USER ... IDENTIFIED BY, unquoted (Oracle)",
                        "aws rds-data execute-statement --resource-arn r --secret-arn s --sql 'ALTER USER app IDENTIFIED BY Sq1b'",
                        "aws rds-data execute-statement --resource-arn r --secret-arn s --sql 'ALTER USER app IDENTIFIED BY "
                                + m("sql-password", "Sq1b") + "'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void aSecretInsideACarriedCommandIsReplaced(String what, String command, String expected) {
        assertThat(cli(command)).isEqualTo(expected);
    }

    static Stream<Arguments> sql() {
        return Stream.of(
                arguments("CREATE ROLE ... LOGIN PASSWORD", "CREATE ROLE app WITH LOGIN PASSWORD 'r0le' VALID UNTIL '2030-01-01'", "r0le"),
                arguments("ALTER ROLE ... ENCRYPTED PASSWORD", "ALTER ROLE app ENCRYPTED PASSWORD 'r0le2'", "r0le2"),
                arguments("Redshift CREATE USER ... PASSWORD", "CREATE USER etl PASSWORD 'Rs1-pass' CREATEDB", "Rs1-pass"),
                arguments("MySQL CREATE USER ... IDENTIFIED BY", "CREATE USER 'app'@'%' IDENTIFIED BY 'my-S3cret';", "my-S3cret"),
                arguments("MySQL IDENTIFIED WITH plugin BY",
                        "ALTER USER 'app'@'%' IDENTIFIED WITH mysql_native_password BY 'nat1ve'", "nat1ve"),
                arguments("MySQL SET PASSWORD FOR", "SET PASSWORD FOR 'app'@'localhost' = 'setp4ss'", "setp4ss"),
                arguments("SQL Server CREATE LOGIN", "CREATE LOGIN app WITH PASSWORD = 'Ms-S3cret!'", "Ms-S3cret!"),
                arguments("quote doubled inside the literal", "ALTER USER app WITH PASSWORD 'it''s-secret'", "it''s-secret"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sql")
    void aSqlPasswordIsHidden(String what, String sql, String secret) {
        String out = REDACTOR.redactText(sql);

        assertThat(out).doesNotContain(secret).contains(m("sql-password", secret));
        assertThat(out.replace(m("sql-password", secret), secret)).isEqualTo(sql);
    }

    static Stream<Arguments> scripts() {
        return Stream.of(
                arguments("subprocess.run with -p and the password as the next element",
                        "subprocess.run([\"mysql\", \"-h\", host, \"-u\", \"admin\", \"-p\", \"Sub-S3cret\", \"orders\"])",
                        "subprocess.run([\"mysql\", \"-h\", host, \"-u\", \"admin\", \"-p\", \"" + m("db-client-password", "Sub-S3cret")
                                + "\", \"orders\"])"),
                arguments("an argument list split over lines",
                        "cmd = [\n    'mysql',\n    '-u', 'admin',\n    '-p', 'Ml-S3cret',\n]",
                        "cmd = [\n    'mysql',\n    '-u', 'admin',\n    '-p', '" + m("db-client-password", "Ml-S3cret") + "',\n]"),
                arguments("-pSECRET as one element",
                        "subprocess.check_call(['mysql', '-uadmin', '-pOne-S3cret', 'orders'])",
                        "subprocess.check_call(['mysql', '-uadmin', '-p" + m("db-client-password", "One-S3cret") + "', 'orders'])"),
                arguments("--password and its literal",
                        "args = [\"--password\", \"Arg-S3cret\", \"--user\", \"admin\"]",
                        "args = [\"--password\", \"" + m("password-field", "Arg-S3cret") + "\", \"--user\", \"admin\"]"),
                arguments("a tuple with --db-password",
                        "run(('deploy', '--db-password', 'Tup-S3cret', '--stage', 'prod'))",
                        "run(('deploy', '--db-password', '" + m("password-field", "Tup-S3cret") + "', '--stage', 'prod'))"),
                arguments("--password= inside a command string",
                        "os.system(\"mysql -h db --password=Str-S3cret orders < dump.sql\")",
                        "os.system(\"mysql -h db --password=" + m("password-field", "Str-S3cret") + " orders < dump.sql\")"),
                arguments("SQL in cursor.execute",
                        "cur.execute(\"ALTER USER app WITH PASSWORD 'Cur-S3cret'\")",
                        "cur.execute(\"ALTER USER app WITH PASSWORD '" + m("sql-password", "Cur-S3cret") + "'\")"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void aSecretInAScriptsCommandIsReplaced(String what, String code, String expected) {
        assertThat(script(code)).isEqualTo(expected);
    }

    @Test
    void anEcsContainerCommandListHidesThePasswordElements() {
        String definition = "{\"containerDefinitions\": [{\"name\": \"migrate\", "
                + "\"command\": [\"mysql\", \"-h\", \"db\", \"-uadmin\", \"-pEcs-S3cret\", \"orders\"]}, "
                + "{\"name\": \"seed\", \"entryPoint\": [\"/usr/bin/mysql\", \"-p\", \"Seed-S3cret\"]}, "
                + "{\"name\": \"app\", \"command\": [\"app\", \"--api-token\", \"Tok-S3cret\", \"--port\", \"8080\"]}]}";

        JsonNode out = REDACTOR.redact(json(definition)).value();

        assertThat(out.at("/containerDefinitions/0/command")).isEqualTo(json("[\"mysql\", \"-h\", \"db\", \"-uadmin\", \"-p"
                + m("db-client-password", "Ecs-S3cret") + "\", \"orders\"]"));
        assertThat(out.at("/containerDefinitions/1/entryPoint")).isEqualTo(json("[\"/usr/bin/mysql\", \"-p\", \""
                + m("db-client-password", "Seed-S3cret") + "\"]"));
        assertThat(out.at("/containerDefinitions/2/command")).isEqualTo(json("[\"app\", \"--api-token\", \""
                + m("token-field", "Tok-S3cret") + "\", \"--port\", \"8080\"]"));
    }

    static Stream<String> ordinaryText() {
        return Stream.of(
                "mkdir -p /backup && mysql -u root -p orders < /backup/orders.sql",
                "mysql -h db -u app -p$MYSQL_PWD orders",
                "docker run -p 3306:3306 mysql:8",
                "ssh -p 2222 ec2-user@10.0.0.5 'mysql -u app orders'",
                "FATAL: password authentication failed for user \"app\"",
                "The resource identified by arn:aws:rds:eu-west-1:123456789012:db:orders was not found.",
                "Rotate the password for the user that your application uses, then update the secret.",
                "aws rds modify-db-instance --db-instance-identifier orders --engine-version 8.0.36 --apply-immediately");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ordinaryText")
    void ordinaryTextIsKept(String text) {
        assertThat(REDACTOR.redactText(text)).isEqualTo(text);
    }

    static Stream<String> ordinaryScripts() {
        return Stream.of(
                "subprocess.run([\"mysql\", \"-u\", user, \"-p\" + password, db])",
                "subprocess.run([\"mysql\", \"--password\", password])",
                "cmd = f\"mysql --password={pw} orders\"",
                "cmd = \"mysql --password \" + pw",
                "cur.execute(\"ALTER USER app WITH PASSWORD %s\", (pw,))",
                "args = [\"--user\", \"admin\", \"--region\", \"eu-west-1\"]",
                "subprocess.run(['mkdir', '-p', '/tmp/out'])");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ordinaryScripts")
    void scriptCodeAroundCommandsIsKept(String code) {
        assertThat(script(code)).isEqualTo(code);
    }

    @Test
    void ordinaryArgumentListsInJsonAreKept() {
        String json = "{\"command\": [\"sh\", \"-c\", \"echo ready\"], \"args\": [\"--user\", \"admin\", \"-p\", \"8080\"],"
                + " \"ports\": [\"-p\", \"3306\"]}";

        assertThat(REDACTOR.redact(json(json)).value()).isEqualTo(json(json));
    }

    @Test
    void redactingTwiceChangesNothing() {
        String code = "subprocess.run(['mysql', '-p', 'A1', '-pB2'])\nargs = ['--password', 'C3']\n"
                + "cur.execute(\"CREATE USER x WITH PASSWORD 'D4'\")";
        String once = script(code);

        assertThat(once).doesNotContain("'A1'", "-pB2", "'C3'", "'D4'");
        assertThat(script(once)).isEqualTo(once);
        JsonNode json = json("{\"command\": [\"mysql\", \"-p\", \"E5\", \"-pF6\", \"--password\", \"G7\"]}");
        JsonNode jsonOnce = REDACTOR.redact(json).value();
        assertThat(jsonOnce.toString()).doesNotContain("\"E5\"", "-pF6", "\"G7\"");
        assertThat(REDACTOR.redact(jsonOnce).findings()).isEmpty();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
