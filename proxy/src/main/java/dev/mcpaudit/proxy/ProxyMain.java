package dev.mcpaudit.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.proxy.audit.AccountResolver;
import dev.mcpaudit.proxy.audit.AuditRecorder;
import dev.mcpaudit.proxy.config.ConfigException;
import dev.mcpaudit.proxy.config.ProxyConfig;
import dev.mcpaudit.proxy.config.ProxyOptions;
import dev.mcpaudit.proxy.downstream.StdioChannel;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.proxy.pipeline.ApprovalChannel;
import dev.mcpaudit.proxy.pipeline.CallDescriber;
import dev.mcpaudit.proxy.pipeline.CallPipeline;
import dev.mcpaudit.proxy.pipeline.CallRecorder;
import dev.mcpaudit.proxy.pipeline.CallStep;
import dev.mcpaudit.proxy.pipeline.ConnectUpstream;
import dev.mcpaudit.proxy.pipeline.LogRedaction;
import dev.mcpaudit.proxy.pipeline.ProfileRouter;
import dev.mcpaudit.proxy.pipeline.ReadOnlyGuard;
import dev.mcpaudit.proxy.pipeline.UpstreamForwarder;
import dev.mcpaudit.proxy.pipeline.WriteApproval;
import dev.mcpaudit.proxy.pipeline.ToolCatalog;
import dev.mcpaudit.proxy.upstream.ProfileCredentials;
import dev.mcpaudit.proxy.upstream.SigV4Signer;
import dev.mcpaudit.proxy.upstream.UpstreamHttp;
import dev.mcpaudit.proxy.upstream.UpstreamSessions;
import dev.mcpaudit.schema.ProductVersion;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;

@Command(
        name = "mcp-audit-proxy",
        mixinStandardHelpOptions = true,
        versionProvider = ProxyMain.Version.class,
        subcommands = AutoComplete.GenerateCompletion.class,
        description = {
            "MCP proxy for SigV4-protected MCP servers (AWS MCP Server, AgentCore, EKS MCP).",
            "Speaks MCP over stdio to the agent, signs each request with the AWS profile the agent chose",
            "(aws_profile, from the allowlist given here) and forwards it over Streamable HTTP."
        },
        footer = {
            "",
            "Examples:",
            "  mcp-audit-proxy https://aws-mcp.us-east-1.api.aws/mcp --profile dev prod",
            "  AWS_MCP_PROXY_PROFILES='dev staging prod' mcp-audit-proxy \\",
            "      https://aws-mcp.us-east-1.api.aws/mcp --read-only",
            "  mcp-audit-proxy https://aws-mcp.us-east-1.api.aws/mcp --profile dev prod \\",
            "      --confirm-writes prod",
            "",
            "stdout carries JSON-RPC only; logs go to stderr."
        })
public final class ProxyMain implements Callable<Integer> {
    @Mixin
    ProxyOptions options = new ProxyOptions();

    private final InputStream stdin;
    private final OutputStream stdout;
    /** Benchmarks only: run without recording, to measure what recording costs (BENCHMARKS.md). */
    static final String BENCH_AUDIT_OFF_PROPERTY = "mcpaudit.bench.auditOff";
    /** One STS GetCallerIdentity, and what a call waits for it at most before using a fallback. */
    private static final Duration STS_TIMEOUT = Duration.ofSeconds(3);

    private final Map<String, String> env;

    ProxyMain(InputStream stdin, OutputStream stdout, Map<String, String> env) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.env = env;
    }

    public static void main(String[] args) {
        // stdout belongs to JSON-RPC: keep the real one for the protocol (and --help/--version) and send
        // anything else that writes to System.out (libraries, stray prints) to stderr.
        PrintStream stdout = System.out;
        System.setOut(System.err);
        // Logging is set up by whichever thread logs first, so the level must be known before any does.
        StderrLogging.configure(logLevelArgument(args));
        Thread warmUp = new Thread(ProxyMain::warmUp, "warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        CommandLine cli = commandLine(stdout);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("mcp-audit-proxy: " + e.getMessage());
            return e instanceof ConfigException ? 2 : 1;
        });
        System.exit(cli.execute(args));
    }

    /**
     * The command tree reading the agent from stdin and answering on {@code stdout}; tests parse example
     * command lines with it.
     */
    public static CommandLine commandLine(PrintStream stdout) {
        CommandLine cli = new CommandLine(new ProxyMain(System.in, stdout, System.getenv()));
        cli.setOut(new PrintWriter(stdout, true));
        return cli;
    }

    @Override
    public Integer call() throws Exception {
        ProxyConfig config = options.resolve(env);
        ProfileCredentials credentials = new ProfileCredentials(env);
        for (String profile : config.profiles().allowed()) {
            if (!profile.equals(ProfileCredentials.DEFAULT_CHAIN) && !credentials.exists(profile)) {
                throw new ConfigException("AWS profile '" + profile + "' is not defined in the AWS config or credentials"
                        + " file; check --profile / AWS_MCP_PROXY_PROFILES, or create it with `aws configure --profile "
                        + profile + "`.");
            }
        }
        ExecutorService workers = Executors.newCachedThreadPool(daemonThreads("agent-request"));
        ExecutorService upstreamIo = Executors.newCachedThreadPool(daemonThreads("upstream-io"));
        Map<String, String> regionByProfile = regionByProfile(config, credentials);
        AuditRecorder recorder = Boolean.getBoolean(BENCH_AUDIT_OFF_PROPERTY)
                ? AuditRecorder.disabledForBenchmarks()
                : new AuditRecorder(config.auditDb(), config.redactionRules(), config.auditFailure(),
                        config.recordResultsMaxBytes());
        AccountResolver accounts = new AccountResolver(credentials, regionByProfile::get, upstreamIo, STS_TIMEOUT);
        UpstreamHttp http = new UpstreamHttp(
                config.endpoint().uri(),
                config.connectTimeout(),
                new SigV4Signer(config.service(), config.signingRegion()),
                credentials,
                config.headers(),
                metadataByProfile(config, regionByProfile),
                config.readTimeout(),
                config.retries(),
                config.skipAuth());
        StdioChannel agent = new StdioChannel(stdin, stdout, StdioChannel.DEFAULT_MAX_LINE_BYTES);
        ServerRequestRelay relay = new ServerRequestRelay(agent, workers);
        AgentElicitation elicitation = new AgentElicitation(relay);
        UpstreamSessions upstreams = new UpstreamSessions(http, relay::fromUpstream, upstreamIo);
        upstreams.onInitialized((session, result) -> recorder.upstreamInitialized(session.profile(), session.sessionId(),
                result));
        ProfileRouter router = new ProfileRouter(config.profiles(), config.profileTools());
        ToolCatalog catalog = new ToolCatalog(router, config.readOnly(), config.approval());
        LogRedaction logRedaction = new LogRedaction(config.redactionRules());
        CallDescriber describer = new CallDescriber(router, accounts, regionByProfile, config.service());
        CallPipeline pipeline = new CallPipeline(callSteps(config, router, catalog, upstreams, recorder, logRedaction,
                describer, elicitation), recorder, describer, logRedaction);
        AgentRequests requests = new AgentRequests(agent);
        String defaultProfile = config.profiles().defaultProfile();
        InitializeHandler initializer = new InitializeHandler(upstreams, http, recorder, defaultProfile,
                config.requestTimeout(), config.lazyConnect(), !config.disableTelemetry(), elicitation);
        Supplier<ObjectNode> sessionInfo = () -> sessionInfo(config, regionByProfile);
        ProxyServer server = new ProxyServer(requests, relay, initializer, pipeline, upstreams, catalog, recorder,
                logRedaction, defaultProfile, config.toolTimeout(), config.requestTimeout(), workers, () -> {
                    // Once the agent has its first answer, not at launch: opening SQLite and the first STS
                    // lookup (a thousand AWS SDK classes) would otherwise compete for the CPU with
                    // answering initialize (start-up target: 1 s). A call arriving before they are done
                    // waits for the log to open.
                    recorder.start(sessionInfo);
                    accounts.prefetch(config.profiles().allowed());
                });
        Logger log = LoggerFactory.getLogger(ProxyMain.class);
        log.info("mcp-audit-proxy {} for {} (service {}, region {}, profiles {}), recording to {}", ProductVersion.get(),
                config.endpoint().uri(), config.service(), config.signingRegion(), config.profiles().allowed(),
                config.auditDb());
        SessionShutdown shutdown = new SessionShutdown(requests, upstreams, recorder, () -> recorder.start(sessionInfo));
        endOnSignals(shutdown);
        agent.readLoop(server::onAgentMessage);
        log.info("stdin closed; finishing requests in flight, then ending upstream sessions");
        shutdown.run(AuditRecorder.ENDED_BY_STDIN, SessionShutdown.GRACE_AFTER_STDIN);
        return 0;
    }

    /**
     * SIGTERM, SIGINT and SIGHUP end the session as stdin closing does, with a shorter grace, and the
     * proxy then exits 0; any other way the JVM exits still ends it (the hook waits for a shutdown
     * already under way and otherwise runs one).
     */
    private static void endOnSignals(SessionShutdown shutdown) {
        for (String name : new String[] {"TERM", "INT", "HUP"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    shutdown.run("SIG" + signal.getName(), SessionShutdown.GRACE_AFTER_SIGNAL);
                    System.exit(0);
                });
            } catch (IllegalArgumentException e) {
                LoggerFactory.getLogger(ProxyMain.class).debug("cannot handle SIG{} here: {}", name, e.getMessage());
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown.run("jvm_exit", Duration.ZERO),
                "session-shutdown"));
    }

    /**
     * The steps every call goes through, in order.
     */
    private static List<CallStep> callSteps(ProxyConfig config, ProfileRouter router, ToolCatalog catalog,
            UpstreamSessions upstreams, AuditRecorder recorder, LogRedaction logRedaction, CallDescriber describer,
            ApprovalChannel approvals) {
        List<CallStep> steps = new ArrayList<>();
        if (config.readOnly()) {
            steps.add(new ReadOnlyGuard(catalog, () -> upstreams.get(config.profiles().defaultProfile()),
                    config.requestTimeout()));
        }
        steps.add(router);
        if (!config.approval().protectedProfiles().isEmpty()) {
            steps.add(new WriteApproval(config.approval(), approvals, catalog, describer, recorder));
        }
        steps.add(new ConnectUpstream(upstreams, config.requestTimeout()));
        steps.add(new CallRecorder(recorder, describer));
        steps.add(new UpstreamForwarder(upstreams, logRedaction));
        return steps;
    }

    /** Each profile's region: its own setting, else AWS_REGION, the endpoint's, the signing region. */
    private Map<String, String> regionByProfile(ProxyConfig config, ProfileCredentials credentials) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String profile : config.profiles().allowed()) {
            out.put(profile, credentials.region(profile)
                    .or(() -> java.util.Optional.ofNullable(env.get("AWS_REGION")).filter(s -> !s.isBlank()))
                    .or(() -> config.endpoint().inferredRegion())
                    .orElse(config.signingRegion()));
        }
        return out;
    }

    /** {@code _meta} per profile: AWS_REGION of that profile, then --metadata. */
    private static Map<String, ObjectNode> metadataByProfile(ProxyConfig config, Map<String, String> regionByProfile) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        regionByProfile.forEach((profile, region) -> {
            ObjectNode meta = JsonRpc.MAPPER.createObjectNode();
            meta.put("AWS_REGION", region);
            config.metadata().forEach(meta::put);
            out.put(profile, meta);
        });
        return out;
    }

    /** The {@code session.started} payload: who runs what, where, with which settings. */
    private static ObjectNode sessionInfo(ProxyConfig config, Map<String, String> regionByProfile) {
        ObjectNode info = JsonRpc.MAPPER.createObjectNode();
        info.put("proxy_version", ProductVersion.get());
        info.put("endpoint", config.endpoint().uri().toString());
        info.put("service", config.service());
        info.put("signing_region", config.signingRegion());
        config.profiles().allowed().forEach(info.putArray("profiles")::add);
        info.put("default_profile", config.profiles().defaultProfile());
        regionByProfile.forEach(info.putObject("profile_regions")::put);
        info.put("read_only", config.readOnly());
        if (!config.approval().protectedProfiles().isEmpty()) {
            config.approval().protectedProfiles().forEach(info.putArray("confirm_writes")::add);
        }
        info.put("audit_failure", config.auditFailure().name().toLowerCase(java.util.Locale.ROOT));
        info.put("record_results", config.recordResultsMaxBytes() >= 0);
        info.put("host", hostName());
        info.put("os_user", System.getProperty("user.name"));
        info.put("pid", ProcessHandle.current().pid());
        return info;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return System.getenv().getOrDefault("HOSTNAME", "unknown");
        }
    }

    /**
     * Loads, on the second core while the command line is parsed, what answering the agent's first
     * initialize needs: logging, Jackson, TLS, the AWS SDK's profile files and signer. An agent waits
     * for that answer before it shows any tool.
     */
    private static void warmUp() {
        try {
            // Jackson first: its ~400 classes take a quarter of a second, and the main thread needs it soon.
            JsonRpc.MAPPER.writeValueAsBytes(JsonRpc.MAPPER.readTree("{\"jsonrpc\":\"2.0\",\"id\":1,\"params\":{\"a\":[1.5,true,null]}}"));
            javax.net.ssl.SSLContext.getDefault(); // reads the CA certificates
            LoggerFactory.getILoggerFactory();
            software.amazon.awssdk.profiles.ProfileFile.defaultProfileFile();
            // A throw-away signature with made-up keys loads the whole signing path; no credentials are read.
            new SigV4Signer("warm-up", "us-east-1").sign("POST", java.net.URI.create("https://localhost/mcp"),
                    Map.of("Content-Type", "application/json"), "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("AKIAWARMUPWARMUP0000", "warm-up"));
            Class.forName(UpstreamHttp.class.getName()); // its static settings for the JDK's HTTP client come first
            java.net.URI.create("http://127.0.0.1:1/").toURL().openConnection(); // classes only, never connected
        } catch (Exception | LinkageError ignored) {
            // Only a head start: whatever fails here fails again, and is reported, where it is really used.
        }
    }

    /** The value of {@code --log-level L} or {@code --log-level=L}; picocli still validates it. */
    static String logLevelArgument(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--log-level") && i + 1 < args.length) {
                return args[i + 1];
            }
            if (args[i].startsWith("--log-level=")) {
                return args[i].substring("--log-level=".length());
            }
        }
        return ProxyOptions.LogLevel.ERROR.name();
    }

    /**
     * Threads with an 8 MiB stack (reserved, touched only when used): the JSON the agent may send nests
     * up to Jackson's limit of 1,000 levels, and redacting and canonicalising it recurse that deep.
     */
    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(null, r, name + "-" + n.incrementAndGet(), 8L << 20);
            t.setDaemon(true);
            return t;
        };
    }

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mcp-audit-proxy " + ProductVersion.get()};
        }
    }
}
