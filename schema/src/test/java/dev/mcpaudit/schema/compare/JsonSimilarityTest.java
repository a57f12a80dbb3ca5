package dev.mcpaudit.schema.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonSimilarityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static double similarity(String a, String b) throws Exception {
        JsonNode x = JSON.readTree(a.replace('\'', '"'));
        JsonNode y = JSON.readTree(b.replace('\'', '"'));
        return JsonSimilarity.between(x, y);
    }

    @Test
    void oneWordOfACommandLineChangedIsStillClose() throws Exception {
        assertThat(similarity("{'cli_command':'aws ec2 describe-instances --instance-ids i-1'}",
                "{'cli_command':'aws ec2 describe-instances --instance-ids i-2'}"))
                .isCloseTo(0.8, within(1e-9))
                .isGreaterThanOrEqualTo(SequenceAlignment.MIN_SIMILARITY);
    }

    @Test
    void anotherServiceIsFarBelowTheThreshold() throws Exception {
        assertThat(similarity("{'cli_command':'aws s3 ls s3://logs'}", "{'cli_command':'aws iam list-roles'}"))
                .isLessThan(SequenceAlignment.MIN_SIMILARITY);
    }

    @Test
    void theSameWordUnderAnotherMemberIsNotShared() throws Exception {
        assertThat(similarity("{'region':'eu-west-1'}", "{'profile':'eu-west-1'}")).isZero();
    }

    @Test
    void equalValuesAreFullySimilarAndArrayOrderDoesNotMatter() throws Exception {
        assertThat(similarity("{'ids':['a','b'],'n':1}", "{'n':1,'ids':['b','a']}")).isEqualTo(1.0);
        assertThat(similarity("{}", "{}")).isEqualTo(1.0);
    }
}
