package dev.mcpaudit.proxy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.fixtures.AwsProfileFiles;
import dev.mcpaudit.fixtures.AwsProfileFiles.ProfileSpec;
import dev.mcpaudit.fixtures.DemoSeed;
import dev.mcpaudit.fixtures.FakeAwsMcpServer;
import dev.mcpaudit.fixtures.FixtureProfiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sessions committed as fixtures (src-test-fixtures/src/main/resources/fixtures/), made as a user
 * makes theirs: the real proxy, started over stdio with {@code --record-results}, driven the way an
 * agent drives it, against the SigV4-checking fake AWS MCP Server with two accounts.
 */
final class RecordedSessions implements AutoCloseable {
    static final ProfileSpec DEV = FixtureProfiles.DEV;
    static final ProfileSpec PROD = FixtureProfiles.PROD;
    static final String DEV_ACCOUNT = FixtureProfiles.DEV_ACCOUNT;
    static final String PROD_ACCOUNT = FixtureProfiles.PROD_ACCOUNT;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final FakeAwsMcpServer upstream;
    private final Map<String, String> env = new HashMap<>();
    private final Path db;
    private ProxyProcess proxy;
    private int nextId = 1;

    RecordedSessions(Path dir, Path db) {
        AwsProfileFiles profiles = AwsProfileFiles.write(dir.resolve("aws"), List.of(DEV, PROD));
        upstream = FakeAwsMcpServer.forProfiles(List.of(DEV, PROD), "aws-mcp", "us-east-1")
                .withAccount(DEV.accessKeyId(), DEV_ACCOUNT)
                .withAccount(PROD.accessKeyId(), PROD_ACCOUNT);
        profiles.applyTo(env);
        env.put("HOME", dir.toString());
        env.putAll(upstream.stsEnvironment());
        env.put("MCP_AUDIT_DB", db.toString());
        this.db = db;
    }

    Path db() {
        return db;
    }

    Map<String, String> env() {
        return env;
    }

    /** The id of the session started last in a log. */
    static String lastSessionId(Path db) throws java.sql.SQLException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
                java.sql.ResultSet rs = c.createStatement().executeQuery(
                        "SELECT session_id FROM events WHERE type = 'session.started' ORDER BY seq DESC LIMIT 1")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** An engineer looks into failing orders across dev and prod: identities, functions, a script, logs. */
    void crossAccountInvestigation() throws Exception {
        start();
        callAws("aws sts get-caller-identity", "dev");
        callAws("aws sts get-caller-identity", "prod");
        callAws("aws lambda list-functions --region us-east-1", "dev");
        callAws("aws lambda list-functions --region eu-west-1", "prod");
        call("aws___run_script", "script", "import boto3\nfns = boto3.client('lambda').list_functions()['Functions']\n"
                + "print(sorted(f['FunctionName'] for f in fns))", "prod");
        callAws("aws logs filter-log-events --log-group-name /aws/lambda/orders --filter-pattern ERROR", "prod");
        stop();
    }

    /**
     * The seed session of {@code audit-cli demo}: who the agent is in each account, the Lambda
     * functions of both, a script, a profile that is not allowed, and a write that carries a secret.
     */
    void demo() throws Exception {
        start();
        callAws("aws sts get-caller-identity", "dev");
        callAws("aws sts get-caller-identity", "prod");
        callAws("aws lambda list-functions --region us-east-1", "dev");
        callAws("aws lambda list-functions --region eu-west-1", "prod");
        call("aws___run_script", "script", "import boto3\nfns = boto3.client('lambda').list_functions()['Functions']\n"
                + "print(len(fns), 'functions')", "prod");
        callAws("aws iam list-users", "admin");
        callAws("aws secretsmanager put-secret-value --secret-id prod/orders-db --secret-string " + DemoSeed.SECRET, "prod");
        stop();
    }

    /** What goes wrong: a profile that is not allowed, an upstream error, a timeout, a tool error, secrets. */
    void deniedErrorTimeoutSecret() throws Exception {
        start("--tool-timeout", "1");
        callAws("aws iam list-users", "admin");
        callAws("aws s3 ls http500", "dev");
        callAws("aws s3 ls s3://slow-bucket slow:3000", "dev");
        callAws("aws ec2 describe-instances tool-error", "prod");
        callAws("aws secretsmanager create-secret --name app/db --secret-string 'hunter2-Sup3rS3cret!'", "dev");
        callAws("aws secretsmanager get-secret-value --secret-id prod/db secret-result", "prod");
        stop();
    }

    private void start(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(upstream.endpoint().toString(), "--service", "aws-mcp",
                "--region", "us-east-1", "--profile", "dev", "prod", "--record-results"));
        args.addAll(List.of(extra));
        proxy = new ProxyProcess(args, env);
        nextId = 1;
        request("initialize", "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"fixture-recorder\",\"version\":\"1\"}}");
        proxy.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        request("tools/list", "{}");
    }

    private void stop() throws Exception {
        proxy.closeStdin();
        if (proxy.waitFor(WAIT) != 0) {
            throw new IllegalStateException("the proxy did not exit 0: " + proxy.stderr());
        }
        proxy = null;
    }

    private JsonNode callAws(String cliCommand, String profile) throws Exception {
        return call("aws___call_aws", "cli_command", cliCommand, profile);
    }

    private JsonNode call(String tool, String argument, String value, String profile) throws Exception {
        ObjectNode args = JSON.createObjectNode().put(argument, value).put("aws_profile", profile);
        ObjectNode params = JSON.createObjectNode().put("name", tool);
        params.set("arguments", args);
        return request("tools/call", params.toString());
    }

    private JsonNode request(String method, String params) throws Exception {
        int id = nextId++;
        proxy.send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}");
        return proxy.readResponse(id, WAIT);
    }

    @Override
    public void close() {
        if (proxy != null) {
            proxy.close();
        }
        upstream.close();
    }
}
