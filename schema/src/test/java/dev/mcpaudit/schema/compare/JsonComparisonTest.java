package dev.mcpaudit.schema.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonComparisonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static Comparison compare(String recorded, String actual) {
        return JsonComparison.compare(json(recorded), json(actual), VolatileRules.defaults());
    }

    /** "KIND pointer" per difference, for assertions that read like the report. */
    private static List<String> lines(Comparison comparison) {
        return comparison.differences().stream().map(d -> d.kind() + " " + d.pointer()).toList();
    }

    private static String instance(String id, String state) {
        return "{'InstanceId':'" + id + "','InstanceType':'t3.micro','LaunchTime':'2026-11-30T08:00:00+00:00',"
                + "'State':{'Code':" + (state.equals("running") ? 16 : 80) + ",'Name':'" + state + "'},"
                + "'Tags':[{'Key':'Name','Value':'web-" + id + "'},{'Key':'env','Value':'prod'}]}";
    }

    @Test
    void oneInstanceStoppedAndAnotherGoneIsReportedAsSuchNotAsACascadeOfPositionalChanges() {
        String recorded = "{'Reservations':[{'ReservationId':'r-1','Instances':[" + instance("i-0a1", "running") + ","
                + instance("i-0b2", "running") + "," + instance("i-0c3", "running") + "]}],"
                + "'ResponseMetadata':{'RequestId':'8c1b4f3e-5a6d-4e7f-9a0b-1c2d3e4f5a6b'}}";
        String actual = "{'Reservations':[{'ReservationId':'r-1','Instances':[" + instance("i-0a1", "running") + ","
                + instance("i-0c3", "stopped") + "]}],"
                + "'ResponseMetadata':{'RequestId':'0f9e8d7c-6b5a-4c3d-8e1f-a2b3c4d5e6f7'}}";

        Comparison comparison = compare(recorded, actual);

        assertThat(lines(comparison)).containsExactly(
                "REMOVED /Reservations/0/Instances/1", // i-0b2, at its recorded index
                "CHANGED /Reservations/0/Instances/1/State/Code", // i-0c3, at its actual index
                "CHANGED /Reservations/0/Instances/1/State/Name");
        assertThat(comparison.differences().get(0).recorded().get("InstanceId").textValue()).isEqualTo("i-0b2");
        assertThat(comparison.differences().get(2).recorded().textValue()).isEqualTo("running");
        assertThat(comparison.differences().get(2).actual().textValue()).isEqualTo("stopped");
        assertThat(comparison.ignoredPaths()).as("the RequestId").isEqualTo(1);
    }

    @Test
    void instancesInAnotherOrderAreTheSameInstances() {
        Comparison comparison = compare("[" + instance("i-1", "running") + "," + instance("i-2", "running") + "]",
                "[" + instance("i-2", "running") + "," + instance("i-1", "running") + "]");

        assertThat(comparison.equal()).isTrue();
    }

    @Test
    void timestampsThatDifferOnBothSidesAreIgnoredAndCounted() {
        Comparison comparison = compare(
                "{'Functions':[{'FunctionName':'f','LastModified':'2026-11-01T10:00:00.000+0000','Version':'$LATEST'}],"
                        + "'checkedAt':'2026-12-05T09:15:00Z'}",
                "{'Functions':[{'FunctionName':'f','LastModified':'2026-12-04T17:42:11.517+0000','Version':'$LATEST'}],"
                        + "'checkedAt':'2026-12-05T11:02:13Z'}");

        assertThat(comparison.differences()).isEmpty();
        assertThat(comparison.ignoredPaths()).isEqualTo(2);
        assertThat(comparison.volatileOnly()).isTrue();
        assertThat(comparison.equal()).isFalse();
        assertThat(comparison.matches()).isTrue();
    }

    @Test
    void aTimestampReplacedByAnythingElseIsAChange() {
        Comparison comparison = compare("{'DeletionDate':'2026-11-01T10:00:00Z'}", "{'DeletionDate':'never'}");

        assertThat(lines(comparison)).containsExactly("CHANGED /DeletionDate");
        assertThat(comparison.ignoredPaths()).isZero();
    }

    @Test
    void uuidsAndEpochNumbersOnBothSidesAreIgnored() {
        Comparison comparison = compare(
                "{'executionId':'3f9a1c0b-2d4e-4f6a-8b7c-0d1e2f3a4b5c','startedAt':1733390100,'ingestedAt':1733390100123,'count':3}",
                "{'executionId':'9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a','startedAt':1733476500,'ingestedAt':1733476500999,'count':4}");

        assertThat(lines(comparison)).containsExactly("CHANGED /count");
        assertThat(comparison.ignoredPaths()).isEqualTo(3);
    }

    @Test
    void withNoVolatileRulesTimestampsCount() {
        Comparison comparison = JsonComparison.compare(json("{'at':'2026-11-01T10:00:00Z'}"),
                json("{'at':'2026-11-02T10:00:00Z'}"), VolatileRules.none());

        assertThat(lines(comparison)).containsExactly("CHANGED /at");
    }

    @Test
    void jsonInsideContentTextIsComparedStructurally() {
        String recorded = "{'content':[{'type':'text','text':" + JSON.valueToTree(
                "{\"Buckets\":[{\"Name\":\"logs\",\"Region\":\"eu-west-1\"}],\"Owner\":{\"ID\":\"abc\"}}") + "}],'isError':false}";
        String reordered = "{'content':[{'type':'text','text':" + JSON.valueToTree(
                "{\"Owner\": {\"ID\": \"abc\"},\n  \"Buckets\": [{\"Region\": \"eu-west-1\", \"Name\": \"logs\"}]}") + "}],'isError':false}";
        String moved = "{'content':[{'type':'text','text':" + JSON.valueToTree(
                "{\"Owner\":{\"ID\":\"abc\"},\"Buckets\":[{\"Name\":\"logs\",\"Region\":\"us-east-1\"}]}") + "}],'isError':false}";

        assertThat(compare(recorded, reordered).equal()).as("key order and whitespace inside the text").isTrue();
        Comparison comparison = compare(recorded, moved);
        assertThat(lines(comparison)).containsExactly("CHANGED /content/0/text/Buckets/0/Region");
        assertThat(comparison.differences().get(0).actual().textValue()).isEqualTo("us-east-1");
    }

    @Test
    void contentTextThatIsNotJsonOnBothSidesIsComparedAsText() {
        Comparison comparison = compare("{'content':[{'type':'text','text':'{\\\"a\\\":1}'}]}",
                "{'content':[{'type':'text','text':'An error occurred (AccessDenied)'}]}");

        assertThat(lines(comparison)).containsExactly("CHANGED /content/0/text");
        assertThat(comparison.differences().get(0).actual().textValue()).startsWith("An error");
    }

    @Test
    void jsonInOtherStringsIsNotParsed() {
        assertThat(lines(compare("{'Policy':'{\\\"a\\\":1,\\\"b\\\":2}'}", "{'Policy':'{\\\"b\\\":2,\\\"a\\\":1}'}")))
                .containsExactly("CHANGED /Policy");
    }

    @Test
    void keysWithSlashAndTildeAreEscapedInPointers() {
        Comparison comparison = compare("{'Tags':{'aws:cloudformation/stack-name':'a','cost~centre':'1'}}",
                "{'Tags':{'aws:cloudformation/stack-name':'b','cost~centre':'2'}}");

        assertThat(lines(comparison)).containsExactly(
                "CHANGED /Tags/aws:cloudformation~1stack-name", "CHANGED /Tags/cost~0centre");
        JsonNode actual = json("{'Tags':{'aws:cloudformation/stack-name':'b','cost~centre':'2'}}");
        for (Difference d : comparison.differences()) {
            assertThat(actual.at(d.pointer())).as("the pointer resolves in the document").isEqualTo(d.actual());
        }
    }

    @Test
    void redactionMarkersOfTheSameRuleAreEqualWhateverTheirFingerprint() {
        assertThat(compare("{'SecretString':'[REDACTED:aws-secret:3f9a1c0b2d4e]'}",
                "{'SecretString':'[REDACTED:aws-secret:0123456789ab]'}").equal()).isTrue();
    }

    @Test
    void aCommandLineHoldingAMarkerIsEqualToTheSameLineRedactedInALogWithAnotherKey() {
        assertThat(compare("{'cli_command':'aws secretsmanager create-secret --secret-string [REDACTED:secret-field:3f9a1c0b2d4e]'}",
                "{'cli_command':'aws secretsmanager create-secret --secret-string [REDACTED:secret-field:0123456789ab]'}")
                .equal()).isTrue();
        assertThat(lines(compare("{'cli_command':'aws x --password [REDACTED:secret-field:3f9a1c0b2d4e]'}",
                "{'cli_command':'aws x --password [REDACTED:password-field:3f9a1c0b2d4e]'}")))
                .as("another rule inside the text is a change").containsExactly("CHANGED /cli_command");
    }

    @Test
    void redactionMarkersOfAnotherRuleOrAgainstAPlainValueAreChanges() {
        assertThat(lines(compare("{'v':'[REDACTED:aws-secret:3f9a1c0b2d4e]'}", "{'v':'[REDACTED:password-field:3f9a1c0b2d4e]'}")))
                .containsExactly("CHANGED /v");
        assertThat(lines(compare("{'v':'[REDACTED:aws-secret:3f9a1c0b2d4e]'}", "{'v':'hunter2'}")))
                .containsExactly("CHANGED /v");
        assertThat(lines(compare("{'pin':'[REDACTED:pin:3f9a1c0b2d4e]'}", "{'pin':1234}")))
                .as("a secret redacted on one side is a change, not a type change").containsExactly("CHANGED /pin");
    }

    @Test
    void aUserPointerWithAStarIgnoresThatMemberOfEveryElement() {
        String recorded = "{'Contents':[{'Key':'a.txt','LastModified':'yesterday','Size':10},"
                + "{'Key':'b.txt','LastModified':'yesterday','Size':20}]}";
        String actual = "{'Contents':[{'Key':'a.txt','LastModified':'today','Size':10},"
                + "{'Key':'b.txt','LastModified':'today','Size':21}]}";
        VolatileRules rules = VolatileRules.none().ignore("/Contents/*/LastModified");

        Comparison comparison = JsonComparison.compare(json(recorded), json(actual), rules);

        assertThat(lines(comparison)).containsExactly("CHANGED /Contents/1/Size");
        assertThat(comparison.ignoredPaths()).isEqualTo(2);
        assertThat(lines(JsonComparison.compare(json(recorded), json(actual), VolatileRules.none())))
                .as("without the rule").hasSize(3);
    }

    @Test
    void aUserKeyIsIgnoredAtAnyDepth() {
        VolatileRules rules = VolatileRules.defaults().ignoreKey("ETag");
        Comparison comparison = JsonComparison.compare(json("{'ETag':'v1','Parts':[{'ETag':'v2','n':1}]}"),
                json("{'ETag':'v9','Parts':[{'ETag':'v8','n':1}]}"), rules);

        assertThat(comparison.volatileOnly()).isTrue();
        assertThat(comparison.ignoredPaths()).isEqualTo(2);
    }

    @Test
    void numbersAreComparedByValue() {
        assertThat(compare("{'Size':1,'Ratio':0.5}", "{'Size':1.0,'Ratio':0.50}").equal()).isTrue();
        ObjectNode exact = JsonNodeFactory.withExactBigDecimals(true).objectNode().put("Ratio", new BigDecimal("0.1"));
        assertThat(JsonComparison.compare(json("{'Ratio':0.1}"), exact, VolatileRules.defaults()).equal())
                .as("a double parsed here, a decimal parsed elsewhere").isTrue();
        assertThat(lines(compare("{'Size':1}", "{'Size':2}"))).containsExactly("CHANGED /Size");
        assertThat(lines(compare("{'Size':1}", "{'Size':'1'}"))).containsExactly("TYPE /Size");
    }

    @Test
    void typeChangesAddsAndRemovalsOfMembers() {
        Comparison comparison = compare("{'Owner':{'ID':'a'},'Old':true,'Versioning':null}",
                "{'Owner':null,'Versioning':{'Status':'Enabled'},'New':[1]}");

        assertThat(lines(comparison)).containsExactly("TYPE /Owner", "REMOVED /Old", "TYPE /Versioning", "ADDED /New");
        assertThat(comparison.differences().get(1).actual()).isNull();
        assertThat(comparison.differences().get(3).recorded()).isNull();
    }

    @Test
    void theJsonRpcIdAndMetaAreIgnoredButAnIdInsideAResultIsData() {
        Comparison comparison = compare(
                "{'jsonrpc':'2.0','id':7,'result':{'_meta':{'progressToken':1},'Items':[{'id':'a'}]}}",
                "{'jsonrpc':'2.0','id':'abc-1','result':{'Items':[{'id':'b'}]}}");

        assertThat(lines(comparison)).containsExactly("CHANGED /result/Items/0/id");
        assertThat(comparison.ignoredPaths()).as("the envelope id and _meta").isEqualTo(2);
    }

    @Test
    void aPageTokenOnOneSideOnlyIsVolatile() {
        Comparison comparison = compare("{'Roles':[{'RoleName':'a'}]}", "{'Roles':[{'RoleName':'a'}],'NextToken':'AAA=='}");

        assertThat(comparison.volatileOnly()).isTrue();
        assertThat(comparison.ignoredPaths()).isEqualTo(1);
    }

    @Test
    void anInsertedScalarIsOneAdditionNotAShiftedList() {
        assertThat(lines(compare("{'Regions':['eu-west-1','us-east-1','us-west-2']}",
                "{'Regions':['eu-west-1','eu-central-1','us-east-1','us-west-2']}")))
                .containsExactly("ADDED /Regions/1");
        assertThat(lines(compare("{'Regions':['eu-west-1','us-east-1','us-west-2']}",
                "{'Regions':['eu-west-1','ap-south-1','us-west-2']}")))
                .as("a stretch between matches is compared by position").containsExactly("CHANGED /Regions/1");
    }

    @Test
    void elementsWithoutIdentityThatDifferOnlyInVolatileValuesStillLineUp() {
        Comparison comparison = compare(
                "{'events':[{'message':'start','timestamp':1733390100000},{'message':'done','timestamp':1733390160000}]}",
                "{'events':[{'message':'retry','timestamp':1733476400000},{'message':'start','timestamp':1733476500000},"
                        + "{'message':'done','timestamp':1733476560000}]}");

        assertThat(lines(comparison)).containsExactly("ADDED /events/0");
        assertThat(comparison.ignoredPaths()).isEqualTo(2);
    }

    @Test
    void anIdentityThatRepeatsIsNoIdentity() {
        // Route 53 record sets share a Name across types: aligning by Name would pair A with AAAA.
        Comparison comparison = compare(
                "[{'Name':'x.example.com.','Type':'A','TTL':300},{'Name':'x.example.com.','Type':'AAAA','TTL':300}]",
                "[{'Name':'x.example.com.','Type':'AAAA','TTL':300}]");

        assertThat(lines(comparison)).containsExactly("REMOVED /0");
    }

    @Test
    void tagsAreAlignedByKey() {
        Comparison comparison = compare("{'Tags':[{'Key':'team','Value':'a'},{'Key':'env','Value':'prod'}]}",
                "{'Tags':[{'Key':'env','Value':'prod'},{'Key':'owner','Value':'b'},{'Key':'team','Value':'c'}]}");

        assertThat(lines(comparison)).containsExactly("ADDED /Tags/1", "CHANGED /Tags/2/Value");
    }

    @Test
    void identicalDocumentsAreEqual() {
        String doc = "{'a':[1,{'b':null}],'c':'2026-12-05T09:15:00Z'}";
        Comparison comparison = compare(doc, doc);

        assertThat(comparison.equal()).isTrue();
        assertThat(comparison.ignoredPaths()).isZero();
    }
}
