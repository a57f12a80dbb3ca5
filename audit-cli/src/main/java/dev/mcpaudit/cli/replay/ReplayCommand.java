package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.cli.AuditCli;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.cli.ProgressBar;
import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.ProductVersion;
import dev.mcpaudit.schema.query.UpstreamAnswers;
import dev.mcpaudit.schema.redact.FingerprintKey;
import dev.mcpaudit.schema.redact.RedactionRules;
import dev.mcpaudit.schema.redact.Redactor;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Sends a recorded session's calls again and reports how the answers drifted.",
            "",
            "The calls go in recorded order through mcp-audit-proxy, started here over",
            "stdio as an agent starts it, so the proxy's own client and SigV4 signer are",
            "used. Each call is reported as MATCH (same result hash, or equal apart from",
            "volatile fields), CHANGED (by RFC 6901 pointer), OUTCOME (ok <-> error),",
            "MISSING (no answer), HASH-ONLY (differs, no recorded body to say where) or",
            "SKIPPED (not sent, and why).",
            "",
            "Against a loopback endpoint (a mock) every call is sent except those the",
            "proxy denied when recorded. Against any other endpoint only calls proven",
            "read-only are sent: writes, scripts and unknown tools are skipped unless",
            "--allow-writes allows them. A call with a redacted argument is never sent",
            "there: the marker would be sent, not the value.",
            "",
            "The replay is recorded in the log (--db) as a session of its own, results",
            "included; its client.initialized event names the source session",
            "(clientInfo.replay_of). Its answers to initialize and tools/list are",
            "compared with the fixture's (servers): a changed server version, a tool added",
            "or removed, or a changed input schema is reported as CATALOGUE CHANGED."
        },
        footer = {
            "",
            "Examples:",
            "  audit-cli replay s3.mcpfix.json --endpoint http://127.0.0.1:8089/mcp",
            "  audit-cli replay s3.mcpfix.json --dry-run \\",
            "      --endpoint https://aws-mcp.us-east-1.api.aws/mcp",
            "  audit-cli replay prod.mcpfix.json --strict --profile-map prod=readonly-prod \\",
            "      --endpoint https://aws-mcp.us-east-1.api.aws/mcp",
            "  audit-cli replay staging.mcpfix.json --allow-writes 's3 cp' \\",
            "      --endpoint https://aws-mcp.us-east-1.api.aws/mcp",
            "  audit-cli replay s3.mcpfix.json --endpoint http://127.0.0.1:8089/mcp \\",
            "      --format json | jq '.calls[] | select(.status != \"match\")'",
            "",
            "The proxy jar is --proxy-jar, else $MCP_AUDIT_PROXY_JAR, else",
            "mcp-audit-proxy.jar beside audit-cli.jar, else",
            "proxy/target/mcp-audit-proxy.jar in this repository's build.",
            "",
            "Exit codes: 0 every call sent matched (or --dry-run), 1 drift (changed,",
            "outcome, missing, hash-only, or a changed catalogue), 2 usage error,",
            "3 environment (proxy jar not found, proxy failed to start),",
            "4 --strict refused: a call that cannot be proven read-only would have",
            "been skipped."
        })
public final class ReplayCommand implements Callable<Integer> {
    enum Format { text, json, md }

    static final String CLIENT_NAME = "audit-cli replay";
    /** Region the proxy signs with against a mock when the fixture names none: the mock checks no signature. */
    static final String MOCK_REGION = "us-east-1";

    @ParentCommand
    AuditCli parent;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FIXTURE_FILE|SESSION",
            description = "The recorded session: a fixture file (mcp-audit-fixture/1, written by audit-cli fixture"
                    + " export), or a session of the log (id or unique prefix).")
    String input;

    @Option(names = "--endpoint", required = true, paramLabel = "URL",
            description = "The MCP endpoint to replay against: a mock on loopback (http://127.0.0.1:PORT/mcp) or a real one (https://).")
    String endpoint;

    @Option(names = "--profile-map", split = ",", paramLabel = "OLD=NEW",
            description = "Sign calls recorded under profile OLD with profile NEW (e.g. prod=readonly-prod). Repeat or comma-separate.")
    List<String> profileMap = new ArrayList<>();

    @Option(names = "--allow-writes", paramLabel = "GLOB",
            description = "Also send calls matching GLOB to a real endpoint: on \"service operation\" ('s3 *', 'iam create-*')"
                    + " or a tool name ('aws___run_script'); * and ?, case-insensitive. Repeatable.")
    List<String> allowWrites = new ArrayList<>();

    @Option(names = "--strict",
            description = "Refuse (exit 4, nothing sent) rather than skip a call that cannot be proven read-only.")
    boolean strict;

    @Option(names = "--dry-run", description = "Print the plan (SEND or SKIP, and why) and stop: nothing is sent, no proxy is started.")
    boolean dryRun;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT", description = "text (default), json or md.")
    Format format;

    @Option(names = "--proxy-jar", paramLabel = "PATH", description = "mcp-audit-proxy.jar to run (default: see below).")
    Path proxyJar;

    @Option(names = "--timeout", defaultValue = "60s", paramLabel = "DURATION",
            description = "How long to wait for each answer (default 60s; 30s, 2m, PT90S); then the call is cancelled and MISSING.")
    String timeout;

    @Option(names = "--region", paramLabel = "REGION",
            description = "SigV4 region for the proxy (default: from the endpoint; for a loopback mock, the fixture's).")
    String region;

    @Option(names = "--service", paramLabel = "NAME", description = "SigV4 service name for the proxy (default: from the endpoint).")
    String service;

    @Option(names = "--verbose", description = "Copy the proxy's stderr to this stderr as it runs (otherwise shown only if it fails).")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Duration answerTimeout = Durations.parse("--timeout", timeout);
        URI target = parseEndpoint(endpoint);
        Fixture fixture = ReplayInput.load(input, parent.dbPath());
        ProfileMap profiles = ProfileMap.parse(profileMap, recordedProfiles(fixture));
        ReplaySafety safety = ReplaySafety.forEndpoint(target, allowWrites);
        ReplayPlan plan = ReplayPlan.of(fixture, safety, profiles);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        if (dryRun) {
            render(out, report(fixture, target, safety, true, planned(plan), List.of()));
        }
        if (strict && !plan.refusedForSafety().isEmpty()) {
            refuse(err, plan.refusedForSafety(), target);
            return ExitCode.POLICY_REFUSED;
        }
        if (dryRun) {
            return ExitCode.OK;
        }
        List<ReplayReport.Entry> entries;
        List<CatalogueEntry> catalogue = List.of();
        if (plan.toSend().isEmpty()) {
            err.println("audit-cli: no call of " + input + " may be sent to " + target + "; nothing was sent (see the reasons below).");
            entries = planned(plan);
        } else {
            Path jar = ProxyJarLocator.locate(proxyJar, System.getenv(), ProxyJarLocator.runningFrom());
            String earlierReplay = newestReplay(fixture);
            entries = send(plan, fixture, target, jar, answerTimeout, safety.loopback(), err);
            catalogue = catalogue(fixture, profiles, earlierReplay);
        }
        ReplayReport report = report(fixture, target, safety, false, entries, catalogue);
        render(out, report);
        return report.exitCode();
    }

    /** Starts the proxy, replays the plan through it, and judges each answer. */
    private List<ReplayReport.Entry> send(ReplayPlan plan, Fixture fixture, URI target, Path jar, Duration answerTimeout,
            boolean loopback, PrintWriter err) {
        ProxyLauncher.Settings settings = new ProxyLauncher.Settings(jar, target, plan.proxyProfiles(), parent.dbPath(),
                region != null ? region : loopback ? fixtureRegion(fixture) : null, service);
        DriftCheck check = new DriftCheck(DriftCheck.rulesOf(fixture),
                new Redactor(RedactionRules.fromFlagOrEnvironment(null, System.getenv()), FingerprintKey.ephemeral()));
        List<ReplayReport.Entry> entries = new ArrayList<>();
        boolean proxyDied = false;
        String proxyStderr;
        try (ProxyDriver proxy = new ProxyDriver(ProxyLauncher.start(settings), err, verbose)) {
            proxy.initialize(clientInfo(fixture), answerTimeout);
            proxy.listTools(answerTimeout);
            ProgressBar progress = parent.progressBar(spec, plan.toSend().size());
            int sent = 0;
            for (ReplayPlan.PlannedCall p : plan.calls()) {
                if (!p.send()) {
                    entries.add(new ReplayReport.Entry(p, CallVerdict.skipped(p.decision().reason(), p.call().outcome())));
                    continue;
                }
                progress.show(sent++, "seq " + p.call().seq() + " " + p.description());
                Answer answer = proxy.request(p.number(), p.call().method(), RecordedRequest.params(p.call(), p.sendAs()), answerTimeout);
                entries.add(new ReplayReport.Entry(p, check.check(p.call(), answer)));
                proxyDied |= answer.isMissing() && !proxy.isAlive();
            }
            progress.clear();
            proxyStderr = proxy.stderr();
        }
        if (proxyDied && !verbose) {
            err.println("audit-cli: the proxy exited during the replay; calls after that are MISSING. Its stderr:");
            err.println(proxyStderr.isBlank() ? "(nothing)" : proxyStderr);
        }
        return entries;
    }

    /**
     * The fixture's server catalogue against what the replay's own session recorded (the proxy ran
     * with --record-results). Empty when the replay left no session of its own in the log: the
     * newest session replaying this source is still {@code earlierReplay}.
     */
    private List<CatalogueEntry> catalogue(Fixture fixture, ProfileMap profiles, String earlierReplay) throws SQLException {
        String replaySession = newestReplay(fixture);
        if (replaySession == null || replaySession.equals(earlierReplay)) {
            return List.of();
        }
        try (AuditLog log = AuditLog.openReadOnly(parent.dbPath())) {
            return CatalogueComparison.ofReplay(fixture.servers(), SessionServers.of(log, replaySession), recordedProfiles(fixture),
                    profiles);
        }
    }

    /** The newest session of the log that replays the fixture's source session; null when none (or no log yet). */
    private String newestReplay(Fixture fixture) throws SQLException {
        if (!Files.isRegularFile(parent.dbPath())) {
            return null;
        }
        try (AuditLog log = AuditLog.openReadOnly(parent.dbPath())) {
            return UpstreamAnswers.newestReplayOf(log, fixture.source().logId(), fixture.source().sessionId());
        }
    }

    /** Who is calling, for the new session's client.initialized: the replay, and the session it replays. */
    private static ObjectNode clientInfo(Fixture fixture) {
        ObjectNode info = JsonNodeFactory.instance.objectNode().put("name", CLIENT_NAME).put("version", ProductVersion.get());
        info.putObject("replay_of").put("log_id", fixture.source().logId()).put("session_id", fixture.source().sessionId());
        return info;
    }

    private static String fixtureRegion(Fixture fixture) {
        return fixture.profiles().values().stream().map(Fixture.Profile::region).filter(r -> r != null && !r.isBlank())
                .findFirst().orElse(MOCK_REGION);
    }

    private static Set<String> recordedProfiles(Fixture fixture) {
        Set<String> names = new LinkedHashSet<>(fixture.profiles().keySet());
        fixture.calls().forEach(c -> {
            if (c.profile() != null) {
                names.add(c.profile());
            }
        });
        return names;
    }

    private static List<ReplayReport.Entry> planned(ReplayPlan plan) {
        return plan.calls().stream().map(p -> new ReplayReport.Entry(p, p.send()
                ? CallVerdict.planned(p.call().outcome())
                : CallVerdict.skipped(p.decision().reason(), p.call().outcome()))).toList();
    }

    private ReplayReport report(Fixture fixture, URI target, ReplaySafety safety, boolean plan, List<ReplayReport.Entry> entries,
            List<CatalogueEntry> catalogue) {
        return new ReplayReport(input, fixture.source(), target, safety, plan, entries, catalogue);
    }

    private void render(PrintWriter out, ReplayReport report) throws Exception {
        switch (format) {
            case json -> ReplayJson.write(out, report);
            case md -> ReplayMarkdown.write(out, report);
            default -> ReplayText.write(out, report);
        }
        out.flush();
    }

    /** What --strict refused, which calls, and the ways forward. */
    private static void refuse(PrintWriter err, List<ReplayPlan.PlannedCall> refused, URI target) {
        err.println("audit-cli: --strict: " + refused.size() + " call" + (refused.size() == 1 ? "" : "s")
                + " cannot be proven read-only and would be skipped against " + target + "; nothing was sent:");
        Set<String> allow = new LinkedHashSet<>();
        for (ReplayPlan.PlannedCall p : refused) {
            err.println("  #" + p.number() + "  seq " + p.call().seq() + "  " + p.profileLabel() + "  " + p.description() + ": "
                    + p.decision().reason());
            allow.add("--allow-writes '" + p.decision().allowAs() + "'");
        }
        err.println("To send them, add " + String.join(" ", allow) + "; or replay against a mock on loopback;"
                + " or leave out --strict to skip them.");
    }

    /** The endpoint as the proxy will accept it: https, or http only on loopback. */
    static URI parseEndpoint(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--endpoint '" + text + "' is not a URL (" + e.getReason()
                    + "); write e.g. https://aws-mcp.us-east-1.api.aws/mcp or http://127.0.0.1:8089/mcp.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
            throw new IllegalArgumentException("--endpoint '" + text + "' is not an http(s) URL with a host;"
                    + " write e.g. https://aws-mcp.us-east-1.api.aws/mcp or http://127.0.0.1:8089/mcp.");
        }
        if (scheme.equals("http") && !ReplaySafety.isLoopback(uri)) {
            throw new IllegalArgumentException("--endpoint '" + text + "' is http on a remote host; the proxy sends AWS credentials"
                    + " only over https (http is for a mock on loopback).");
        }
        return uri;
    }
}
