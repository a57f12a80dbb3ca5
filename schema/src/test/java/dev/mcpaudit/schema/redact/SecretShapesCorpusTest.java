package dev.mcpaudit.schema.redact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's class of leak, one shape at a time: a secret given as the value of a name/value pair,
 * or inside a command that an AWS call or a script carries. Each shape plants unique secrets and
 * non-secret neighbours (including near misses such as {@code ParameterKey=Env}, {@code Passenger},
 * {@code AuthType}, {@code mkdir -p}), goes through {@link Redactor#redactPayload} as the recorder's
 * events do, and is checked: every secret gone, every neighbour still there. Prints one line with
 * recall and false positives.
 */
class SecretShapesCorpusTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The built-in rules without the model rule: AWS's service models mark some of these members (SSM's
     * Parameters, Lambda's Environment) sensitive and hide them whole (ModelRulesTest, ModelCorpusTest);
     * here the name/value and embedded-command rules are measured on their own.
     */
    private static final Redactor REDACTOR = new Redactor(
            RedactionRules.defaults().extendedWith("{\"disable\": [\"aws-model\"]}", "test"), FingerprintKey.ephemeral());

    enum Kind {
        /** {@code aws___call_aws}'s {@code cli_command}. */
        CLI,
        /** {@code aws___run_script}'s {@code script}. */
        SCRIPT,
        /** The JSON arguments of another tool. */
        ARGS,
        /** A tool result: the text (JSON or not) in {@code content[0].text}. */
        RESULT_TEXT,
        /** A tool result's {@code structuredContent}. */
        RESULT_STRUCTURED
    }

    /** Hands out unique values and remembers which must go and which must stay. */
    static final class Plant {
        private static int next = 0;
        final List<String> secrets = new ArrayList<>();
        final List<String> neighbours = new ArrayList<>();

        /** A secret: letters and digits, so it reads the same in every syntax and JSON escapes nothing. */
        String s() {
            String v = "Sx" + String.format("%04d", ++next) + "Qz";
            secrets.add(v);
            return v;
        }

        /** A value that must stay readable. */
        String n() {
            String v = "nb" + String.format("%04d", ++next);
            neighbours.add(v);
            return v;
        }
    }

    record Shape(String name, Kind kind, Function<Plant, String> input) {}

    static final List<Shape> SHAPES = List.of(
            // ---------------- arguments: cli_command ----------------
            new Shape("cfn shorthand parameters", Kind.CLI, p -> "aws cloudformation create-stack --stack-name app "
                    + "--template-body file://t.yaml --parameters ParameterKey=DBPassword,ParameterValue=" + p.s()
                    + " ParameterKey=Env,ParameterValue=" + p.n() + " ParameterKey=DBPasswordSecretArn,ParameterValue=arn:aws:secretsmanager:eu-west-1:123456789012:secret:" + p.n()),
            new Shape("cfn shorthand, value before key", Kind.CLI, p -> "aws cloudformation update-stack --stack-name app "
                    + "--use-previous-template --parameters ParameterValue=" + p.s() + ",ParameterKey=MasterUserPassword ParameterValue="
                    + p.n() + ",ParameterKey=Stage"),
            new Shape("cfn JSON parameters", Kind.CLI, p -> "aws cloudformation create-stack --stack-name app --template-body file://t.yaml "
                    + "--parameters '[{\"ParameterKey\":\"ApiToken\",\"ParameterValue\":\"" + p.s() + "\"},"
                    + "{\"ParameterKey\":\"Env\",\"ParameterValue\":\"" + p.n() + "\"}]'"),
            new Shape("lambda Variables={...} shorthand", Kind.CLI, p -> "aws lambda update-function-configuration --function-name api "
                    + "--environment \"Variables={DB_PASS=" + p.s() + ",REGION=" + p.n() + ",Passenger=" + p.n() + "}\""),
            new Shape("lambda Variables as JSON", Kind.CLI, p -> "aws lambda create-function --function-name api --runtime python3.12 "
                    + "--role arn:aws:iam::123456789012:role/r --handler h.main --zip-file fileb://f.zip "
                    + "--environment '{\"Variables\":{\"dbPassword\":\"" + p.s() + "\",\"Stage\":\"" + p.n() + "\"}}'"),
            new Shape("ecs container definitions, JSON in an argument", Kind.CLI, p -> "aws ecs register-task-definition --family api "
                    + "--container-definitions '[{\"name\":\"api\",\"image\":\"api:1\",\"environment\":[{\"name\":\"DB_PASSWORD\",\"value\":\""
                    + p.s() + "\"},{\"name\":\"STAGE\",\"value\":\"" + p.n() + "\"}]}]'"),
            new Shape("ecs run-task overrides shorthand", Kind.CLI, p -> "aws ecs run-task --cluster c --task-definition api --overrides "
                    + "'containerOverrides=[{name=api,environment=[{name=API_KEY,value=" + p.s() + "},{name=STAGE,value=" + p.n() + "}]}]'"),
            new Shape("elastic beanstalk option settings shorthand", Kind.CLI, p -> "aws elasticbeanstalk update-environment "
                    + "--environment-name prod --option-settings Namespace=aws:elasticbeanstalk:application:environment,OptionName=DB_PASS,Value="
                    + p.s() + " Namespace=aws:elasticbeanstalk:application:environment,OptionName=PassThrough,Value=" + p.n()),
            new Shape("elastic beanstalk option settings JSON", Kind.CLI, p -> "aws elasticbeanstalk create-environment --application-name a "
                    + "--environment-name prod --solution-stack-name x --option-settings '[{\"Namespace\":\"aws:elasticbeanstalk:application:environment\","
                    + "\"OptionName\":\"STRIPE_SECRET_KEY\",\"Value\":\"" + p.s() + "\"},{\"Namespace\":\"aws:elasticbeanstalk:application:environment\","
                    + "\"OptionName\":\"Region\",\"Value\":\"" + p.n() + "\"}]'"),
            new Shape("tags shorthand", Kind.CLI, p -> "aws ssm add-tags-to-resource --resource-type Parameter --resource-id p "
                    + "--tags Key=api_token,Value=" + p.s() + " Key=team,Value=" + p.n()),
            new Shape("cognito user attributes shorthand", Kind.CLI, p -> "aws cognito-idp admin-update-user-attributes --user-pool-id "
                    + "eu-west-1_abc --username bob --user-attributes Name=custom:api_secret,Value=" + p.s() + " Name=email,Value="
                    + p.n() + "@example.com"),
            new Shape("codebuild environment variables shorthand", Kind.CLI, p -> "aws codebuild start-build --project-name web "
                    + "--environment-variables-override name=GITHUB_TOKEN,value=" + p.s() + ",type=PLAINTEXT name=NODE_ENV,value="
                    + p.n() + ",type=PLAINTEXT"),
            new Shape("query-string-like message body", Kind.CLI, p -> "aws sqs send-message --queue-url "
                    + "https://sqs.eu-west-1.amazonaws.com/123456789012/q --message-body 'stage=" + p.n() + "&db_password=" + p.s() + "&retry=1'"),
            new Shape("ssm send-command: KEY=value in commands", Kind.CLI, p -> "aws ssm send-command --document-name AWS-RunShellScript "
                    + "--instance-ids i-0abc --parameters 'commands=[\"export PGPASSWORD=" + p.s() + "\",\"psql -h " + p.n() + " -U app -c \\\"select 1\\\"\"]'"),
            new Shape("ssm send-command: mysql -p", Kind.CLI, p -> "aws ssm send-command --document-name AWS-RunShellScript "
                    + "--instance-ids i-0abc --parameters 'commands=[\"mkdir -p /srv/" + p.n() + "\",\"mysql -h " + p.n() + " -u admin -p" + p.s() + " orders\"]'"),
            new Shape("ssm send-command: postgres URL", Kind.CLI, p -> "aws ssm send-command --document-name AWS-RunShellScript "
                    + "--instance-ids i-0abc --parameters '{\"commands\":[\"psql postgresql://app:" + p.s() + "@" + p.n() + ":5432/orders\"]}'"),
            new Shape("ecs execute-command: --password=", Kind.CLI, p -> "aws ecs execute-command --cluster c --task t --interactive "
                    + "--command \"mysql -h " + p.n() + " --password=" + p.s() + "\""),
            new Shape("rds-data: CREATE USER WITH PASSWORD", Kind.CLI, p -> "aws rds-data execute-statement --resource-arn r --secret-arn s "
                    + "--sql \"CREATE USER " + p.n() + " WITH PASSWORD '" + p.s() + "'\""),
            new Shape("rds-data: ALTER USER IDENTIFIED BY", Kind.CLI, p -> "aws rds-data execute-statement --resource-arn r --secret-arn s "
                    + "--sql 'ALTER USER " + p.n() + " IDENTIFIED BY " + p.s() + "'"),
            new Shape("rds-data: ALTER ROLE ... PASSWORD", Kind.CLI, p -> "aws rds-data execute-statement --resource-arn r --secret-arn s "
                    + "--sql \"ALTER ROLE " + p.n() + " WITH ENCRYPTED PASSWORD '" + p.s() + "'\""),
            new Shape("amplify basic auth flag", Kind.CLI, p -> "aws amplify update-branch --app-id d1 --branch-name " + p.n()
                    + " --enable-basic-auth --basic-auth-credentials " + p.s()),
            new Shape("cli-input-json with an environment", Kind.CLI, p -> "aws ecs register-task-definition --cli-input-json "
                    + "'{\"family\":\"" + p.n() + "\",\"containerDefinitions\":[{\"name\":\"api\",\"environment\":[{\"name\":\"SMTP_AUTH\",\"value\":\""
                    + p.s() + "\"},{\"name\":\"AuthType\",\"value\":\"" + p.n() + "\"}]}]}'"),
            new Shape("eventbridge connection headers", Kind.CLI, p -> "aws events create-connection --name conn --authorization-type API_KEY "
                    + "--auth-parameters '{\"ApiKeyAuthParameters\":{\"ApiKeyName\":\"x-api-key\",\"ApiKeyValue\":\"" + p.s() + "\"},"
                    + "\"InvocationHttpParameters\":{\"HeaderParameters\":[{\"Key\":\"X-Auth\",\"Value\":\"" + p.s() + "\",\"IsValueSecret\":true},"
                    + "{\"Key\":\"Accept\",\"Value\":\"" + p.n() + "\"}]}}'"),

            // ---------------- arguments: run_script ----------------
            new Shape("os.environ assignment", Kind.SCRIPT, p -> "import os\nos.environ['DB_PASS'] = '" + p.s() + "'\nos.environ['STAGE'] = '"
                    + p.n() + "'\n"),
            new Shape("python list of name/value dicts", Kind.SCRIPT, p -> "env = [{'name': 'DB_PASSWORD', 'value': '" + p.s()
                    + "'}, {'name': 'STAGE', 'value': '" + p.n() + "'}]\necs.register_task_definition(family='api', containerDefinitions=[{'name': 'api', 'environment': env}])"),
            new Shape("boto3 cloudformation parameters", Kind.SCRIPT, p -> "cfn.create_stack(StackName='app', Parameters=[\n"
                    + "    {'ParameterKey': 'DBPassword', 'ParameterValue': '" + p.s() + "'},\n"
                    + "    {'ParameterKey': 'Env', 'ParameterValue': '" + p.n() + "'},\n])"),
            new Shape("boto3 lambda environment dict", Kind.SCRIPT, p -> "lam.update_function_configuration(FunctionName='api', "
                    + "Environment={'Variables': {'DB_PASS': '" + p.s() + "', 'REGION': '" + p.n() + "'}})"),
            new Shape("keyword arguments Name=/Value=", Kind.SCRIPT, p -> "settings = [dict(Name=\"API_TOKEN\", Value=\"" + p.s()
                    + "\"), dict(Name=\"STAGE\", Value=\"" + p.n() + "\")]"),
            new Shape("subprocess mysql -p, password as next element", Kind.SCRIPT, p -> "subprocess.run([\"mysql\", \"-h\", \"" + p.n()
                    + "\", \"-u\", \"admin\", \"-p\", \"" + p.s() + "\"], check=True)"),
            new Shape("argument list --password", Kind.SCRIPT, p -> "args = [\"--password\", \"" + p.s() + "\", \"--user\", \"" + p.n() + "\"]"),
            new Shape("argument list -pSECRET", Kind.SCRIPT, p -> "subprocess.check_call(['mysqldump', '-u', '" + p.n() + "', '-p" + p.s()
                    + "', 'orders'])"),
            new Shape("cursor.execute CREATE USER", Kind.SCRIPT, p -> "cur.execute(\"CREATE USER " + p.n() + " WITH PASSWORD '" + p.s() + "'\")"),
            new Shape("os.system with --password=", Kind.SCRIPT, p -> "os.system(\"mysql -h " + p.n() + " --password=" + p.s() + " orders < d.sql\")"),
            new Shape("query string in a literal", Kind.SCRIPT, p -> "requests.get(\"https://api.example.com/v1?stage=" + p.n() + "&api_key="
                    + p.s() + "&limit=5\")"),
            new Shape("libpq connection string", Kind.SCRIPT, p -> "conn = psycopg2.connect(\"host=" + p.n() + " dbname=orders user=app password="
                    + p.s() + "\")"),
            new Shape("JSON written in a string literal", Kind.SCRIPT, p -> "body = \"[{\\\"name\\\": \\\"DB_PASS\\\", \\\"value\\\": \\\"" + p.s()
                    + "\\\"}, {\\\"name\\\": \\\"STAGE\\\", \\\"value\\\": \\\"" + p.n() + "\\\"}]\""),
            new Shape("boto3 elastic beanstalk option settings", Kind.SCRIPT, p -> "eb.update_environment(EnvironmentName='prod', OptionSettings=["
                    + "{'Namespace': 'aws:elasticbeanstalk:application:environment', 'OptionName': 'AUTH_KEY', 'Value': '" + p.s() + "'}, "
                    + "{'Namespace': 'aws:elasticbeanstalk:application:environment', 'OptionName': 'STAGE', 'Value': '" + p.n() + "'}])"),

            // ---------------- arguments: another tool's JSON ----------------
            new Shape("top-level name/value arguments", Kind.ARGS, p -> "{\"name\": \"DB_PASSWORD\", \"value\": \"" + p.s() + "\", \"scope\": \""
                    + p.n() + "\"}"),
            new Shape("nested key/value settings", Kind.ARGS, p -> "{\"settings\": [{\"key\": \"apiKey\", \"value\": \"" + p.s()
                    + "\"}, {\"key\": \"region\", \"value\": \"" + p.n() + "\"}]}"),

            // ---------------- results ----------------
            new Shape("lambda get-function-configuration", Kind.RESULT_TEXT, p -> "{\"FunctionName\": \"" + p.n() + "\", \"Runtime\": \"python3.12\", "
                    + "\"Environment\": {\"Variables\": {\"DB_PASS\": \"" + p.s() + "\", \"REGION\": \"" + p.n() + "\"}}}"),
            new Shape("ecs describe-task-definition environment", Kind.RESULT_TEXT, p -> "{\"taskDefinition\": {\"family\": \"api\", "
                    + "\"containerDefinitions\": [{\"name\": \"api\", \"environment\": [{\"name\": \"STAGE\", \"value\": \"" + p.n() + "\"}, "
                    + "{\"name\": \"DB_PASSWORD\", \"value\": \"" + p.s() + "\"}], \"secrets\": []}]}}"),
            new Shape("cloudformation describe-stacks parameters and outputs", Kind.RESULT_TEXT, p -> "{\"Stacks\": [{\"StackName\": \"app\", "
                    + "\"Parameters\": [{\"ParameterKey\": \"DBPassword\", \"ParameterValue\": \"" + p.s() + "\"}, {\"ParameterKey\": \"Env\", "
                    + "\"ParameterValue\": \"" + p.n() + "\"}], \"Outputs\": [{\"OutputKey\": \"AdminToken\", \"OutputValue\": \"" + p.s()
                    + "\"}, {\"OutputKey\": \"WebsiteURL\", \"OutputValue\": \"https://" + p.n() + ".example.com\"}]}]}"),
            new Shape("elastic beanstalk describe-configuration-settings", Kind.RESULT_TEXT, p -> "{\"ConfigurationSettings\": [{\"OptionSettings\": ["
                    + "{\"Namespace\": \"aws:elasticbeanstalk:application:environment\", \"OptionName\": \"DB_PASS\", \"Value\": \"" + p.s() + "\"}, "
                    + "{\"Namespace\": \"aws:elasticbeanstalk:application:environment\", \"OptionName\": \"STAGE\", \"Value\": \"" + p.n() + "\"}]}]}"),
            new Shape("ssm get-parameters --with-decryption", Kind.RESULT_TEXT, p -> "{\"Parameters\": [{\"Name\": \"/prod/db/password\", "
                    + "\"Type\": \"SecureString\", \"Value\": \"" + p.s() + "\", \"Version\": 2}, {\"Name\": \"/prod/app/stage\", \"Type\": \"String\", "
                    + "\"Value\": \"" + p.n() + "\", \"Version\": 1}], \"InvalidParameters\": []}"),
            new Shape("cognito admin-get-user attributes", Kind.RESULT_TEXT, p -> "{\"Username\": \"bob\", \"UserAttributes\": [{\"Name\": "
                    + "\"custom:api_token\", \"Value\": \"" + p.s() + "\"}, {\"Name\": \"email\", \"Value\": \"" + p.n() + "@example.com\"}]}"),
            new Shape("structuredContent parameters", Kind.RESULT_STRUCTURED, p -> "{\"Parameters\": [{\"Name\": \"/app/api-token\", \"Value\": \""
                    + p.s() + "\"}, {\"Name\": \"/app/stage\", \"Value\": \"" + p.n() + "\"}, {\"Key\": \"Passenger\", \"Value\": \"" + p.n() + "\"}]}"),
            new Shape("YAML manifest env", Kind.RESULT_TEXT, p -> "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: api\n      env:\n"
                    + "        - name: STAGE\n          value: " + p.n() + "\n        - name: DB_PASSWORD\n          value: " + p.s() + "\n"),
            new Shape(".env file", Kind.RESULT_TEXT, p -> "DB_PASS=" + p.s() + "\nSMTP_AUTH=" + p.s() + "\nREGION=" + p.n() + "\nAuthType=" + p.n() + "\n"),
            new Shape("AWS query string", Kind.RESULT_TEXT, p -> "POST / Action=CreateStack&StackName=app&Parameters.member.1.ParameterKey=DBPassword"
                    + "&Parameters.member.1.ParameterValue=" + p.s() + "&Parameters.member.2.ParameterKey=Env&Parameters.member.2.ParameterValue=" + p.n()),
            new Shape("log events with SQL", Kind.RESULT_TEXT, p -> "{\"events\": [{\"timestamp\": 1, \"message\": \"LOG: statement: ALTER USER app "
                    + "IDENTIFIED BY '" + p.s() + "'\"}, {\"timestamp\": 2, \"message\": \"LOG: connection authorized: user=" + p.n() + "\"}]}"),
            new Shape("ssm get-command-invocation output", Kind.RESULT_TEXT, p -> "{\"Status\": \"Success\", \"StandardOutputContent\": \"+ mysql -h "
                    + p.n() + " -u admin -p" + p.s() + " orders\\n1 row\\n\"}"),
            new Shape("ecs container command list", Kind.RESULT_TEXT, p -> "{\"containerDefinitions\": [{\"name\": \"migrate\", \"command\": "
                    + "[\"mysql\", \"-h\", \"" + p.n() + "\", \"-p" + p.s() + "\"]}, {\"name\": \"app\", \"command\": [\"app\", \"--db-password\", \""
                    + p.s() + "\", \"--port\", \"" + p.n() + "\"]}]}"),
            new Shape("HTTP headers as name/value", Kind.RESULT_TEXT, p -> "{\"request\": {\"headers\": [{\"name\": \"X-Auth\", \"value\": \"" + p.s()
                    + "\"}, {\"name\": \"Accept\", \"value\": \"" + p.n() + "\"}]}}"),
            new Shape("codebuild batch-get-projects", Kind.RESULT_TEXT, p -> "{\"projects\": [{\"name\": \"web\", \"environment\": {\"environmentVariables\": "
                    + "[{\"name\": \"NPM_TOKEN\", \"value\": \"" + p.s() + "\", \"type\": \"PLAINTEXT\"}, {\"name\": \"NODE_ENV\", \"value\": \""
                    + p.n() + "\", \"type\": \"PLAINTEXT\"}]}}]}"),
            new Shape("log line holding JSON", Kind.RESULT_TEXT, p -> "2024-05-01T10:00:00Z deploy env=[{\"name\":\"DB_PASSWORD\",\"value\":\"" + p.s()
                    + "\"},{\"name\":\"STAGE\",\"value\":\"" + p.n() + "\"}] done"));

    @Test
    void everyPlantedSecretIsHiddenAndEveryNeighbourKept() {
        int planted = 0;
        int hidden = 0;
        int neighbours = 0;
        int neighboursHidden = 0;
        int inArguments = 0;
        List<String> leaks = new ArrayList<>();
        List<String> falsePositives = new ArrayList<>();
        for (Shape shape : SHAPES) {
            Plant p = new Plant();
            String input = shape.input().apply(p);
            String stored = REDACTOR.redactPayload(payload(shape.kind(), input)).value().toString();
            inArguments += shape.kind().ordinal() <= Kind.ARGS.ordinal() ? 1 : 0;
            for (String secret : p.secrets) {
                planted++;
                if (stored.contains(secret)) {
                    leaks.add(shape.name() + ": " + secret + " in " + stored);
                } else {
                    hidden++;
                }
            }
            for (String neighbour : p.neighbours) {
                neighbours++;
                if (!stored.contains(neighbour)) {
                    neighboursHidden++;
                    falsePositives.add(shape.name() + ": " + neighbour + " gone from " + stored);
                }
            }
            assertThat(p.secrets).as(shape.name()).isNotEmpty();
            assertThat(p.neighbours).as(shape.name()).isNotEmpty();
        }

        System.out.printf("secret shapes corpus: %d shapes (%d in arguments, %d in results); recall %d/%d = %.1f%%; "
                        + "false positives %d of %d neighbours hidden (%.1f%%)%n",
                SHAPES.size(), inArguments, SHAPES.size() - inArguments, hidden, planted, 100.0 * hidden / planted,
                neighboursHidden, neighbours, 100.0 * neighboursHidden / neighbours);
        assertThat(leaks).as("secrets stored in clear").isEmpty();
        assertThat(falsePositives).as("neighbours hidden").isEmpty();
        assertThat(SHAPES.size()).isGreaterThanOrEqualTo(50);
    }

    private static JsonNode payload(Kind kind, String input) {
        ObjectNode payload = JSON.createObjectNode();
        switch (kind) {
            case CLI -> payload.put("tool", "aws___call_aws").putObject("args").put("cli_command", input);
            case SCRIPT -> payload.put("tool", "aws___run_script").putObject("args").put("script", input);
            case ARGS -> payload.put("tool", "settings___put").set("args", json(input));
            case RESULT_TEXT -> {
                ObjectNode result = payload.put("outcome", "ok").putObject("result");
                result.putArray("content").addObject().put("type", "text").put("text", input);
                result.put("isError", false);
            }
            case RESULT_STRUCTURED -> {
                ObjectNode result = payload.put("outcome", "ok").putObject("result");
                result.putArray("content").addObject().put("type", "text").put("text", "ok");
                result.set("structuredContent", json(input));
            }
        }
        return payload;
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
