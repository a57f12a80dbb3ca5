package dev.mcpaudit.proxy.config;

import dev.mcpaudit.proxy.audit.AuditRecorder;
import dev.mcpaudit.schema.AuditLogLocation;
import dev.mcpaudit.schema.redact.RedactionRules;
import dev.mcpaudit.schema.redact.RedactionRulesException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Every flag of MCP Proxy for AWS 1.6 with its meaning, so an agent config that ran
 * {@code mcp-proxy-for-aws} keeps working when only the command changes, plus this proxy's own.
 */
public final class ProxyOptions {
    public static final List<String> DEFAULT_PROFILE_TOOLS = List.of(
            "aws___call_aws", "aws___run_script", "aws___get_presigned_url", "aws___get_tasks",
            "aws___suggest_aws_commands");

    /** Headers the proxy itself sets or signs; a user value would break signing or the protocol. */
    private static final Set<String> RESERVED_HEADERS = Set.of(
            "authorization", "host", "content-length", "content-type", "accept", "x-amz-date",
            "x-amz-security-token", "x-amz-content-sha256", "mcp-session-id", "mcp-protocol-version",
            "last-event-id", "connection", "transfer-encoding", "expect", "upgrade");

    public enum LogLevel { DEBUG, INFO, WARNING, ERROR, CRITICAL }

    @Parameters(index = "0", arity = "0..1", paramLabel = "ENDPOINT",
            description = "The MCP endpoint URL, e.g. https://aws-mcp.us-east-1.api.aws/mcp (https, or http on loopback).")
    String endpoint;

    @Option(names = "--service", paramLabel = "NAME",
            description = "SigV4 service name (default: inferred from the endpoint host).")
    String service;

    @Option(names = "--profile", arity = "1..*", paramLabel = "PROFILE",
            description = "AWS profiles the agent may use; the first is the default. "
                    + "AWS_MCP_PROXY_PROFILES wins over this, which wins over AWS_PROFILE.")
    List<String> profiles;

    @Option(names = "--region", paramLabel = "REGION",
            description = "SigV4 signing region (default: from the endpoint, else AWS_REGION).")
    String region;

    @Option(names = "--metadata", arity = "0..*", paramLabel = "KEY=VALUE",
            description = "Added to _meta of every request (AWS_REGION is added per profile unless given here).")
    List<String> metadata = new ArrayList<>();

    @Option(names = "--header", arity = "1..*", paramLabel = "KEY=VALUE",
            description = "Extra HTTP headers sent, and signed, on every upstream request.")
    List<String> headers = new ArrayList<>();

    @Option(names = "--read-only", description = "Only expose and allow tools annotated readOnlyHint: true.")
    boolean readOnly;

    @Option(names = "--log-level", defaultValue = "ERROR", paramLabel = "LEVEL",
            description = "DEBUG, INFO, WARNING, ERROR (default) or CRITICAL. Logs go to stderr.")
    // Applied by ProxyMain before anything logs (StderrLogging); declared here for validation and --help.
    LogLevel logLevel;

    @Option(names = "--retries", defaultValue = "0", paramLabel = "[0-10]",
            description = "Retries, with backoff, of requests that provably did not reach the server "
                    + "(connection refused, 429/503 with Retry-After). Default 0.")
    int retries;

    @Option(names = "--timeout", defaultValue = "180", paramLabel = "SECONDS",
            description = "Deadline for each non-tool request (lists, ping, resources, prompts). Default 180.")
    double timeout;

    @Option(names = "--connect-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "Upstream TCP/TLS connect timeout. Default 60.")
    double connectTimeout;

    @Option(names = "--read-timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "Longest silence from upstream on its listening stream before it is reopened. Default 120.")
    double readTimeout;

    @Option(names = "--write-timeout", defaultValue = "180", paramLabel = "SECONDS",
            description = "Accepted for compatibility; request bodies are small and sent within the call's deadline.")
    double writeTimeout;

    @Option(names = "--tool-timeout", defaultValue = "300", paramLabel = "SECONDS",
            description = "Deadline for each tools/call; on expiry upstream is told to cancel. Default 300.")
    double toolTimeout;

    @Option(names = "--disable-telemetry", description = "Leave the agent's name and version out of User-Agent.")
    boolean disableTelemetry;

    @Option(names = "--skip-auth", description = "Send requests unsigned when no AWS credentials can be found.")
    boolean skipAuth;

    @Option(names = "--audit-db", paramLabel = "PATH",
            description = "Audit log file (default: $MCP_AUDIT_DB, else $XDG_STATE_HOME/mcp-audit-proxy/audit.db, "
                    + "else ~/.local/state/mcp-audit-proxy/audit.db).")
    Path auditDb;

    @Option(names = "--audit-failure", defaultValue = "closed", paramLabel = "closed|open",
            converter = AuditFailureConverter.class,
            description = "When a call cannot be recorded in the audit log: closed (default) refuses it, "
                    + "open sends it anyway and says so on stderr.")
    AuditRecorder.FailurePolicy auditFailure;

    @Option(names = "--record-results",
            description = "Also record each call's (redacted) result body, up to --record-results-max-bytes.")
    boolean recordResults;

    @Option(names = "--record-results-max-bytes", defaultValue = "65536", paramLabel = "BYTES",
            description = "Largest result body kept with --record-results; longer ones are cut and marked (default: ${DEFAULT-VALUE}).")
    int recordResultsMaxBytes;

    @Option(names = "--redaction-rules", paramLabel = "FILE",
            description = "JSON rule file that adds redaction rules to the built-in ones or turns some off "
                    + "(default: $" + RedactionRules.RULES_ENV + "). Checked at start-up.")
    Path redactionRules;

    @Option(names = "--profile-tools", arity = "1..*", paramLabel = "NAME|GLOB",
            description = "Tools that get the aws_profile argument (default: the five AWS MCP Server tools that "
                    + "call AWS). Globs such as 'eks_*' are allowed.")
    List<String> profileTools;

    @Option(names = "--lazy-connect",
            description = "Answer initialize without contacting upstream; connect on the first request that needs it.")
    boolean lazyConnect;

    @Option(names = "--confirm-writes", arity = "1..*", paramLabel = "PROFILE",
            description = "Profiles whose writes the user must approve, asked through the agent "
                    + "(MCP elicitation). Also AWS_MCP_PROXY_CONFIRM_WRITES; both add up.")
    List<String> confirmWrites;

    @Option(names = "--confirm-timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long the user has to approve a write; no answer declines it. Default 120.")
    double confirmTimeout;

    @Option(names = "--confirm-fallback", defaultValue = "refuse", paramLabel = "refuse|allow",
            description = "Writes on --confirm-writes profiles from a client that cannot be asked: "
                    + "refuse (default) or allow (said once on stderr).")
    String confirmFallback;

    /** Turns the parsed flags and the environment into a checked configuration. */
    public ProxyConfig resolve(Map<String, String> env) {
        List<String> flagProfiles = profiles == null ? null : new ArrayList<>(profiles);
        String url = endpoint;
        // `--profile a b URL`: argparse and picocli both hand the URL to --profile; take it back.
        if (url == null && flagProfiles != null && !flagProfiles.isEmpty()
                && flagProfiles.get(flagProfiles.size() - 1).contains("://")) {
            url = flagProfiles.remove(flagProfiles.size() - 1);
        }
        if (url == null && confirmWrites != null && !confirmWrites.isEmpty()
                && confirmWrites.get(confirmWrites.size() - 1).contains("://")) {
            confirmWrites = new ArrayList<>(confirmWrites); // `--confirm-writes prod URL`: the same for this list
            url = confirmWrites.remove(confirmWrites.size() - 1);
        }
        if (url == null) {
            throw new ConfigException("Missing ENDPOINT: pass the MCP endpoint URL, e.g. "
                    + "mcp-audit-proxy https://aws-mcp.us-east-1.api.aws/mcp --profile dev prod");
        }
        Endpoint ep = Endpoint.parse(url);
        if (retries < 0 || retries > 10) {
            throw new ConfigException("--retries must be between 0 and 10, got " + retries + ".");
        }
        String signingRegion = firstNonBlank(region, ep.inferredRegion().orElse(null), env.get("AWS_REGION"));
        if (signingRegion == null) {
            throw new ConfigException("Could not determine the AWS region from endpoint '" + url
                    + "' or AWS_REGION. Pass it with --region.");
        }
        ProfileSet profileSet = ProfileSet.resolve(flagProfiles, env);
        return new ProxyConfig(
                ep,
                ep.service(service),
                signingRegion,
                profileSet,
                keyValues("--metadata", metadata),
                checkedHeaders(keyValues("--header", headers)),
                readOnly,
                retries,
                seconds("--timeout", timeout),
                seconds("--connect-timeout", connectTimeout),
                seconds("--read-timeout", readTimeout),
                seconds("--tool-timeout", toolTimeout),
                disableTelemetry,
                skipAuth,
                auditDb != null ? auditDb : AuditLogLocation.defaultPath(),
                auditFailure,
                recordResults ? checkedResultCap() : -1,
                redactionRules(env),
                profileTools == null || profileTools.isEmpty() ? DEFAULT_PROFILE_TOOLS : List.copyOf(profileTools),
                lazyConnect,
                approvalSettings(env, profileSet));
    }

    /**
     * --confirm-writes and AWS_MCP_PROXY_CONFIRM_WRITES (comma or whitespace separated) add up: more
     * protection is never less safe. A name that is not an allowed profile is an error, since a typo
     * would silently leave the profile unprotected.
     */
    private ApprovalSettings approvalSettings(Map<String, String> env, ProfileSet allowed) {
        java.util.LinkedHashSet<String> chosen = new java.util.LinkedHashSet<>();
        if (confirmWrites != null) {
            confirmWrites.forEach(v -> chosen.addAll(splitList(v)));
        }
        String fromEnv = env.get(ApprovalSettings.ENV_CONFIRM_WRITES);
        if (fromEnv != null) {
            chosen.addAll(splitList(fromEnv));
        }
        for (String profile : chosen) {
            if (!allowed.allows(profile)) {
                throw new ConfigException("--confirm-writes names '" + profile + "', which is not an allowed profile ("
                        + String.join(", ", allowed.allowed()) + "). Name allowed profiles only, or add it with"
                        + " --profile.");
            }
        }
        boolean allow;
        if ("allow".equalsIgnoreCase(confirmFallback)) {
            allow = true;
        } else if ("refuse".equalsIgnoreCase(confirmFallback)) {
            allow = false;
        } else {
            throw new ConfigException("--confirm-fallback takes refuse or allow, got '" + confirmFallback + "'.");
        }
        return new ApprovalSettings(List.copyOf(chosen), seconds("--confirm-timeout", confirmTimeout), allow);
    }

    private static List<String> splitList(String value) {
        return java.util.Arrays.stream(value.strip().split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
    }

    private int checkedResultCap() {
        if (recordResultsMaxBytes < 0) {
            throw new ConfigException("--record-results-max-bytes must be 0 or more, got " + recordResultsMaxBytes + ".");
        }
        return recordResultsMaxBytes;
    }

    /** closed|open, in any case. */
    static final class AuditFailureConverter implements picocli.CommandLine.ITypeConverter<AuditRecorder.FailurePolicy> {
        @Override
        public AuditRecorder.FailurePolicy convert(String value) {
            for (AuditRecorder.FailurePolicy p : AuditRecorder.FailurePolicy.values()) {
                if (p.name().equalsIgnoreCase(value)) {
                    return p;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("expected closed or open, got '" + value + "'");
        }
    }

    private RedactionRules redactionRules(Map<String, String> env) {
        try {
            return RedactionRules.fromFlagOrEnvironment(redactionRules, env);
        } catch (RedactionRulesException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static Map<String, String> keyValues(String flag, List<String> items) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(flag + " takes KEY=VALUE pairs, got '" + item + "'.");
            }
            out.put(item.substring(0, eq), item.substring(eq + 1));
        }
        return out;
    }

    private static Map<String, String> checkedHeaders(Map<String, String> headers) {
        for (String name : headers.keySet()) {
            if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT)) || !name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                throw new ConfigException("--header " + name + " is not allowed: the proxy sets that header itself"
                        + " (or it is not a valid header name). Use another header name.");
            }
        }
        return headers;
    }

    private static Duration seconds(String flag, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new ConfigException(flag + " must be a number of seconds >= 0, got " + value + ".");
        }
        return Duration.ofMillis(Math.round(value * 1000));
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
