package dev.mcpaudit.cli.demo;

import dev.mcpaudit.cli.AuditCli;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.cli.replay.ProxyJarLocator;
import dev.mcpaudit.cli.replay.ProxyLauncher;
import dev.mcpaudit.fixtures.FixtureProfiles;
import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.fixtures.replay.Miss;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Shows mcp-audit-proxy at work without AWS, in a few seconds.",
            "",
            "A recorded session shipped in this jar stands in for the AWS MCP Server, and a",
            "local STS names two accounts. The demo writes throw-away dev and prod profiles",
            "(fake keys), starts the real mcp-audit-proxy over stdio as an agent does, and",
            "makes an agent's calls through it: who am I in each account, the Lambda",
            "functions of both, a script, a profile that is not allowed (admin), and a",
            "write that carries a password. Then it shows what a reviewer sees: calls,",
            "report --profile prod, verify, and an HTML report.",
            "",
            "Everything is written to a temporary directory that is removed at the end,",
            "unless --keep names a directory to keep it in."
        },
        footer = {
            "",
            "Examples:",
            "  audit-cli demo",
            "  audit-cli demo --keep /tmp/audit-demo && xdg-open /tmp/audit-demo/report.html",
            "",
            "Exit codes: 0 the demo ran as recorded, 1 it did not (a call was answered",
            "otherwise, or the log does not verify), 2 usage error (--keep not empty),",
            "3 environment (proxy jar not found, proxy failed to start)."
        })
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--keep", paramLabel = "DIR",
            description = "Write the profiles, the log (audit.db) and report.html to DIR, a new or empty directory, and keep them.")
    Path keep;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        refuseDb();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path proxyJar = ProxyJarLocator.locate(null, System.getenv(), ProxyJarLocator.runningFrom());
        SeedSession seed = SeedSession.load();
        List<String> problems = new ArrayList<>();
        try (DemoDirectory dir = DemoDirectory.open(keep)) {
            Path db = dir.path().resolve("audit.db");
            Path report = dir.path().resolve("report.html");
            out.println("mcp-audit-proxy demo: an agent's session across two AWS accounts, recorded and reviewed, without AWS.");
            out.println();
            DemoAgent.Run run;
            try (LocalAws aws = LocalAws.start(dir.path().resolve("aws"), seed)) {
                ProxyLauncher.Settings settings = new ProxyLauncher.Settings(proxyJar, aws.mcpEndpoint(),
                        List.of(FixtureProfiles.DEV.name(), FixtureProfiles.PROD.name()), db, LocalAws.REGION, LocalAws.SERVICE);
                showSetUp(out, dir, aws, settings);
                out.flush();
                run = DemoAgent.run(settings, aws, seed.calls(), err);
                showExchanges(out, run);
                for (Miss miss : aws.mock().misses()) {
                    problems.add("the recorded backend had no answer for a request: " + miss);
                }
            }
            if (run.exitCode() != 0) {
                problems.add("the proxy exited " + run.exitCode() + " after stdin closed, not 0; its stderr:\n" + run.proxyStderr());
            }
            out.println();
            out.println("What a reviewer sees:");
            reviewer(out, err, problems, "calls", "--db", db.toString());
            reviewer(out, err, problems, "report", "--profile", "prod", "--db", db.toString());
            reviewer(out, err, problems, "verify", "--db", db.toString());
            reviewer(out, err, problems, "report", "--format", "html", "--out", report.toString(), "--db", db.toString());
            out.println("HTML report: " + report + (dir.kept() ? "" : "  (removed when the demo ends; keep it with --keep DIR)"));
            out.println();
            nextSteps(out, dir);
        }
        out.printf(Locale.ROOT, "%nDemo finished in %.1f s.%n", (System.nanoTime() - started) / 1e9);
        out.flush();
        problems.forEach(p -> err.println("audit-cli demo: " + p));
        return problems.isEmpty() ? ExitCode.OK : ExitCode.FINDING;
    }

    /** --db is every command's option; the demo writes a log of its own, so one given here would be silently unused. */
    private void refuseDb() {
        OptionSpec db = spec.findOption("--db");
        if (db != null && db.getValue() != null) {
            throw new ParameterException(spec.commandLine(), "audit-cli demo writes a log of its own and does not use --db;"
                    + " leave --db out, and use --keep DIR to keep the demo's log (DIR/audit.db).");
        }
    }

    private static void showSetUp(PrintWriter out, DemoDirectory dir, LocalAws aws, ProxyLauncher.Settings settings) {
        out.println("Set up in " + dir.path() + (dir.kept() ? "" : " (temporary)") + ":");
        out.println("  AWS MCP Server  " + aws.mcpEndpoint() + "  (a recorded session, served by audit-cli's mock)");
        out.println("  STS             " + aws.stsEndpoint() + "  (names account " + FixtureProfiles.DEV_ACCOUNT + " for dev, "
                + FixtureProfiles.PROD_ACCOUNT + " for prod)");
        out.println("  AWS profiles    dev, prod in " + aws.profiles().config().getParent() + "  (fake keys)");
        out.println();
        out.println("The agent starts the proxy over stdio, as Claude Code, Kiro or Cursor would:");
        out.println("  " + String.join(" ", ProxyLauncher.command(Path.of("java"), settings)));
        out.println("and makes these calls, naming a profile in aws_profile for each:");
    }

    private static void showExchanges(PrintWriter out, DemoAgent.Run run) {
        for (DemoAgent.Exchange e : run.exchanges()) {
            Fixture.Call call = e.call();
            String answer = e.answer().outcome() == Fixture.Outcome.OK ? "ok" : "refused: " + e.answer().errorText();
            out.printf(Locale.ROOT, "  %-6s %-17s %s%n         -> %s%n", call.profile(), call.tool(), shown(call), answer);
        }
        out.println("The agent closes stdin; the proxy exits " + run.exitCode() + ".");
    }

    /** The call's arguments for the screen, with the demo's password shown as it is recorded: hidden. */
    private static String shown(Fixture.Call call) {
        String text = call.args() == null ? "" : call.args().isObject() && call.args().size() == 1
                ? call.args().elements().next().asText() : call.args().toString();
        text = text.replace(dev.mcpaudit.fixtures.DemoSeed.SECRET, "<password>").replace("\n", "; ");
        return text.length() > 90 ? text.substring(0, 87) + "..." : text;
    }

    /** Runs an audit-cli command here, in-process, after printing it as the reviewer would type it. */
    private static void reviewer(PrintWriter out, PrintWriter err, List<String> problems, String... args) {
        out.println();
        out.println("$ audit-cli " + String.join(" ", args));
        out.flush();
        int exit = AuditCli.run(out, err, args);
        out.flush();
        if (exit != ExitCode.OK) {
            problems.add("audit-cli " + String.join(" ", args) + " exited " + exit);
        }
    }

    private static void nextSteps(PrintWriter out, DemoDirectory dir) {
        out.println("What just happened: the proxy signed each call with the profile the agent named (SigV4),");
        out.println("refused the profile it was not given (admin) before anything left the machine, and wrote");
        out.println("every call to a hash-chained log, the password hidden before it reached the disk. STS told");
        out.println("it which account each profile is, so the report can say what happened in prod.");
        out.println();
        out.println("Next: wire a real agent to the real AWS MCP Server (README, \"Wiring the proxy into your agent\"):");
        out.println("  claude mcp add aws -- mcp-audit-proxy https://aws-mcp.us-east-1.api.aws/mcp --profile dev prod");
        out.println("then read the log with audit-cli calls, audit-cli report --profile prod, audit-cli verify.");
        if (dir.kept()) {
            out.println("The demo's log stays in " + dir.path() + "; read it with --db " + dir.path().resolve("audit.db") + ".");
        }
    }
}
