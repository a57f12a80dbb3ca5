package dev.mcpaudit.proxy.e2e;

import dev.mcpaudit.proxy.testing.SdkCalls;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.fixtures.AwsProfileFiles;
import dev.mcpaudit.fixtures.AwsProfileFiles.ProfileSpec;
import dev.mcpaudit.fixtures.FakeAwsMcpServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged proxy, started as a subprocess by the MCP Java SDK's own stdio client (a real agent
 * stand-in), in front of a fake AWS MCP Server on 127.0.0.1 that verifies every SigV4 signature with
 * the keys from temporary AWS profile files.
 */
class ProxyEndToEndIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ProfileSpec DEV = new ProfileSpec("dev", "AKIADEVDEVDEVDEV0001", "devsecret", null, "us-east-2");
    private static final ProfileSpec PROD = new ProfileSpec("prod", "ASIAPRODPRODPROD0002", "prodsecret", "prod-session-token",
            "eu-west-1");

    @TempDir
    Path dir;

    FakeAwsMcpServer upstream;
    AwsProfileFiles profiles;
    final List<McpSyncClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        profiles = AwsProfileFiles.write(dir.resolve("aws"), List.of(DEV, PROD));
        upstream = FakeAwsMcpServer.forProfiles(List.of(DEV, PROD), "aws-mcp", "us-east-1");
    }

    @AfterEach
    void stop() {
        clients.forEach(McpSyncClient::closeGracefully);
        upstream.close();
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>(System.getenv());
        profiles.applyTo(env);
        env.put("HOME", dir.toString());
        env.putAll(upstream.stsEnvironment());
        env.put("MCP_AUDIT_DB", dir.resolve("audit.db").toString());
        return env;
    }

    private List<String> args(String... extra) {
        List<String> args = new ArrayList<>(List.of(upstream.endpoint().toString(), "--service", "aws-mcp",
                "--region", "us-east-1", "--profile", "dev", "prod"));
        args.addAll(List.of(extra));
        return args;
    }

    private McpSyncClient connect(List<String> args, List<McpSchema.ProgressNotification> progress) {
        return connect(args, progress, spec -> { });
    }

    private McpSyncClient connectWithEnv(List<String> cmd, Map<String, String> extraEnv) {
        return connect(cmd, extraEnv, null, spec -> { });
    }

    private McpSyncClient connect(List<String> args, List<McpSchema.ProgressNotification> progress,
            java.util.function.Consumer<McpClient.SyncSpec> customize) {
        // Launched as the README has agents launch it.
        List<String> cmd = new ArrayList<>(List.of("-XX:+UseSerialGC", "-jar", ProxyProcess.JAR.toString()));
        cmd.addAll(args);
        return connect(cmd, Map.of(), progress, customize);
    }

    private McpSyncClient connect(List<String> cmd, Map<String, String> extraEnv,
            List<McpSchema.ProgressNotification> progress, java.util.function.Consumer<McpClient.SyncSpec> customize) {
        Map<String, String> env = env();
        env.putAll(extraEnv);
        ServerParameters params = ServerParameters.builder(ProxyProcess.javaBinary()).args(cmd).env(env).build();
        StdioClientTransport transport = new StdioClientTransport(params, new JacksonMcpJsonMapper(new ObjectMapper())) {
            @Override
            protected ProcessBuilder getProcessBuilder() {
                ProcessBuilder pb = new ProcessBuilder();
                profiles.applyTo(pb.environment()); // the caller's AWS variables must not leak in
                pb.environment().remove("AWS_ENDPOINT_URL");
                pb.environment().remove("AWS_ENDPOINT_URL_STS");
                return pb;
            }
        };
        McpClient.SyncSpec spec = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(30))
                .progressConsumer(progress == null ? p -> { } : progress::add);
        customize.accept(spec);
        McpSyncClient client = spec.build();
        clients.add(client);
        client.initialize();
        return client;
    }

    private static JsonNode structured(McpSchema.CallToolResult r) {
        return JSON.valueToTree(r.structuredContent());
    }

    private static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    @Test
    void toolListOffersTheAllowedProfilesOnlyOnProfileTools() {
        McpSyncClient client = connect(args(), null);

        McpSchema.ListToolsResult tools = client.listTools();

        McpSchema.Tool callAws = tools.tools().stream().filter(t -> t.name().equals("aws___call_aws")).findFirst().orElseThrow();
        JsonNode prop = JSON.valueToTree(callAws.inputSchema()).at("/properties/aws_profile");
        assertThat(prop.get("enum").toString()).isEqualTo("[\"dev\",\"prod\"]");
        assertThat(prop.get("description").asText()).contains("Default: dev");
        McpSchema.Tool search = tools.tools().stream().filter(t -> t.name().equals("search_documentation")).findFirst()
                .orElseThrow();
        assertThat(JSON.valueToTree(search.inputSchema()).at("/properties").has("aws_profile")).isFalse();
    }

    @Test
    void eachProfileIsSignedWithItsOwnKeysOnItsOwnSession() {
        McpSyncClient client = connect(args(), null);

        McpSchema.CallToolResult viaDefault = SdkCalls.callAws(client, "aws s3 ls", null);
        McpSchema.CallToolResult viaProd = SdkCalls.callAws(client, "aws s3 ls", "prod");

        assertThat(viaDefault.isError()).isFalse();
        assertThat(structured(viaDefault).get("access_key_id").asText()).isEqualTo(DEV.accessKeyId());
        assertThat(structured(viaProd).get("access_key_id").asText()).isEqualTo(PROD.accessKeyId());
        assertThat(structured(viaDefault).get("session_id").asText())
                .isNotEqualTo(structured(viaProd).get("session_id").asText());
        assertThat(structured(viaDefault).get("aws_region_meta").asText()).isEqualTo("us-east-2");
        assertThat(structured(viaProd).get("aws_region_meta").asText()).isEqualTo("eu-west-1");
        assertThat(upstream.received()).allSatisfy(r -> assertThat(r.signatureValid()).as(r.authFailure()).isTrue());
        assertThat(upstream.toolCalls()).allSatisfy(r -> assertThat(r.arguments().has("aws_profile")).isFalse());
        assertThat(upstream.toolCalls().get(1).header("x-amz-security-token")).isEqualTo("prod-session-token");
    }

    @Test
    void credentialProcessProfilesSignWithWhatTheProcessPrints() throws Exception {
        java.nio.file.Path script = dir.resolve("creds.sh");
        java.nio.file.Files.writeString(script, "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROCPROCPROC0003\","
                + " \"SecretAccessKey\": \"procsecret\"}'\n");
        script.toFile().setExecutable(true);
        java.nio.file.Files.writeString(profiles.config(), java.nio.file.Files.readString(profiles.config())
                + "\n[profile proc]\ncredential_process = " + script + "\nregion = ap-south-1\n");
        upstream.putCredentials("AKIAPROCPROCPROC0003", "procsecret", null);
        McpSyncClient client = connect(List.of(upstream.endpoint().toString(), "--service", "aws-mcp", "--region",
                "us-east-1", "--profile", "dev", "proc"), null);

        McpSchema.CallToolResult r = SdkCalls.callAws(client, "aws sts get-caller-identity", "proc");

        assertThat(r.isError()).as(r.toString()).isFalse();
        assertThat(structured(r).get("access_key_id").asText()).isEqualTo("AKIAPROCPROCPROC0003");
        assertThat(structured(r).get("aws_region_meta").asText()).isEqualTo("ap-south-1");
    }

    @Test
    void assumeRoleProfilesCallStsOnceAndSignWithTheRoleCredentials() throws Exception {
        com.github.tomakehurst.wiremock.WireMockServer sts = new com.github.tomakehurst.wiremock.WireMockServer(
                com.github.tomakehurst.wiremock.core.WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        sts.start();
        try {
            sts.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/").willReturn(
                    com.github.tomakehurst.wiremock.client.WireMock.okXml("<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                            + "<AssumeRoleResult><Credentials><AccessKeyId>ASIAROLEROLEROLE0004</AccessKeyId>"
                            + "<SecretAccessKey>rolesecret</SecretAccessKey><SessionToken>role-token</SessionToken>"
                            + "<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser>"
                            + "<Arn>arn:aws:sts::123456789012:assumed-role/deploy/mcp</Arn><AssumedRoleId>AROAX:mcp</AssumedRoleId>"
                            + "</AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>"
                            + "</AssumeRoleResponse>")));
            java.nio.file.Files.writeString(profiles.config(), java.nio.file.Files.readString(profiles.config())
                    + "\n[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = dev\n"
                    + "region = us-east-1\n");
            upstream.putCredentials("ASIAROLEROLEROLE0004", "rolesecret", "role-token");
            List<String> cmd = new ArrayList<>(List.of("-jar", ProxyProcess.JAR.toString(), upstream.endpoint().toString(),
                    "--service", "aws-mcp", "--region", "us-east-1", "--profile", "dev", "deploy"));
            McpSyncClient client = connectWithEnv(cmd, Map.of("AWS_ENDPOINT_URL_STS", sts.baseUrl()));

            for (int i = 0; i < 3; i++) {
                McpSchema.CallToolResult r = SdkCalls.callAws(client, "aws s3 ls", "deploy");
                assertThat(r.isError()).as(r.toString()).isFalse();
                assertThat(structured(r).get("access_key_id").asText()).isEqualTo("ASIAROLEROLEROLE0004");
            }
            // That STS only knows AssumeRole, so GetCallerIdentity fails: the account comes from role_arn.
            try (dev.mcpaudit.schema.AuditLog log = dev.mcpaudit.schema.AuditLog.openReadOnly(dir.resolve("audit.db"))) {
                var recorded = log.jdbi().withHandle(h -> h.createQuery(
                        "SELECT account_id, account_source FROM calls WHERE profile = 'deploy'").mapToMap().list());
                assertThat(recorded).hasSize(3).allSatisfy(row -> {
                    assertThat(row.get("account_id")).isEqualTo("123456789012");
                    assertThat(row.get("account_source")).isEqualTo("config");
                });
            }
            var assumeRoles = sts.getAllServeEvents().stream()
                    .filter(e -> e.getRequest().getBodyAsString().contains("Action=AssumeRole")).toList();
            assertThat(assumeRoles).as("credentials are cached: one AssumeRole for three calls").hasSize(1);
            assertThat(assumeRoles.get(0).getRequest().getHeader("Authorization"))
                    .contains("Credential=" + DEV.accessKeyId() + "/");
        } finally {
            sts.stop();
        }
    }

    @Test
    void extraHeadersAreSentAndSigned() {
        McpSyncClient client = connect(args("--header", "X-Team=platform"), null);

        SdkCalls.callAws(client, "aws s3 ls", "prod");

        FakeAwsMcpServer.Received received = upstream.toolCalls().get(0);
        assertThat(received.header("x-team")).isEqualTo("platform");
        assertThat(received.signatureValid()).isTrue();
        assertThat(dev.mcpaudit.fixtures.SigV4TestClient.signedHeaderNames(received.header("authorization")))
                .contains("x-team");
    }

    @Test
    void unknownProfileIsRefusedWithoutAnUpstreamRequest() {
        McpSyncClient client = connect(args(), null);
        int before = upstream.toolCalls().size();

        McpSchema.CallToolResult refused = SdkCalls.callAws(client, "aws iam delete-user --user-name bob", "evil");

        assertThat(refused.isError()).isTrue();
        assertThat(text(refused)).contains("'evil'").contains("Allowed profiles: dev, prod");
        assertThat(upstream.toolCalls()).hasSize(before);
    }

    @Test
    void parallelCallsOnDifferentProfilesDoNotInterfere() throws Exception {
        McpSyncClient client = connect(args(), null);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<String[]>> results = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            String profile = i % 2 == 0 ? "dev" : "prod";
            String cli = "aws ec2 describe-instances --n " + i + " slow:50";
            results.add(pool.submit(() -> {
                McpSchema.CallToolResult r = SdkCalls.callAws(client, cli, profile);
                return new String[] {profile, structured(r).get("access_key_id").asText(),
                    structured(r).get("cli_command").asText(), cli};
            }));
        }
        for (Future<String[]> f : results) {
            String[] r = f.get();
            assertThat(r[1]).isEqualTo(r[0].equals("dev") ? DEV.accessKeyId() : PROD.accessKeyId());
            assertThat(r[2]).isEqualTo(r[3]);
        }
        pool.shutdown();
    }

    @Test
    void anExpiredSessionIsReplacedAndTheCallSucceeds() {
        McpSyncClient client = connect(args(), null);
        String first = structured(SdkCalls.callAws(client, "aws s3 ls", null)).get("session_id").asText();

        upstream.expireAllSessions();
        McpSchema.CallToolResult after = SdkCalls.callAws(client, "aws s3 ls", null);

        assertThat(after.isError()).isFalse();
        assertThat(structured(after).get("session_id").asText()).isNotEqualTo(first);
    }

    @Test
    void rotatedCredentialsAreUsedAfterARefusalWithoutRestart() {
        McpSyncClient client = connect(args(), null);
        assertThat(SdkCalls.callAws(client, "aws s3 ls", null).isError()).isFalse();

        upstream.removeCredentials(DEV.accessKeyId());
        upstream.putCredentials("AKIADEVROTATED000009", "rotatedsecret", null);
        profiles.rewriteCredentials("dev", "AKIADEVROTATED000009", "rotatedsecret", null);
        McpSchema.CallToolResult after = SdkCalls.callAws(client, "aws s3 ls", null);

        assertThat(after.isError()).as(after.toString()).isFalse();
        assertThat(structured(after).get("access_key_id").asText()).isEqualTo("AKIADEVROTATED000009");
    }

    @Test
    void upstreamFailuresBecomeClearToolErrors() {
        McpSyncClient client = connect(args("--tool-timeout", "1"), null);

        String http500 = text(SdkCalls.callAws(client, "aws s3 ls http500", null));
        String dropped = text(SdkCalls.callAws(client, "aws s3 ls drop", null));
        String slow = text(SdkCalls.callAws(client, "aws s3 ls slow:4000", null));
        String redirect = text(SdkCalls.callAws(client, "aws s3 ls redirect", null));

        assertThat(http500).contains("aws___call_aws").contains("HTTP 500");
        assertThat(dropped).contains("aws___call_aws").contains("connection");
        assertThat(slow).isEqualTo("Tool 'aws___call_aws' timed out after 1 s; upstream was asked to cancel it."
                + " Retry, or start the proxy with a larger --tool-timeout.");
        assertThat(redirect).contains("redirect").contains(FakeAwsMcpServer.REDIRECT_LOCATION);
        assertThat(SdkCalls.callAws(client, "aws s3 ls", null).isError()).as("the proxy still serves").isFalse();
    }

    @Test
    void toolErrorsAndStructuredContentPassThroughUnchangedOnEveryRoute() {
        McpSyncClient client = connect(args(), null);

        for (String profile : new String[] {null, "prod"}) {
            McpSchema.CallToolResult r = SdkCalls.callAws(client, "aws iam get-user tool-error", profile);

            assertThat(r.isError()).isTrue();
            assertThat(text(r)).isEqualTo(FakeAwsMcpServer.ERROR_TEXT);
            assertThat(structured(r).has("access_key_id")).isTrue();
        }
    }

    @Test
    void progressNotificationsReachTheAgent() {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        McpSyncClient client = connect(args(), progress);

        McpSchema.CallToolResult r = client.callTool(McpSchema.CallToolRequest.builder().name("aws___call_aws")
                .arguments(Map.of("cli_command", "aws s3 sync progress")).progressToken("tok-1").build());

        assertThat(r.isError()).isFalse();
        assertThat(progress).anySatisfy(p -> {
            assertThat(p.progressToken()).isEqualTo("tok-1");
            assertThat(p.progress()).isEqualTo(50.0);
        });
    }

    @Test
    void whatUpstreamSendsUnpromptedReachesTheAgentAndItsAnswersGoBack() throws Exception {
        upstream.withListenStream();
        upstream.sendOnListenStream(JSON.readTree("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}"));
        upstream.sendOnListenStream(JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":\"srv-1\",\"method\":\"ping\"}"));
        java.util.concurrent.CountDownLatch relisted = new java.util.concurrent.CountDownLatch(1);

        connect(args(), null, spec -> spec.toolsChangeConsumer(tools -> relisted.countDown()));
        FakeAwsMcpServer.Received answer = upstream.await(r -> r.jsonRpcMethod() == null && r.id() != null
                && "srv-1".equals(r.id().asText()), Duration.ofSeconds(20));

        assertThat(JSON.readTree(answer.body()).has("result")).as("the agent's answer to upstream's ping").isTrue();
        assertThat(answer.signatureValid()).isTrue();
        assertThat(relisted.await(20, java.util.concurrent.TimeUnit.SECONDS)).as("list_changed reached the agent").isTrue();
    }

    @Test
    void refusedCredentialsNameTheProfileAndTheFix() {
        McpSyncClient client = connect(args(), null);

        upstream.removeCredentials(PROD.accessKeyId());
        McpSchema.CallToolResult r = SdkCalls.callAws(client, "aws s3 ls", "prod");

        assertThat(r.isError()).isTrue();
        assertThat(text(r)).contains("HTTP 403").contains("aws sso login --profile prod");
    }

    @Test
    void retriesOnlyWhatUpstreamRefusedBeforeRunningIt() {
        McpSyncClient noRetries = connect(args(), null);
        assertThat(text(SdkCalls.callAws(noRetries, "aws s3 ls throttle-once a", null))).contains("HTTP 429");

        McpSyncClient withRetries = connect(args("--retries", "2"), null);
        McpSchema.CallToolResult r = SdkCalls.callAws(withRetries, "aws s3 ls throttle-once b", null);

        assertThat(r.isError()).isFalse();
        assertThat(upstream.toolCalls().stream().filter(c -> c.cliCommand().endsWith("throttle-once b"))).hasSize(2);
        assertThat(text(SdkCalls.callAws(withRetries, "aws s3 ls http500", null))).contains("HTTP 500");
        assertThat(upstream.toolCalls().stream().filter(c -> c.cliCommand().endsWith("http500"))).hasSize(1);
    }

    @Test
    void resourcesAndPromptsPassThroughOnTheDefaultSession() {
        McpSyncClient client = connect(args(), null);

        McpSchema.ListResourcesResult resources = client.listResources();
        McpSchema.ReadResourceResult read = client.readResource(
                new McpSchema.ReadResourceRequest(resources.resources().get(0).uri()));
        McpSchema.ListPromptsResult prompts = client.listPrompts();

        assertThat(resources.resources()).isNotEmpty();
        assertThat(read.contents()).isNotEmpty();
        assertThat(prompts.prompts()).isNotEmpty();
        assertThat(upstream.byMethod("resources/read")).singleElement()
                .satisfies(r -> assertThat(r.accessKeyId()).isEqualTo(DEV.accessKeyId()));
    }

    @Test
    void readOnlyShowsAndAllowsOnlyReadOnlyTools() {
        McpSyncClient client = connect(args("--read-only"), null);

        assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
                .containsExactlyInAnyOrder("aws___list_regions", "search_documentation");
        McpSchema.CallToolResult refused = SdkCalls.callAws(client, "aws s3 rb s3://x", null);
        assertThat(refused.isError()).isTrue();
        assertThat(text(refused)).contains("--read-only");
        assertThat(upstream.toolCalls()).isEmpty();
    }
}
