package dev.mcpaudit.schema.writes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AwsOperationTest {

    @Test
    void aPurgedCommandIsAPurgedWrite() {
        assertThat(AwsOperation.ofCommand("[PURGED:12]")).contains(AwsOperation.PURGED);
        assertThat(AwsOperation.ofCommand(" [PURGED:3]\n")).contains(AwsOperation.PURGED);
        assertThat(AwsOperation.isWrite(AwsOperation.CALL_AWS, JsonNodeFactory.instance.textNode("[PURGED:7]"))).isTrue();
    }

    @Test
    void onlyWhatAPurgeWritesIsItsMarker() {
        // A purge event's seq is 1 or more, written without leading zeros (schema's Purges.marker).
        assertThat(AwsOperation.ofCommand("[PURGED:0]")).isNotEqualTo(Optional.of(AwsOperation.PURGED));
        assertThat(AwsOperation.ofCommand("[PURGED:012]")).isNotEqualTo(Optional.of(AwsOperation.PURGED));
        assertThat(AwsOperation.ofCommand("aws s3api list-buckets [PURGED:4]").map(AwsOperation::name))
                .contains("s3api list-buckets");
    }

    @Test
    void aQuotedGlobalOptionValueIsOneWord() {
        // Split on blanks, the --query value's second half was read as the service and the service as the operation.
        assertThat(AwsOperation.ofCommand("aws --query 'Reservations[].Instances[].{Id: InstanceId}' ec2 describe-instances")
                .map(AwsOperation::name)).contains("ec2 describe-instances");
        assertThat(AwsOperation.isWrite(AwsOperation.CALL_AWS, JsonNodeFactory.instance.objectNode().put("cli_command",
                "aws --query \"Buckets[].Name\" --output text s3api list-buckets"))).isFalse();
        assertThat(AwsOperation.ofCommand("aws --profile \"my profile\" \"s3\" ls s3://b").map(AwsOperation::isWrite))
                .contains(false);
    }

    @Test
    void aQuotedArgumentDoesNotChangeTheOperation() {
        assertThat(AwsOperation.ofCommand("aws s3 cp \"s3://b/my file\" .").map(AwsOperation::name)).contains("s3 cp");
        // A copy from a bucket to this machine is a read (ReadExceptions); it counted as a write before.
        assertThat(AwsOperation.ofCommand("aws s3 cp \"s3://b/my file\" .").map(AwsOperation::isWrite)).contains(false);
        assertThat(AwsOperation.ofCommand("aws ec2 describe-instances --query 'Reservations[].Instances[]'")
                .map(AwsOperation::isWrite)).contains(false);
    }
}
