package dev.mcpaudit.schema.redact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.schema.redact.SensitiveMembers.AnyDepth;
import dev.mcpaudit.schema.redact.SensitiveMembers.AnyElement;
import dev.mcpaudit.schema.redact.SensitiveMembers.AnyValue;
import dev.mcpaudit.schema.redact.SensitiveMembers.Member;
import dev.mcpaudit.schema.redact.SensitiveMembers.Row;
import dev.mcpaudit.schema.redact.SensitiveMembers.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recall and false positives of redaction over a corpus generated from the table of sensitive
 * members ({@code aws-sensitive-members.tsv}).
 *
 * <p>Arguments: for every input row, an {@code aws SERVICE OPERATION} command that sets the member
 * with a unique planted value: by its flag (the value in shorthand when the member is nested, and a
 * second word for list flags), the same in JSON when nested, and inside {@code --cli-input-json}.
 * Results: for every output row, the operation's JSON output holding a planted value at the path,
 * as an MCP text block, redacted knowing the command. Every planted value sits among non-secret
 * neighbours: {@code --region us-east-1}, an extra flag, and a sibling member at every structure
 * level on the way (map values and list elements below a sensitive path are all sensitive, so no
 * neighbour is put there).
 *
 * <p>Recall = planted values gone from the redacted text / planted; false positives = neighbour
 * values gone / neighbours. Both are measured with the built-in rules (what a user gets: the name
 * rules hide whole {@code Credentials} and {@code …Token…} members, neighbours included) and with
 * the model rule alone, which must hide every planted value and no neighbour. Boolean members are not planted: a boolean says nothing and is kept by
 * design. The figures are printed and written to {@code target/model-corpus.txt}; reproduce with
 * {@value #COMMAND}.
 */
class ModelCorpusTest {
    static final String COMMAND = "./mvnw -B -q verify -pl schema -Dtest=ModelCorpusTest -Dsurefire.failIfNoSpecifiedTests=false";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> NUMBERS = Set.of("long", "integer", "double", "float");
    private static final Set<String> CONTAINERS = Set.of("structure", "map", "list");

    /** Planted and neighbour values of one corpus, and what became of them. */
    static final class Tally {
        int commands;
        int planted;
        int plantedHidden;
        int neighbours;
        int neighboursHidden;
        final List<String> missed = new ArrayList<>();
        final List<String> overHidden = new ArrayList<>();
        final Map<String, Integer> byRule = new TreeMap<>();

        double recall() {
            return planted == 0 ? 0 : 100.0 * plantedHidden / planted;
        }

        double falsePositives() {
            return neighbours == 0 ? 0 : 100.0 * neighboursHidden / neighbours;
        }

        String line(String what) {
            return String.format(Locale.ROOT, "%s: %,d %s, planted %,d, hidden %,d (recall %.2f %%); neighbours %,d, hidden %,d"
                            + " (false positives %.2f %%); markers by rule %s", what, commands,
                    what.startsWith("results") ? "results" : "commands", planted, plantedHidden, recall(),
                    neighbours, neighboursHidden, falsePositives(), byRule);
        }
    }

    /** Hands out unique values that are never a substring of one another (fixed width). */
    static final class Values {
        private int next;

        String secret(String type) {
            next++;
            return NUMBERS.contains(type) ? String.valueOf(700_000_000 + next) : String.format(Locale.ROOT, "plant-%05d-q", next);
        }

        String neighbour() {
            next++;
            return String.format(Locale.ROOT, "keep-%05d-n", next);
        }
    }

    private Values values;
    private Redactor redactor;

    @TempDir
    Path dir;

    /** The two corpora (arguments, results) through one rule set. */
    private record Run(Tally inputs, Tally outputs, int booleans) {}

    private Run run(RedactionRules rules) {
        values = new Values();
        redactor = new Redactor(rules, FingerprintKey.ephemeral());
        SensitiveMembers table = SensitiveMembers.aws();
        Tally inputs = new Tally();
        Tally outputs = new Tally();
        int booleans = 0;
        for (Row row : table.rows()) {
            if (row.type().equals("boolean")) {
                booleans++;
            } else if (row.direction().equals("input")) {
                plantInput(row, table.operation(row.service() + " " + row.operation()), inputs);
            } else {
                plantOutput(row, outputs);
            }
        }
        return new Run(inputs, outputs, booleans);
    }

    @Test
    void everyPlantedSensitiveMemberIsHiddenAndItsNeighboursAreKept() throws IOException {
        SensitiveMembers table = SensitiveMembers.aws();
        Run all = run(RedactionRules.defaults());
        // The model rule alone: what it hides by itself, and whether it ever hides a neighbour.
        String others = RedactionRules.defaults().rules().stream().map(Rule::name).filter(n -> !n.equals("aws-model"))
                .map(n -> "\"" + n + "\"").collect(Collectors.joining(","));
        // The rules as they were before the model rule: what it adds.
        Run withoutModel = run(RedactionRules.load(Files.writeString(dir.resolve("no-model.json"), "{\"disable\": [\"aws-model\"]}")));
        Run modelOnly = run(RedactionRules.load(Files.writeString(dir.resolve("model-only.json"), "{\"disable\": [" + others + "]}")));

        String report = String.join("\n",
                "model corpus from " + SensitiveMembers.RESOURCE + " (botocore " + table.botocoreVersion() + "), "
                        + table.rows().size() + " rows; " + all.booleans() + " boolean rows not planted",
                "built-in rules:",
                "  " + all.inputs().line("commands"),
                "  " + all.outputs().line("results"),
                "aws-model alone (every other rule disabled):",
                "  " + modelOnly.inputs().line("commands"),
                "  " + modelOnly.outputs().line("results"),
                "built-in rules without aws-model (as before it):",
                "  " + withoutModel.inputs().line("commands"),
                "  " + withoutModel.outputs().line("results"),
                "missed: " + all.inputs().missed.stream().limit(10).toList() + all.outputs().missed.stream().limit(10).toList(),
                "neighbours hidden by the built-in rules (first 5 of each): "
                        + all.inputs().overHidden.stream().limit(5).toList() + all.outputs().overHidden.stream().limit(5).toList(),
                "command: " + COMMAND);
        System.out.println(report);
        Files.writeString(Path.of("target", "model-corpus.txt"), report + "\n");

        assertThat(all.inputs().commands).isGreaterThan(3_000);
        for (Run run : List.of(all, modelOnly)) {
            assertThat(run.inputs().missed).as("planted input values left in the command").isEmpty();
            assertThat(run.outputs().missed).as("planted output values left in the result").isEmpty();
            assertThat(run.inputs().recall()).isEqualTo(100.0);
            assertThat(run.outputs().recall()).isEqualTo(100.0);
        }
        assertThat(modelOnly.inputs().overHidden).as("neighbour values the model rule hid in commands").isEmpty();
        assertThat(modelOnly.outputs().overHidden).as("neighbour values the model rule hid in results").isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // Arguments

    private void plantInput(Row row, SensitiveMembers.Operation op, Tally tally) {
        List<Step> steps = SensitiveMembers.parse(row.path());
        String top = ((Member) steps.get(0)).name();
        List<Step> below = steps.subList(1, steps.size());
        String base = "aws " + row.service() + " " + row.operation();
        String region = op.inputsByFlag().containsKey("--region") ? "" : " --region us-east-1";

        // 1. By flag: the value itself, or shorthand for what is inside the member.
        List<String> secrets = new ArrayList<>();
        List<String> neighbours = new ArrayList<>();
        String extra = values.neighbour();
        neighbours.add(extra);
        boolean listFlag = below.isEmpty() ? row.type().equals("list") : below.get(0) instanceof AnyElement;
        StringBuilder flagValue = new StringBuilder();
        if (listFlag) {
            List<Step> element = below.isEmpty() ? below : below.subList(1, below.size());
            flagValue.append(ShellWords.quote(shorthand(element, 0, row.type(), secrets, neighbours, true)));
            flagValue.append(' ').append(ShellWords.quote(shorthand(element, 0, row.type(), secrets, neighbours, true)));
        } else {
            flagValue.append(ShellWords.quote(shorthand(below, 0, row.type(), secrets, neighbours, true)));
        }
        check(base + region + " " + row.flag() + " " + flagValue + " --neighbour-note " + extra, secrets, neighbours, tally);

        // 2. The same member in JSON, when there is structure to write.
        if (!below.isEmpty() || CONTAINERS.contains(row.type())) {
            secrets = new ArrayList<>();
            neighbours = new ArrayList<>();
            JsonNode value = json(below, 0, row.type(), secrets, neighbours);
            check(base + region + " " + row.flag() + " '" + value + "'", secrets, neighbours, tally);
        }

        // 3. Inside --cli-input-json, next to another member.
        secrets = new ArrayList<>();
        neighbours = new ArrayList<>();
        ObjectNode input = NODES.objectNode();
        String sibling = values.neighbour();
        neighbours.add(sibling);
        input.put("NeighbourMember", sibling);
        input.set(top, json(below, 0, row.type(), secrets, neighbours));
        check(base + region + " --cli-input-json '" + input + "'", secrets, neighbours, tally);
    }

    private void check(String command, List<String> secrets, List<String> neighbours, Tally tally) {
        Redaction r = redactor.redactArguments("aws___call_aws", JSON.createObjectNode().put("cli_command", command));
        String out = r.value().get("cli_command").asText();
        count(out, r, command, secrets, neighbours, tally);
    }

    private static void count(String out, Redaction r, String input, List<String> secrets, List<String> neighbours, Tally tally) {
        tally.commands++;
        for (String s : secrets) {
            tally.planted++;
            if (out.contains(s)) {
                tally.missed.add(s + " in " + input);
            } else {
                tally.plantedHidden++;
            }
        }
        for (String n : neighbours) {
            tally.neighbours++;
            if (out.contains(n)) {
                continue;
            }
            tally.neighboursHidden++;
            tally.overHidden.add(n + " in " + input);
        }
        r.findings().forEach(f -> tally.byRule.merge(f.rule().replaceFirst(":.*", ""), 1, Integer::sum));
    }

    /**
     * Shorthand for the value below {@code steps[i]}: {@code Member=…} pairs with a neighbour member
     * beside each, {@code {k=…}} for a map, {@code […]} for a list. At the top of a flag value the
     * pairs have no braces.
     */
    private String shorthand(List<Step> steps, int i, String type, List<String> secrets, List<String> neighbours, boolean top) {
        if (i == steps.size()) {
            String secret = values.secret(type);
            secrets.add(secret);
            return switch (type) {
                case "structure" -> top ? "Inner=" + secret : "{Inner=" + secret + "}";
                case "map" -> top ? "key1=" + secret : "{key1=" + secret + "}";
                default -> secret; // a scalar, or a list's one element
            };
        }
        Step step = steps.get(i);
        if (step instanceof Member m) {
            String sibling = values.neighbour();
            neighbours.add(sibling);
            String pairs = m.name() + "=" + shorthand(steps, i + 1, type, secrets, neighbours, false) + ",Neighbour=" + sibling;
            return top ? pairs : "{" + pairs + "}";
        }
        if (step instanceof AnyValue) {
            String pair = "key1=" + shorthand(steps, i + 1, type, secrets, neighbours, false);
            return top ? pair : "{" + pair + "}";
        }
        if (step instanceof AnyElement) {
            return "[" + shorthand(steps, i + 1, type, secrets, neighbours, false) + "]";
        }
        return shorthand(steps, i + 1, type, secrets, neighbours, top); // ** as zero levels
    }

    /** JSON for the value below {@code steps[i]}, a neighbour member beside every member on the way. */
    private JsonNode json(List<Step> steps, int i, String type, List<String> secrets, List<String> neighbours) {
        if (i == steps.size()) {
            String secret = values.secret(type);
            secrets.add(secret);
            JsonNode leaf = NUMBERS.contains(type) ? NODES.numberNode(Long.parseLong(secret)) : NODES.textNode(secret);
            return switch (type) {
                case "structure" -> NODES.objectNode().set("Inner", leaf);
                case "map" -> NODES.objectNode().set("key1", leaf);
                case "list" -> NODES.arrayNode().add(leaf);
                default -> leaf;
            };
        }
        Step step = steps.get(i);
        if (step instanceof Member m) {
            ObjectNode object = NODES.objectNode();
            String sibling = values.neighbour();
            neighbours.add(sibling);
            object.put("Neighbour", sibling);
            object.set(m.name(), json(steps, i + 1, type, secrets, neighbours));
            return object;
        }
        if (step instanceof AnyValue) {
            return NODES.objectNode().set("key1", json(steps, i + 1, type, secrets, neighbours));
        }
        if (step instanceof AnyElement) {
            return NODES.arrayNode().add(json(steps, i + 1, type, secrets, neighbours));
        }
        // **: one level of made-up structure in between, with a neighbour, and a list on the way.
        ObjectNode wrapper = NODES.objectNode();
        String sibling = values.neighbour();
        neighbours.add(sibling);
        wrapper.put("Neighbour", sibling);
        ArrayNode list = wrapper.putArray("Items");
        list.add(json(steps, i + 1, type, secrets, neighbours));
        return wrapper;
    }

    // ---------------------------------------------------------------------------------------------
    // Results

    private void plantOutput(Row row, Tally tally) {
        List<String> secrets = new ArrayList<>();
        List<String> neighbours = new ArrayList<>();
        JsonNode output = json(SensitiveMembers.parse(row.path()), 0, row.type(), secrets, neighbours);
        ObjectNode result = NODES.objectNode();
        result.putArray("content").addObject().put("type", "text").put("text", output.toString());
        result.put("isError", false);
        ObjectNode args = JSON.createObjectNode().put("cli_command", "aws " + row.service() + " " + row.operation() + " --region us-east-1");

        Redaction r = redactor.redactResult("aws___call_aws", args, result);
        count(r.value().toString(), r, row.service() + " " + row.operation() + " -> " + output, secrets, neighbours, tally);
    }
}
