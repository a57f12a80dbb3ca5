package dev.mcpaudit.schema.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.schema.AppendedEvent;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.CanonicalJson;
import dev.mcpaudit.schema.EventAppender;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import dev.mcpaudit.schema.redact.FingerprintKey;
import dev.mcpaudit.schema.redact.Redaction;
import dev.mcpaudit.schema.redact.RedactionRules;
import dev.mcpaudit.schema.redact.Redactor;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What redaction costs next to the durable append that now includes it (issue 4). Measured in the
 * same run, one thread, microseconds per operation:
 *
 * <ul>
 *   <li>{@code redactRequested}: {@link Redactor#redactPayload} of a {@code call.requested} payload of an
 *       {@code aws___call_aws} call ({@code aws ec2 describe-instances … --query …}); nothing to hide.
 *   <li>{@code redactRequestedSecret}: the same for {@code aws secretsmanager create-secret
 *       --secret-string '{…}'}, where the flag value is replaced by a marker (one finding).
 *   <li>{@code redactCompleted100k}: {@link Redactor#redactPayload} of a {@code call.completed} payload
 *       whose {@code result} is an MCP {@code tools/call} result holding about 100 KB of
 *       {@code describe-instances} JSON as text (generated with a fixed seed; nothing to hide).
 *   <li>{@code redactResult100k}: {@link Redactor#redactResult} of that result alone, as the proxy
 *       redacts a result knowing its call, for {@code aws lambda list-functions}: an operation with
 *       sensitive output members ({@code Functions[].Environment.Variables}), so the keys of every
 *       object are looked up in the model rules (none matches the describe-instances output).
 *   <li>{@code appendRequested} / {@code appendCompleted100k}: the baseline,
 *       {@code log.appender().append(event)} of the same two payloads into a real SQLite log
 *       (synchronous=FULL), returning once durable. The append redacts, so this is the whole cost a
 *       proxied call pays per event.
 * </ul>
 *
 * Ratios: redactRequested ÷ appendRequested and redactCompleted100k ÷ appendCompleted100k.
 *
 * <p>Issue 14, redaction once per event: the redaction work of one proxied call event, as it was and
 * as it is, from the same raw payload, args_fingerprint and the result cap (65536, the default)
 * included on both sides:
 *
 * <ul>
 *   <li>{@code twoPassRequested}: before, the recorder's {@link Redactor#redactArguments} of the
 *       {@code create-secret} arguments and their fingerprint, then the appender's
 *       {@link Redactor#redactPayload} of the whole payload;
 *   <li>{@code oncePerEventRequested}: now, the appender's one {@link Redactor#redactPayload} of the
 *       raw payload, then the fingerprint of the redacted arguments;
 *   <li>{@code twoPassCompleted100k}: before, the recorder's {@link Redactor#redactResult} of the
 *       100 KB result for {@code aws lambda list-functions}, cut to the cap, then the appender's
 *       {@link Redactor#redactPayload} of the payload (walking the cut text again);
 *   <li>{@code oncePerEventCompleted100k}: now, the appender's one
 *       {@code redactPayload(payload, tool, args)} of the raw payload, then the cut.
 * </ul>
 *
 * Ratios: oncePerEventRequested ÷ twoPassRequested and oncePerEventCompleted100k ÷ twoPassCompleted100k.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 4, time = 4)
// No SLF4J provider on the test classpath: silence its start-up warning, which garbles JMH output.
@Fork(value = 1, jvmArgsAppend = "-Dslf4j.internal.verbosity=ERROR")
@Threads(1)
public class RedactionBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Seed of the generated describe-instances output: the same 100 KB in every run. */
    static final long SEED = 20261126L;
    static final int RESULT_TEXT_CHARS = 100 * 1024;

    /** The payloads, built once per trial; redaction never modifies its input, so they are reused. */
    @State(Scope.Benchmark)
    public static class Payloads {
        Redactor redactor;
        ObjectNode requested;
        ObjectNode requestedSecret;
        ObjectNode completed100k;
        JsonNode result100k;
        ObjectNode listFunctionsArgs;
        /** {@code requestedSecret} as the recorder now hands it over: raw, no {@code args_fingerprint}. */
        ObjectNode requestedSecretRaw;

        @Setup(Level.Trial)
        public void build() {
            redactor = new Redactor(RedactionRules.defaults(), FingerprintKey.ephemeral());
            requested = describeInstancesRequested(1);
            requestedSecret = createSecretRequested(2);
            completed100k = describeInstancesCompleted(SEED);
            // Make sure each benchmark measures the path it claims to.
            expectFindings(redactor.redactPayload(requested), 0, "describe-instances request");
            expectFindings(redactor.redactPayload(requestedSecret), 1, "create-secret request");
            expectFindings(redactor.redactPayload(completed100k), 0, "100 KB describe-instances result");
            result100k = completed100k.get("result");
            listFunctionsArgs = JSON.createObjectNode().put("cli_command", "aws lambda list-functions --region us-east-1");
            expectFindings(redactor.redactResult("aws___call_aws", listFunctionsArgs, result100k), 0, "100 KB result, lambda list-functions");
            requestedSecretRaw = requestedSecret.deepCopy();
            requestedSecretRaw.remove("args_fingerprint");
            if (!CanonicalJson.canonicalize(twoPass(this)).equals(CanonicalJson.canonicalize(oncePerEvent(this)))
                    || !CanonicalJson.canonicalize(twoPassCompleted(this)).equals(CanonicalJson.canonicalize(oncePerEventCompleted(this)))) {
                throw new IllegalStateException("the one-pass and two-pass paths store different payloads");
            }
        }
    }

    /** The result cap of {@code --record-results-max-bytes}' default: the 100 KB result is cut. */
    static final int RESULT_CAP = 65536;

    static JsonNode twoPass(Payloads p) {
        JsonNode args = p.redactor.redactArguments("aws___call_aws", p.requestedSecretRaw.get("args")).value();
        ObjectNode payload = p.requestedSecretRaw.deepCopy();
        payload.set("args", args);
        payload.put("args_fingerprint", CanonicalJson.sha256Hex(args));
        return p.redactor.redactPayload(payload).value();
    }

    static JsonNode oncePerEvent(Payloads p) {
        ObjectNode payload = (ObjectNode) p.redactor.redactPayload(p.requestedSecretRaw).value();
        return payload.put("args_fingerprint", CanonicalJson.sha256Hex(payload.get("args")));
    }

    static JsonNode twoPassCompleted(Payloads p) {
        ObjectNode payload = p.completed100k.deepCopy();
        cut(payload, p.redactor.redactResult("aws___call_aws", p.listFunctionsArgs, p.result100k).value());
        return p.redactor.redactPayload(payload).value();
    }

    static JsonNode oncePerEventCompleted(Payloads p) {
        ObjectNode payload = (ObjectNode) p.redactor.redactPayload(p.completed100k, "aws___call_aws", p.listFunctionsArgs).value();
        cut(payload, payload.get("result"));
        return payload;
    }

    /** As the recorder did and the appender now does: the redacted result, or its first {@link #RESULT_CAP} bytes. */
    private static void cut(ObjectNode payload, JsonNode redacted) {
        byte[] bytes = CanonicalJson.canonicalize(redacted).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (bytes.length <= RESULT_CAP) {
            payload.set("result", redacted);
            return;
        }
        String kept = new String(bytes, 0, RESULT_CAP, java.nio.charset.StandardCharsets.UTF_8);
        if (!kept.isEmpty() && kept.charAt(kept.length() - 1) == '\uFFFD') {
            kept = kept.substring(0, kept.length() - 1);
        }
        payload.put("result", kept).put("result_truncated", true).put("result_bytes", bytes.length);
    }

    /** One fresh log per trial (per benchmark method), deleted afterwards. */
    @State(Scope.Benchmark)
    public static class Log {
        Path dir;
        AuditLog log;
        EventAppender appender;
        long n;

        @Setup(Level.Trial)
        public void open() throws Exception {
            dir = Files.createTempDirectory("mcp-audit-bench-redaction");
            log = AuditLog.openForAppend(dir.resolve("audit.db"));
            appender = log.appender();
        }

        @TearDown(Level.Trial)
        public void close() {
            log.close();
            BenchEvents.deleteRecursively(dir);
        }
    }

    @Benchmark
    public Redaction redactRequested(Payloads p) {
        return p.redactor.redactPayload(p.requested);
    }

    @Benchmark
    public Redaction redactRequestedSecret(Payloads p) {
        return p.redactor.redactPayload(p.requestedSecret);
    }

    @Benchmark
    public Redaction redactCompleted100k(Payloads p) {
        return p.redactor.redactPayload(p.completed100k);
    }

    @Benchmark
    public Redaction redactResult100k(Payloads p) {
        return p.redactor.redactResult("aws___call_aws", p.listFunctionsArgs, p.result100k);
    }

    @Benchmark
    public JsonNode twoPassRequested(Payloads p) {
        return twoPass(p);
    }

    @Benchmark
    public JsonNode oncePerEventRequested(Payloads p) {
        return oncePerEvent(p);
    }

    @Benchmark
    public JsonNode twoPassCompleted100k(Payloads p) {
        return twoPassCompleted(p);
    }

    @Benchmark
    public JsonNode oncePerEventCompleted100k(Payloads p) {
        return oncePerEventCompleted(p);
    }

    @Benchmark
    public AppendedEvent appendRequested(Payloads p, Log log) {
        long n = log.n++;
        return log.appender.append(NewEvent.now(EventType.CALL_REQUESTED, "bench-session", "bench-call-" + n, p.requested));
    }

    @Benchmark
    public AppendedEvent appendCompleted100k(Payloads p, Log log) {
        long n = log.n++;
        return log.appender.append(NewEvent.now(EventType.CALL_COMPLETED, "bench-session", "bench-call-" + n, p.completed100k));
    }

    // --- fixtures ---

    private static void expectFindings(Redaction r, int expected, String what) {
        if (r.findings().size() != expected) {
            throw new IllegalStateException(what + ": expected " + expected + " finding(s), got " + r.findings());
        }
    }

    /** The fields the proxy records for every {@code tools/call}, around the tool's arguments. */
    private static ObjectNode requestedEnvelope(long jsonrpcId, String profile, String accountId, String region, String service) {
        return JSON.createObjectNode()
                .put("method", "tools/call")
                .put("jsonrpc_id", jsonrpcId)
                .put("profile", profile)
                .put("account_id", accountId)
                .put("account_source", "sts:GetCallerIdentity")
                .put("region", region)
                .put("service", service)
                .put("tool", "aws___call_aws");
    }

    static ObjectNode describeInstancesRequested(long jsonrpcId) {
        ObjectNode payload = requestedEnvelope(jsonrpcId, "prod-readonly", "123456789012", "us-east-1", "ec2");
        payload.putObject("args")
                .put("cli_command", "aws ec2 describe-instances --region us-east-1"
                        + " --filters Name=instance-state-name,Values=running Name=tag:env,Values=prod"
                        + " --query 'Reservations[].Instances[].InstanceId'")
                .put("aws_profile", "prod-readonly");
        payload.put("args_fingerprint", "4be0c1f7a9d2e3b58c6f1a2d7e9b0c3f5a8d1e4b7c0f2a5d8e1b4c7f0a3d6e9b")
                .put("upstream_session_id", "7c1e9a52-3f4b-4d8e-9a61-2b5c7d8e0f13");
        return payload;
    }

    static ObjectNode createSecretRequested(long jsonrpcId) {
        ObjectNode payload = requestedEnvelope(jsonrpcId, "prod-admin", "123456789012", "us-east-1", "secretsmanager");
        payload.putObject("args")
                .put("cli_command", "aws secretsmanager create-secret --region us-east-1"
                        + " --name prod/payments/postgres --description 'payments DB, rotated by lambda'"
                        + " --secret-string '{\"username\":\"payments_app\",\"password\":\"q7V!rT9#kLm2$wXz\","
                        + "\"host\":\"payments.cluster-c8x2k1.us-east-1.rds.amazonaws.com\",\"port\":5432}'"
                        + " --tags Key=team,Value=payments Key=env,Value=prod")
                .put("aws_profile", "prod-admin");
        payload.put("args_fingerprint", "0d9e8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d")
                .put("upstream_session_id", "7c1e9a52-3f4b-4d8e-9a61-2b5c7d8e0f13");
        return payload;
    }

    /**
     * A {@code call.completed} payload whose {@code result} is the MCP result of an unfiltered
     * {@code aws ec2 describe-instances}: the CLI's JSON output (4-space indentation, as the CLI prints
     * it) as one text content item, {@value #RESULT_TEXT_CHARS} characters or a few KB more.
     */
    static ObjectNode describeInstancesCompleted(long seed) {
        String text = describeInstancesOutput(seed, RESULT_TEXT_CHARS);
        ObjectNode result = JSON.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        result.put("isError", false);
        return JSON.createObjectNode()
                .put("outcome", "ok")
                .put("duration_ms", 1840)
                .put("result_sha256", CanonicalJson.sha256Hex(result))
                .set("result", result);
    }

    /** Deterministic describe-instances output of at least {@code minChars} characters. */
    static String describeInstancesOutput(long seed, int minChars) {
        Random r = new Random(seed);
        ObjectNode root = JSON.createObjectNode();
        ArrayNode reservations = root.putArray("Reservations");
        String[] types = {"t3.medium", "t3.large", "m6i.xlarge", "c6g.2xlarge", "r6i.large"};
        String[] apps = {"web", "api", "worker", "batch", "cache"};
        String[] zones = {"us-east-1a", "us-east-1b", "us-east-1c"};
        String vpc = "vpc-" + hex(r, 17);
        int instance = 0;
        // As the CLI prints it: 4-space indentation, "Key": value, empty arrays as [].
        DefaultPrettyPrinter pretty = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withArrayEmptySeparator(""))
                .withObjectIndenter(new DefaultIndenter("    ", "\n"))
                .withArrayIndenter(new DefaultIndenter("    ", "\n"));
        String text = "";
        while (text.length() < minChars) {
            // One reservation (one or two instances, about 7 KB each) at a time, re-rendered: done once per trial.
            ObjectNode reservation = reservations.addObject();
            reservation.putArray("Groups");
            ArrayNode instances = reservation.putArray("Instances");
            int count = 1 + r.nextInt(2);
            for (int j = 0; j < count; j++) {
                addInstance(instances.addObject(), r, instance++, types, apps, zones, vpc);
            }
            reservation.put("OwnerId", "123456789012")
                    .put("ReservationId", "r-" + hex(r, 17));
            try {
                text = JSON.writer(pretty).writeValueAsString(root);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
        return text;
    }

    private static void addInstance(ObjectNode i, Random r, int index, String[] types, String[] apps,
            String[] zones, String vpc) {
        String app = apps[r.nextInt(apps.length)];
        String zone = zones[r.nextInt(zones.length)];
        String subnet = "subnet-" + hex(r, 17);
        String privateIp = "10.0." + r.nextInt(64) + "." + (4 + r.nextInt(250));
        String privateDns = "ip-" + privateIp.replace('.', '-') + ".ec2.internal";
        String launch = Instant.parse("2026-09-01T00:00:00Z").plusSeconds(r.nextInt(86 * 86400)).toString()
                .replace("Z", "+00:00");
        String instanceId = "i-" + hex(r, 17);
        String eni = "eni-" + hex(r, 17);
        String sg = "sg-" + hex(r, 17);
        i.put("AmiLaunchIndex", 0)
                .put("ImageId", "ami-" + hex(r, 17))
                .put("InstanceId", instanceId)
                .put("InstanceType", types[r.nextInt(types.length)])
                .put("KeyName", "prod-" + app + "-2026")
                .put("LaunchTime", launch);
        i.putObject("Monitoring").put("State", r.nextBoolean() ? "enabled" : "disabled");
        i.putObject("Placement").put("AvailabilityZone", zone).put("GroupName", "").put("Tenancy", "default");
        i.put("PrivateDnsName", privateDns).put("PrivateIpAddress", privateIp);
        i.putArray("ProductCodes");
        i.put("PublicDnsName", "");
        i.putObject("State").put("Code", 16).put("Name", "running");
        i.put("StateTransitionReason", "").put("SubnetId", subnet).put("VpcId", vpc).put("Architecture", "x86_64");
        ObjectNode ebs = i.putArray("BlockDeviceMappings").addObject().put("DeviceName", "/dev/xvda").putObject("Ebs");
        ebs.put("AttachTime", launch).put("DeleteOnTermination", true).put("Status", "attached")
                .put("VolumeId", "vol-" + hex(r, 17));
        i.put("ClientToken", java.util.UUID.nameUUIDFromBytes(instanceId.getBytes()).toString())
                .put("EbsOptimized", r.nextBoolean())
                .put("EnaSupport", true)
                .put("Hypervisor", "xen");
        i.putObject("IamInstanceProfile")
                .put("Arn", "arn:aws:iam::123456789012:instance-profile/" + app + "-prod")
                .put("Id", "AIPA" + upper(r, 17));
        ObjectNode nic = i.putArray("NetworkInterfaces").addObject();
        nic.putObject("Attachment").put("AttachTime", launch).put("AttachmentId", "eni-attach-" + hex(r, 17))
                .put("DeleteOnTermination", true).put("DeviceIndex", 0).put("Status", "attached")
                .put("NetworkCardIndex", 0);
        nic.put("Description", "");
        nic.putArray("Groups").addObject().put("GroupName", app + "-prod").put("GroupId", sg);
        nic.putArray("Ipv6Addresses");
        nic.put("MacAddress", String.format(Locale.ROOT, "0a:%02x:%02x:%02x:%02x:%02x",
                        r.nextInt(256), r.nextInt(256), r.nextInt(256), r.nextInt(256), r.nextInt(256)))
                .put("NetworkInterfaceId", eni)
                .put("OwnerId", "123456789012")
                .put("PrivateDnsName", privateDns)
                .put("PrivateIpAddress", privateIp);
        nic.putArray("PrivateIpAddresses").addObject().put("Primary", true)
                .put("PrivateDnsName", privateDns).put("PrivateIpAddress", privateIp);
        nic.put("SourceDestCheck", true).put("Status", "in-use").put("SubnetId", subnet).put("VpcId", vpc)
                .put("InterfaceType", "interface");
        i.put("RootDeviceName", "/dev/xvda").put("RootDeviceType", "ebs");
        i.putArray("SecurityGroups").addObject().put("GroupName", app + "-prod").put("GroupId", sg);
        i.put("SourceDestCheck", true);
        ArrayNode tags = i.putArray("Tags");
        tags.addObject().put("Key", "Name").put("Value", "prod-" + app + "-" + index);
        tags.addObject().put("Key", "env").put("Value", "prod");
        tags.addObject().put("Key", "team").put("Value", app.equals("batch") ? "data" : "platform");
        tags.addObject().put("Key", "aws:autoscaling:groupName").put("Value", "prod-" + app + "-asg");
        i.put("VirtualizationType", "hvm");
        i.putObject("CpuOptions").put("CoreCount", 1 + r.nextInt(4)).put("ThreadsPerCore", 2);
        i.putObject("CapacityReservationSpecification").put("CapacityReservationPreference", "open");
        i.putObject("HibernationOptions").put("Configured", false);
        i.putObject("MetadataOptions").put("State", "applied").put("HttpTokens", "required")
                .put("HttpPutResponseHopLimit", 2).put("HttpEndpoint", "enabled")
                .put("HttpProtocolIpv6", "disabled").put("InstanceMetadataTags", "disabled");
        i.putObject("EnclaveOptions").put("Enabled", false);
        i.put("BootMode", "uefi-preferred").put("PlatformDetails", "Linux/UNIX")
                .put("UsageOperation", "RunInstances").put("UsageOperationUpdateTime", launch);
        i.putObject("PrivateDnsNameOptions").put("HostnameType", "ip-name")
                .put("EnableResourceNameDnsARecord", false).put("EnableResourceNameDnsAAAARecord", false);
        i.putObject("MaintenanceOptions").put("AutoRecovery", "default");
        i.put("CurrentInstanceBootMode", "legacy-bios");
    }

    private static String hex(Random r, int digits) {
        StringBuilder b = new StringBuilder(digits);
        for (int k = 0; k < digits; k++) {
            b.append(Character.forDigit(r.nextInt(16), 16));
        }
        return b.toString();
    }

    private static String upper(Random r, int chars) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder b = new StringBuilder(chars);
        for (int k = 0; k < chars; k++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
