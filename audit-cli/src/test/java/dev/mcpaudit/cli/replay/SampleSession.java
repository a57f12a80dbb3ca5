package dev.mcpaudit.cli.replay;

import static dev.mcpaudit.cli.replay.RecordedSessions.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One recorded session with --record-results on dev and prod, as the tests of fixture export, verify
 * and the WireMock rendering use it: upstream answers for both profiles, a read, a write, a denied
 * call, a script that failed, a redacted secret, the same call twice with different answers (the
 * second a CloudFormation template with Handlebars-looking text), and a call that never completed.
 * A second session shares the id prefix {@link #AMBIGUOUS_PREFIX}.
 */
final class SampleSession {
    static final String ID = "01a2310b-facc-7d52-b6e1-9a3c5f08e217";
    static final String OTHER_ID = "01a2310b-fadd-7e00-8a00-000000000002";
    static final String UNIQUE_PREFIX = "01a2310b-fac";
    static final String AMBIGUOUS_PREFIX = "01a2310b-fa";
    static final String DEV_ACCOUNT = "111122223333";
    static final String PROD_ACCOUNT = "777788889999";

    static final JsonNode DEV_INIT = json("""
            {"protocolVersion":"2025-06-18","capabilities":{"tools":{"listChanged":true}},
             "serverInfo":{"name":"aws-mcp","version":"1.4.0"},"instructions":"Use aws___call_aws."}""");
    static final JsonNode PROD_INIT = json("""
            {"protocolVersion":"2025-06-18","capabilities":{"tools":{"listChanged":true}},
             "serverInfo":{"name":"aws-mcp","version":"1.4.1"}}""");
    static final JsonNode TOOLS = json("""
            {"tools":[{"name":"aws___call_aws","inputSchema":{"type":"object","properties":{"cli_command":{"type":"string"}}}},
                      {"name":"aws___run_script","inputSchema":{"type":"object","properties":{"script":{"type":"string"}}}}]}""");
    static final JsonNode LS_RESULT = json("""
            {"content":[{"type":"text","text":"2026-01-01 00:00:00 app-logs"}],"isError":false}""");
    static final JsonNode TERMINATE_RESULT = json("""
            {"content":[{"type":"text","text":"{\\"TerminatingInstances\\":[{\\"InstanceId\\":\\"i-0abc\\"}]}"}],
             "structuredContent":{"Cost":12.5,"Count":1},"isError":false}""");
    static final JsonNode SCRIPT_RESULT = json("""
            {"content":[{"type":"text","text":"Traceback: NameError"}],"isError":true}""");
    static final JsonNode CONFIGURE_RESULT = json("""
            {"content":[{"type":"text","text":""}],"isError":false}""");
    static final JsonNode TEMPLATE_FIRST = json("""
            {"content":[{"type":"text","text":"Resources: {}"}],"isError":false}""");
    /** Handlebars would evaluate these away if the body were templated as it is. */
    static final JsonNode TEMPLATE_SECOND = json("""
            {"content":[{"type":"text","text":"DbUser: '{{resolve:secretsmanager:x}}' Port: {{{port}}} Path: C:\\\\{{x}}"}],
             "isError":false}""");
    static final String CONFIGURE = "aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    RecordedSessions.Recorded ls;
    RecordedSessions.Recorded terminate;
    RecordedSessions.Recorded denied;
    RecordedSessions.Recorded script;
    RecordedSessions.Recorded configure;
    RecordedSessions.Recorded templateFirst;
    RecordedSessions.Recorded templateSecond;
    RecordedSessions.Recorded neverCompleted;
    long devInitSeq;
    long toolsSeq;
    long prodInitSeq;

    /** Writes both sessions into a new log at {@code db}. */
    static SampleSession record(Path db) {
        SampleSession s = new SampleSession();
        try (RecordedSessions log = new RecordedSessions(db)) {
            Map<String, String> regions = new LinkedHashMap<>();
            regions.put("dev", "us-east-1");
            regions.put("prod", "eu-west-1");
            log.started(ID, true, regions);
            log.clientInitialized(ID, "2025-03-26");
            s.devInitSeq = log.upstreamInitialized(ID, "dev", DEV_INIT).seq();
            s.toolsSeq = log.toolsListed(ID, "dev", null, TOOLS).seq();
            log.toolsListed(ID, "dev", "page-2", json("{\"tools\":[]}"));
            s.ls = log.call(ID, "dev", DEV_ACCOUNT, "aws___call_aws", json("{\"cli_command\":\"aws s3 ls\"}"), "ok", null,
                    LS_RESULT, 212.5, 65536);
            s.prodInitSeq = log.upstreamInitialized(ID, "prod", PROD_INIT).seq();
            s.terminate = log.call(ID, "prod", PROD_ACCOUNT, "aws___call_aws",
                    json("{\"cli_command\":\"aws ec2 terminate-instances --instance-ids i-0abc\"}"), "ok", null,
                    TERMINATE_RESULT, 87, 65536);
            s.denied = log.rejected(ID, "admin", "aws___call_aws", json("{\"cli_command\":\"aws iam list-users\"}"),
                    "Tool call 'aws___call_aws' was refused: aws_profile 'admin' is not an allowed profile.");
            s.script = log.call(ID, "dev", DEV_ACCOUNT, "aws___run_script", json("{\"script\":\"print(undefined)\"}"),
                    "tool_error", null, SCRIPT_RESULT, 1500, 65536);
            s.configure = log.call(ID, "dev", DEV_ACCOUNT, "aws___call_aws",
                    json("{\"cli_command\":\"" + CONFIGURE + "\"}"), "ok", null, CONFIGURE_RESULT, 40, 65536);
            JsonNode getTemplate = json("{\"cli_command\":\"aws cloudformation get-template --stack-name db\"}");
            s.templateFirst = log.call(ID, "dev", DEV_ACCOUNT, "aws___call_aws", getTemplate, "ok", null, TEMPLATE_FIRST,
                    300, 65536);
            s.templateSecond = log.call(ID, "dev", DEV_ACCOUNT, "aws___call_aws", getTemplate, "ok", null,
                    TEMPLATE_SECOND, 310, 65536);
            s.neverCompleted = log.requestOnly(ID, "dev", DEV_ACCOUNT, "aws___call_aws",
                    json("{\"cli_command\":\"aws s3 ls s3://app-logs\"}"));
            log.started(OTHER_ID, true, Map.of("dev", "us-east-1"));
            log.ended(ID);
        }
        return s;
    }
}
