package dev.mcpaudit.schema.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpaudit.schema.redact.SensitiveMembers.AnyDepth;
import dev.mcpaudit.schema.redact.SensitiveMembers.AnyElement;
import dev.mcpaudit.schema.redact.SensitiveMembers.AnyValue;
import dev.mcpaudit.schema.redact.SensitiveMembers.Member;
import dev.mcpaudit.schema.redact.SensitiveMembers.Row;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The committed table of sensitive members: what a developer regenerating it with
 * {@code schema/tools/generate-sensitive-members.py} must keep true, checked without botocore.
 */
class SensitiveMembersTableTest {
    private static final SensitiveMembers TABLE = SensitiveMembers.aws();

    private static List<String> lines() throws IOException {
        try (InputStream in = SensitiveMembers.class.getResourceAsStream(SensitiveMembers.RESOURCE)) {
            assertThat(in).as("the table is in the jar").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void theHeaderNamesTheScriptTheBotocoreVersionAndTheDate() throws IOException {
        String header = String.join("\n", lines().stream().takeWhile(l -> l.startsWith("#")).toList());

        assertThat(header).contains("schema/tools/generate-sensitive-members.py")
                .containsPattern("on \\d{4}-\\d{2}-\\d{2}")
                .contains("from botocore " + TABLE.botocoreVersion());
        assertThat(TABLE.botocoreVersion()).matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void rowsAreSortedWithoutDuplicatesSoThatARegeneratedTableDiffsCleanly() throws IOException {
        List<String> rows = lines().stream().filter(l -> !l.startsWith("#")).toList();

        assertThat(rows).hasSizeGreaterThan(1_000).doesNotHaveDuplicates();
        List<String> sorted = new ArrayList<>(rows);
        sorted.sort(null); // Python sorts tuples of strings by code point, as String.compareTo does for ASCII
        assertThat(rows).isEqualTo(sorted);
        assertThat(rows).allSatisfy(r -> assertThat(r).doesNotContain(" ").doesNotEndWith("\t"));
    }

    @Test
    void everyRowIsWellFormed() {
        Set<String> types = Set.of("string", "blob", "long", "integer", "double", "float", "timestamp", "boolean",
                "structure", "list", "map");
        for (Row row : TABLE.rows()) {
            assertThat(row.service()).as("service of %s", row).matches("[a-z0-9-]+");
            assertThat(row.operation()).as("operation of %s", row).matches("[a-z0-9-]+");
            assertThat(row.direction()).as("direction of %s", row).isIn("input", "output");
            assertThat(SensitiveMembers.parse(row.path())).as("path of %s", row).isNotEmpty();
            assertThat(row.type().split("\\|")).as("type of %s", row).allSatisfy(t -> assertThat(types).contains(t));
            if (row.direction().equals("input")) {
                assertThat(row.flag()).as("flag of %s", row).matches("--[a-z0-9][a-z0-9-]*");
            } else {
                assertThat(row.flag()).as("flag of %s", row).isEqualTo("-");
            }
        }
    }

    @Test
    void aFlagIsTheCliSpellingOfItsTopLevelMember() {
        // The CLI's own renames (argrename.py) are the only exceptions; the script prints those it applied.
        Set<String> renamed = Set.of("stepfunctions send-task-success --task-output", "workdocs describe-users --user-query");
        for (Row row : TABLE.rows()) {
            if (!row.direction().equals("input") || renamed.contains(row.service() + " " + row.operation() + " " + row.flag())) {
                continue;
            }
            String top = ((Member) SensitiveMembers.parse(row.path()).get(0)).name();
            assertThat(row.flag().substring(2).replace("-", ""))
                    .as("flag of %s", row).isEqualTo(top.toLowerCase(Locale.ROOT));
        }
    }

    @Test
    void knownSensitiveMembersAreInTheTable() {
        assertThat(TABLE.operation("lambda create-function").inputsByFlag().get("--environment"))
                .extracting(SensitiveMembers.MemberPath::path).contains("Environment.Variables");
        assertThat(TABLE.operation("secretsmanager get-secret-value").outputsByTop().values().stream().flatMap(List::stream).toList())
                .extracting(SensitiveMembers.MemberPath::path).contains("SecretString", "SecretBinary");
        assertThat(TABLE.operation("iam create-access-key").outputsByTop().get("AccessKey"))
                .extracting(SensitiveMembers.MemberPath::path).contains("AccessKey.SecretAccessKey");
        assertThat(TABLE.operation("ssm get-parameters").outputsByTop().get("Parameters"))
                .extracting(SensitiveMembers.MemberPath::path).contains("Parameters[].Value");
        // botocore's s3 is the CLI's s3api; its operation names are the CLI's kebab-case ones.
        assertThat(TABLE.operation("s3api put-object").inputsByFlag()).containsKey("--sse-customer-key");
        assertThat(TABLE.operation("s3 put-object")).isNull();
        assertThat(TABLE.operation("ec2 describe-instances")).isNull();
    }

    @Test
    void pathsParseIntoMembersListElementsMapValuesAndAnyDepth() {
        assertThat(SensitiveMembers.parse("Parameters[].Value"))
                .containsExactly(new Member("Parameters"), new AnyElement(), new Member("Value"));
        assertThat(SensitiveMembers.parse("Environment.Variables.*"))
                .containsExactly(new Member("Environment"), new Member("Variables"), new AnyValue());
        assertThat(SensitiveMembers.parse("Definition.**.NullString"))
                .containsExactly(new Member("Definition"), new AnyDepth(), new Member("NullString"));
        assertThatThrownBy(() -> SensitiveMembers.parse("[].Value")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SensitiveMembers.parse("A..B")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void operationsAreKeyedTheWayCommandsNameThem() {
        Set<String> seen = new HashSet<>();
        for (Row row : TABLE.rows()) {
            String key = row.service() + " " + row.operation();
            if (seen.add(key)) {
                assertThat(TABLE.operation(key)).as(key).isNotNull();
            }
        }
        assertThat(seen).hasSizeGreaterThan(500);
    }
}
