package dev.mcpaudit.schema.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class VolatileRulesTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "2026-12-05T09:15:00Z,             TIMESTAMP",
        "2026-12-05T09:15:00.123Z,         TIMESTAMP",
        "2026-12-05T09:15:00.000+0000,     TIMESTAMP", // Lambda LastModified
        "2026-12-05T09:15:00+01:00,        TIMESTAMP",
        "2026-12-05 09:15:00,              TIMESTAMP",
        "3f9a1c0b-2d4e-4f6a-8b7c-0d1e2f3a4b5c, UUID",
        "3F9A1C0B-2D4E-4F6A-8B7C-0D1E2F3A4B5C, UUID",
    })
    void textShapes(String text, VolatileShape shape) {
        assertThat(VolatileShape.of(TextNode.valueOf(text))).isEqualTo(shape);
    }

    @ParameterizedTest(name = "{0} has no volatile shape")
    @ValueSource(strings = {"2026-12-05", "running", "i-0b2c3d4e5f6a7b8c9", "2026-12-05T09:15:00Z trailing",
        "3f9a1c0b2d4e4f6a8b7c0d1e2f3a4b5c", "arn:aws:iam::111111111111:role/x", "1733390100"})
    void plainTextsHaveNoShape(String text) {
        assertThat(VolatileShape.of(TextNode.valueOf(text))).isNull();
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({"1733390100, EPOCH_SECONDS", "946684800, EPOCH_SECONDS", "1733390100123, EPOCH_MILLIS",
        "4102444799999, EPOCH_MILLIS"})
    void epochNumbers(long n, VolatileShape shape) {
        assertThat(VolatileShape.of(LongNode.valueOf(n))).isEqualTo(shape);
    }

    @ParameterizedTest(name = "{0} is not an epoch")
    @ValueSource(longs = {42, 111111111111L /* an account id */, 946684799L, 4102444800L, 99999999999999L})
    void otherNumbersAreNotEpochs(long n) {
        assertThat(VolatileShape.of(LongNode.valueOf(n))).isNull();
    }

    @Test
    void fractionalNumbersAreNotEpochs() {
        assertThat(VolatileShape.of(JsonNodeFactory.instance.numberNode(1733390100.5))).isNull();
    }

    @Test
    void aShapeMasksOnlyWhenBothSidesHaveIt() {
        VolatileRules rules = VolatileRules.defaults();
        assertThat(rules.maskingShape(TextNode.valueOf("2026-12-05T09:15:00Z"), TextNode.valueOf("2026-12-06T10:00:00Z")))
                .isEqualTo(VolatileShape.TIMESTAMP);
        assertThat(rules.maskingShape(TextNode.valueOf("2026-12-05T09:15:00Z"), TextNode.valueOf("never"))).isNull();
        assertThat(rules.maskingShape(LongNode.valueOf(1733390100L), LongNode.valueOf(1733390100123L)))
                .as("seconds became milliseconds: a unit change is real").isNull();
        assertThat(VolatileRules.none().maskingShape(TextNode.valueOf("2026-12-05T09:15:00Z"),
                TextNode.valueOf("2026-12-06T10:00:00Z"))).isNull();
    }

    @Test
    void builtInKeysAnywhereAndIdOnlyInAnEnvelope() {
        VolatileRules rules = VolatileRules.defaults();
        assertThat(rules.ignoresMember("ResponseMetadata", false)).isTrue();
        assertThat(rules.ignoresMember("NextToken", false)).isTrue();
        assertThat(rules.ignoresMember("id", true)).isTrue();
        assertThat(rules.ignoresMember("id", false)).as("an id inside an AWS result is data").isFalse();
        assertThat(rules.ignoresMember("InstanceId", false)).isFalse();
    }

    @Test
    void additionsReturnANewRuleSetAndLeaveTheOldOneAlone() {
        VolatileRules base = VolatileRules.defaults();
        VolatileRules more = base.ignoreKey("ETag").ignore("/Contents/*/LastModified");

        assertThat(more.ignoresMember("ETag", false)).isTrue();
        assertThat(base.ignoresMember("ETag", false)).isFalse();
        assertThat(base.ignoredPointers()).isEmpty();
        assertThat(more.ignoredPointers()).containsExactly("/Contents/*/LastModified");
        assertThat(more).isEqualTo(VolatileRules.defaults().withIgnoredKeys("ETag").withIgnoredPointers("/Contents/*/LastModified"));
    }

    @Test
    void aStarStandsForExactlyOneSegment() {
        VolatileRules rules = VolatileRules.defaults().ignore("/Contents/*/LastModified");
        assertThat(rules.ignoresPath(List.of("Contents", "3", "LastModified"))).isTrue();
        assertThat(rules.ignoresPath(List.of("Contents", "3", "Size"))).isFalse();
        assertThat(rules.ignoresPath(List.of("Contents", "3", "Owner", "LastModified"))).isFalse();
        assertThat(rules.ignoresPath(List.of("Contents", "LastModified"))).isFalse();
    }

    @Test
    void pointersAreUnescapedAsRfc6901Says() {
        VolatileRules rules = VolatileRules.defaults().ignore("/tags/a~1b/c~0d");
        assertThat(rules.ignoresPath(List.of("tags", "a/b", "c~d"))).isTrue();
    }

    @Test
    void aPointerWithoutALeadingSlashIsRefusedWithAHint() {
        assertThatThrownBy(() -> VolatileRules.defaults().ignore("Contents/LastModified"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must start with '/'");
    }
}
