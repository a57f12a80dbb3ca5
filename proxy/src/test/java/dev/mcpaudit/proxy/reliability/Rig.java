package dev.mcpaudit.proxy.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.fixtures.AwsProfileFiles;
import dev.mcpaudit.fixtures.AwsProfileFiles.ProfileSpec;
import dev.mcpaudit.fixtures.FakeAwsMcpServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The usual setting of a reliability scenario: AWS profile files with two allowed profiles (dev, prod)
 * and one that exists but is not allowed (admin), a fake AWS MCP Server that verifies every SigV4
 * signature, and the proxy's environment pointing at both.
 */
final class Rig implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ProfileSpec DEV = new ProfileSpec("dev", "AKIARELDEVDEVDEV0001", "reldevsecretKEY0001", null, "us-east-1");
    static final ProfileSpec PROD = new ProfileSpec("prod", "ASIARELPRODPROD00002", "relprodsecretKEY0002",
            "rel-prod-session-token-0002", "eu-west-1");
    /** In the files, accepted by the fake, never allowed: a request signed with it is signed outside the allowlist. */
    static final ProfileSpec ADMIN = new ProfileSpec("admin", "AKIARELADMINADMIN003", "reladminsecretKEY0003", null, "us-east-1");

    final AwsProfileFiles profiles;
    final FakeAwsMcpServer upstream;
    final Map<String, String> env = new HashMap<>();

    Rig(Path dir) {
        List<ProfileSpec> all = List.of(DEV, PROD, ADMIN);
        profiles = AwsProfileFiles.write(dir.resolve("aws"), all);
        upstream = FakeAwsMcpServer.forProfiles(all, "aws-mcp", "us-east-1");
        profiles.applyTo(env);
        env.put("HOME", dir.toString());
        env.putAll(upstream.stsEnvironment());
    }

    /** The access key ids of the allowed profiles. */
    static Set<String> allowedKeys() {
        return Set.of(DEV.accessKeyId(), PROD.accessKeyId());
    }

    List<String> args(URI endpoint, Path db, String... extra) {
        List<String> args = new ArrayList<>(List.of(endpoint.toString(), "--service", "aws-mcp", "--region", "us-east-1",
                "--profile", "dev", "prod", "--audit-db", db.toString()));
        args.addAll(List.of(extra));
        return args;
    }

    ProxyUnderTest start(Path db, String... extra) throws IOException {
        return new ProxyUnderTest(args(upstream.endpoint(), db, extra), env);
    }

    ProxyUnderTest start(String shellPrefix, Path db, String... extra) throws IOException {
        return new ProxyUnderTest(shellPrefix, List.of(), args(upstream.endpoint(), db, extra), env);
    }

    @Override
    public void close() {
        upstream.close();
    }

    /** A tools/call of aws___call_aws; {@code profile} null leaves aws_profile out. */
    static String toolsCall(long id, String cliCommand, String profile) {
        return toolsCall(id, cliCommand, profile, null);
    }

    /** A tools/call of aws___call_aws with an optional big {@code padding} argument. */
    static String toolsCall(long id, String cliCommand, String profile, String padding) {
        ObjectNode params = JSON.createObjectNode().put("name", "aws___call_aws");
        ObjectNode arguments = params.putObject("arguments").put("cli_command", cliCommand);
        if (profile != null) {
            arguments.put("aws_profile", profile);
        }
        if (padding != null) {
            arguments.put("padding", padding);
        }
        ObjectNode request = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", "tools/call");
        request.set("params", params);
        return request.toString();
    }

    static boolean isToolError(JsonNode answer) {
        return answer == null || !answer.has("result") || answer.at("/result/isError").asBoolean(false);
    }

    /** The text an agent reads: the first content block of a result, or the JSON-RPC error message. */
    static String text(JsonNode answer) {
        if (answer == null) {
            return "(no answer)";
        }
        if (answer.has("error")) {
            return answer.at("/error/message").asText();
        }
        return answer.at("/result/content/0/text").asText();
    }
}
