package dev.mcpaudit.cli.replay;

import dev.mcpaudit.cli.AuditCli;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.schema.compare.VolatileRules;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "diff",
        mixinStandardHelpOptions = true,
        description = {"Lines up the calls of two recorded sessions (or fixtures) and shows what differs.",
            "It shows calls made on one side only, the same call with other arguments, other outcomes, other",
            "results (by RFC 6901 pointer), and the writes made on one side only: what did the agent do in",
            "staging that it did not do in prod?",
            "",
            "A and B are each a fixture file (mcp-audit-fixture/1, from `audit-cli fixture export`) or a session in",
            "the log: its id or a unique prefix of it (`audit-cli sessions`). With --profiles P1 P2 --session ID,",
            "A is that session's calls in profile P1 and B its calls in P2.",
            "",
            "Calls are paired by tool and arguments (in order, like GNU diff); a call of the same tool with other",
            "arguments is paired as changed rather than shown as removed and added. Results are the same when their",
            "result_sha256 is; else their recorded bodies are compared, leaving out volatile fields: _meta, RequestId,",
            "ResponseMetadata, NextToken and the like, times and ids that have the same shape on both sides, a",
            "fixture's own volatile fields, and what --ignore and --ignore-key add.",
            "",
            "The server's catalogue is compared too: per profile, upstream's answers to initialize and tools/list",
            "(a fixture's servers section; a session's first upstream.initialized and tools.listed, recorded with",
            "--record-results). A new server version, a tool added or removed, or a changed input schema is a",
            "difference (CATALOGUE CHANGED); an answer held by one side only is shown, not counted."},
        footer = {"",
            "Lines (text tag, Markdown sign, JSON status):",
            "  SAME     =  same     same call, same result",
            "  SIMILAR  ≈  similar  same call, results differ only in volatile fields (counted as ignored)",
            "  CHANGED  ≠  changed  same tool, other arguments, outcome or result; 'hash only' when a result body",
            "                       was not recorded, so only its hash says it differs",
            "  ONLY-A   −  only_a   a call only A made",
            "  ONLY-B   +  only_b   a call only B made",
            "Runs of SAME and of SIMILAR lines are shown as one line unless --all.",
            "",
            "JSON (mcp-audit-diff/1): a, b (kind, source, session_id, profile, calls, profiles), map_account, ignored,",
            "summary (same, similar, changed, only_a, only_b, volatile_paths_ignored, one_sided_writes,",
            "catalogue_changed, differs), first_divergence, catalogue[] (profile, b_profile, what: initialize|tools/list,",
            "status: same|changed|not recorded|only_a|only_b, reason, differences[] {pointer, kind, a, b}),",
            "pairs[] (status, a_index, a_seq, b_index, b_seq, method, tool, operation, a, b,",
            "outcome_changed, hash_only, volatile_paths_ignored, entries[] {in: args|result, path: RFC 6901, kind:",
            "changed|added|removed|type, a, b}), one_sided_writes[] (side, index, seq, profile, account_id, tool,",
            "operation, outcome, why).",
            "",
            "Examples:",
            "  audit-cli diff 0b6c3a1e 7f2d9e04                # two sessions in the log",
            "  audit-cli diff recorded.mcpfix.json 7f2d9e04 \\",
            "      --ignore '/content/0/text/Reservations/*/Instances/*/LaunchTime'",
            "  audit-cli diff --profiles staging prod --session 0b6c3a1e \\",
            "      --map-account 444455556666=777788889999",
            "  audit-cli diff a.mcpfix.json b.mcpfix.json --format json \\",
            "      | jq '.pairs[] | select(.status != \"same\")'",
            "  audit-cli diff a.mcpfix.json b.mcpfix.json --format md > diff.md",
            "",
            "Exit codes: 0 no call changed, removed or added (SAME and SIMILAR only) and the catalogue did not",
            "change, 1 differences found, 2 usage error (bad option, unknown or ambiguous session), 3 log or",
            "fixture file missing or unreadable."
        })
public final class DiffCommand implements Callable<Integer> {
    enum Format { text, json, md }

    @ParentCommand
    AuditCli parent;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..2", paramLabel = "A B", description = "Two fixture files or session ids (or unique prefixes).")
    List<String> operands = new ArrayList<>();

    @Option(names = "--profiles", arity = "2", paramLabel = "PROFILE",
            description = "Compare one session's calls in two profiles (needs --session): P1 is A, P2 is B.")
    List<String> profiles;

    @Option(names = "--session", paramLabel = "ID", description = "The session whose profiles --profiles compares.")
    String session;

    @Option(names = "--ignore", paramLabel = "POINTER",
            description = "Also ignore this place: an RFC 6901 pointer into a result or the arguments, as the report prints"
                    + " it (* matches any one segment). Repeatable.")
    List<String> ignore = new ArrayList<>();

    @Option(names = "--ignore-key", paramLabel = "NAME", description = "Also ignore members with this name, at any depth. Repeatable.")
    List<String> ignoreKeys = new ArrayList<>();

    @Option(names = "--map-account", paramLabel = "A=B",
            description = "Rewrite account id A to B in side A's arguments and results before comparing. Repeatable.")
    List<String> mapAccount = new ArrayList<>();

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT", description = "text (default), json or md.")
    Format format;

    @Option(names = "--all", description = "Show every SAME and SIMILAR call on its own line (text and md).")
    boolean all;

    @Override
    public Integer call() throws Exception {
        checkOperands();
        VolatileRules rules = VolatileRules.defaults();
        DiffAccountMap accounts;
        try {
            rules = rules.withIgnoredPointers(ignore);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--ignore: " + e.getMessage() + " (e.g. --ignore /content/0/text/Owner).");
        }
        try {
            rules = rules.withIgnoredKeys(ignoreKeys);
            accounts = DiffAccountMap.parse(mapAccount);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage().startsWith("--") ? e.getMessage() : "--ignore-key: " + e.getMessage() + ".");
        }
        DiffSide a;
        DiffSide b;
        try (DiffSideLoader loader = new DiffSideLoader(() -> parent.openForReading(spec))) {
            if (profiles != null) {
                a = loader.loadProfile("A", session, profiles.get(0));
                b = loader.loadProfile("B", session, profiles.get(1));
            } else {
                a = loader.load("A", operands.get(0));
                b = loader.load("B", operands.get(1));
            }
        }
        DiffReport report = SessionDiff.compare(a, b, accounts, rules);
        PrintWriter out = spec.commandLine().getOut();
        switch (format) {
            case json -> DiffJson.write(report, out);
            case md -> DiffMarkdown.write(report, all, out);
            default -> DiffText.write(report, all, out);
        }
        out.flush();
        return report.hasDivergence() ? ExitCode.FINDING : ExitCode.OK;
    }

    private void checkOperands() {
        if (profiles != null) {
            if (!operands.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "give either A B or --profiles P1 P2 --session ID, not both.");
            }
            if (session == null) {
                throw new ParameterException(spec.commandLine(), "--profiles needs --session ID: the session whose two profiles to compare.");
            }
            if (profiles.get(0).equals(profiles.get(1))) {
                throw new ParameterException(spec.commandLine(), "--profiles names " + profiles.get(0) + " twice; name two different profiles.");
            }
            return;
        }
        if (session != null) {
            throw new ParameterException(spec.commandLine(), "--session is for --profiles P1 P2; to compare two sessions give them as A B.");
        }
        if (operands.size() != 2) {
            throw new ParameterException(spec.commandLine(), "diff needs two things to compare: A B (fixture files or session ids),"
                    + " or --profiles P1 P2 --session ID.");
        }
    }
}
