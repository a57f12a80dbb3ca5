package dev.mcpaudit.cli;

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
}
