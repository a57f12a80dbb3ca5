package dev.mcpaudit.cli.redact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.cli.AuditCli;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.schema.query.AwsTools;
import dev.mcpaudit.schema.redact.FingerprintKey;
import dev.mcpaudit.schema.redact.Redaction;
import dev.mcpaudit.schema.redact.RedactionRules;
import dev.mcpaudit.schema.redact.Redactor;
import dev.mcpaudit.schema.redact.Rule;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "redact",
        mixinStandardHelpOptions = true,
        description = {
            "Shows what the redaction rules do to a sample before it is ever recorded.",
            "It prints the redacted form and, with --explain, which rule fired where: for checking the",
            "built-in rules and writing your own.",
            "INPUT is JSON (tool arguments with --tool, otherwise any JSON such as a tool result) or text",
            "(an AWS CLI command when it starts with 'aws ', else free text). Without INPUT, or with '-', stdin is read.",
            "Fingerprints use the log's key when it exists (so they match the log's markers), else a throw-away key."
        },
        footer = {
            "",
            "Examples:",
            "  audit-cli redact --explain \\",
            "      \"aws secretsmanager create-secret --name db --secret-string 'hunter2'\"",
            "  audit-cli redact --explain --tool aws___run_script \\",
            "      '{\"script\": \"password = \\\"hunter2\\\"\"}'",
            "  aws secretsmanager get-secret-value --secret-id db | audit-cli redact --explain",
            "  aws lambda get-function-configuration --function-name api \\",
            "      | audit-cli redact --explain --result-of 'aws lambda get-function-configuration'",
            "  audit-cli redact --rules my-rules.json --explain 'deploy acme_0123456789ab'",
            "  audit-cli redact --list-rules"
        })
public final class RedactCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CALL_AWS = AwsTools.CALL_AWS;

    @ParentCommand
    AuditCli parent;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "INPUT", description = "The sample (default: stdin).")
    String input;

    @Option(names = "--explain", description = "List each redaction: the rule, where it fired, and what the rule is for.")
    boolean explain;

    @Option(names = "--tool", paramLabel = "NAME", description = "Treat INPUT as this tool's arguments (its command line if INPUT is text).")
    String tool;

    @Option(names = "--rules", paramLabel = "FILE",
            description = "Rule file to add to the built-in rules (default: $" + RedactionRules.RULES_ENV + ").")
    Path rulesFile;

    @Option(names = "--result-of", paramLabel = "COMMAND",
            description = "Treat INPUT as the result of this AWS CLI command, as the proxy does: what its operation "
                    + "returns in members AWS's service model marks sensitive is hidden too.")
    String resultOf;

    @Option(names = "--list-rules", description = "List every rule in effect (built-in plus --rules) and exit.")
    boolean listRules;

    @Override
    public Integer call() throws Exception {
        RedactionRules rules = RedactionRules.fromFlagOrEnvironment(rulesFile, System.getenv());
        PrintWriter out = spec.commandLine().getOut();
        if (listRules) {
            for (Rule rule : rules.rules()) {
                out.printf("%-28s %-10s %s%n", rule.name(), rule.type(), rules.description(rule.name()));
            }
            return ExitCode.OK;
        }
        Path db = parent.dbPath();
        FingerprintKey key = FingerprintKey.loadIfPresent(db).orElseGet(FingerprintKey::ephemeral);
        Redactor redactor = new Redactor(rules, key);

        String sample = input == null || input.equals("-") ? readStdin() : input;
        Redaction redaction = redact(redactor, rules, sample);
        JsonNode value = redaction.value();
        out.println(value.isTextual() ? value.asText() : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        if (explain) {
            explain(out, rules, redaction.findings(), key, db);
        }
        return ExitCode.OK;
    }

    private Redaction redact(Redactor redactor, RedactionRules rules, String sample) {
        JsonNode json = parseJson(sample);
        if (json != null && resultOf != null) {
            String argument = rules.commandArguments(CALL_AWS).stream().findFirst().orElse("cli_command");
            return redactor.redactResult(CALL_AWS, JSON.createObjectNode().put(argument, resultOf), json);
        }
        if (json != null) {
            return tool != null ? redactor.redactArguments(tool, json) : redactor.redact(json);
        }
        String commandTool = tool != null ? tool : sample.stripLeading().startsWith("aws ") ? CALL_AWS : null;
        if (commandTool == null) {
            return redactor.redact(JSON.getNodeFactory().textNode(sample));
        }
        String argument = rules.commandArguments(commandTool).stream().findFirst().orElse("script");
        Redaction asArguments = redactor.redactArguments(commandTool, JSON.createObjectNode().put(argument, sample));
        return new Redaction(asArguments.value().get(argument), asArguments.findings());
    }

    private static void explain(PrintWriter out, RedactionRules rules, List<Redaction.Finding> findings,
            FingerprintKey key, Path db) {
        out.println();
        if (findings.isEmpty()) {
            out.println("No rule fired: nothing in this sample would be hidden.");
        } else {
            out.println(findings.size() + (findings.size() == 1 ? " value hidden:" : " values hidden:"));
            for (Redaction.Finding f : findings) {
                out.printf("  %-28s at %s%n  %-28s    %s%n", f.rule(), f.path(), "", rules.description(f.rule()));
            }
        }
        out.println(key.file().map(f -> "Fingerprints use the log's key " + f + ", so they match markers in " + db + ".")
                .orElse("Fingerprints use a throw-away key (no log key at " + FingerprintKey.fileFor(db)
                        + "); they will not match markers in a log."));
    }

    private static JsonNode parseJson(String sample) {
        String s = sample.strip();
        if (!s.startsWith("{") && !s.startsWith("[")) {
            return null;
        }
        try {
            return JSON.readTree(s);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String readStdin() throws java.io.IOException {
        InputStream in = System.in;
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
