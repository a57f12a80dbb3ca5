package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.schema.writes.AwsOperation;
import dev.mcpaudit.fixtures.replay.Fixture;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which recorded calls a replay may send to an endpoint. A loopback endpoint is a mock: every call
 * is sent except those the proxy refused when recorded (and cancelled ones, which have no answer to
 * compare). Any other endpoint is real AWS, so only calls proven read-only are sent: an
 * {@code aws___call_aws} whose operation is a read; a write, a script, an unknown tool or a call
 * recorded as a write needs {@code --allow-writes}. A call whose recorded arguments hold a
 * redaction marker is never sent to a real endpoint, allowed or not: what would be sent is the
 * marker, not the value recorded.
 */
public final class ReplaySafety {
    /** Why a call is not sent. Only {@link #NOT_READ_ONLY} is a safety refusal that {@code --strict} turns into exit 4. */
    public enum SkipKind { DENIED, CANCELLED, NOT_READ_ONLY, REDACTED }

    /**
     * Send or skip one call.
     *
     * @param note    for a sent call, why it may be sent when that is not obvious (an --allow-writes
     *                match); null otherwise
     * @param allowAs for a {@link SkipKind#NOT_READ_ONLY} skip, the --allow-writes value that would allow it
     */
    public record Decision(boolean send, SkipKind skipKind, String reason, String note, String allowAs) {
        static Decision send(String note) {
            return new Decision(true, null, null, note, null);
        }

        static Decision skip(SkipKind kind, String reason) {
            return new Decision(false, kind, reason, null, null);
        }

        static Decision notReadOnly(String reason, String allowAs) {
            return new Decision(false, SkipKind.NOT_READ_ONLY,
                    reason + " (allow with --allow-writes '" + allowAs + "')", null, allowAs);
        }
    }

    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final String MARKER_START = "[REDACTED:";

    private final boolean loopback;
    private final List<String> allowWrites;
    private final List<Pattern> allowPatterns;

    private ReplaySafety(boolean loopback, List<String> allowWrites) {
        this.loopback = loopback;
        this.allowWrites = List.copyOf(allowWrites);
        this.allowPatterns = allowWrites.stream().map(ReplaySafety::glob).toList();
    }

    /**
     * The rules for one endpoint.
     *
     * @param allowWriteGlobs {@code --allow-writes}: globs ({@code *}, {@code ?}) on "service
     *                        operation" ({@code s3 *}) or on a tool name, case-insensitive
     */
    public static ReplaySafety forEndpoint(URI endpoint, List<String> allowWriteGlobs) {
        for (String g : allowWriteGlobs) {
            if (g == null || g.isBlank()) {
                throw new IllegalArgumentException("--allow-writes needs a glob such as 's3 *', 'iam create-*' or a tool name.");
            }
        }
        return new ReplaySafety(isLoopback(endpoint), allowWriteGlobs);
    }

    /**
     * True for localhost, 127.0.0.0/8 and ::1, written literally: a name is never resolved, so a
     * host that merely resolves to 127.0.0.1 still counts as remote (the safe side).
     */
    public static boolean isLoopback(URI endpoint) {
        String host = endpoint.getHost();
        if (host == null) {
            return false;
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.equals("localhost") || IPV4_LOOPBACK.matcher(host).matches() || isIpv6Loopback(host);
    }

    private static boolean isIpv6Loopback(String host) {
        if (!host.contains(":") || !host.matches("[0-9a-f:]+")) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress(); // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    public boolean loopback() {
        return loopback;
    }

    public List<String> allowWrites() {
        return allowWrites;
    }

    /** Whether and why {@code call} is sent. */
    public Decision decide(Fixture.Call call) {
        if (call.outcome() == Fixture.Outcome.DENIED) {
            return Decision.skip(SkipKind.DENIED, "the proxy refused it when recorded");
        }
        if (call.outcome() == Fixture.Outcome.CANCELLED) {
            return Decision.skip(SkipKind.CANCELLED, "it was cancelled when recorded, so there is no answer to compare");
        }
        if (loopback) {
            return Decision.send(null);
        }
        String note = null;
        Optional<Decision> notReadOnly = notReadOnly(call);
        if (notReadOnly.isPresent()) {
            String allowedBy = allowedBy(call);
            if (allowedBy == null) {
                return notReadOnly.get();
            }
            note = "allowed by --allow-writes '" + allowedBy + "'";
        }
        String marker = firstMarker(call.args(), "");
        if (marker != null) {
            return Decision.skip(SkipKind.REDACTED, "its recorded arguments hold a redaction marker at " + marker
                    + ", so the marker would be sent instead of the original value");
        }
        return Decision.send(note);
    }

    /** The refusal for a call that cannot be proven read-only, or empty when it is a read. */
    private static Optional<Decision> notReadOnly(Fixture.Call call) {
        if (!Fixture.Call.TOOLS_CALL.equals(call.method())) {
            return Optional.empty(); // resources/read, prompts/get, completion/complete only read, by MCP's definition
        }
        String tool = call.tool() == null ? "(no name)" : call.tool();
        if (AwsOperation.RUN_SCRIPT.equals(tool)) {
            return Optional.of(Decision.notReadOnly("a script can do anything, so it cannot be proven read-only", tool));
        }
        if (!AwsOperation.CALL_AWS.equals(tool)) {
            return Optional.of(Decision.notReadOnly("tool " + tool + " is not known to be read-only", tool));
        }
        Optional<AwsOperation> op = AwsOperation.ofCall(tool, call.args());
        if (op.isPresent() && op.get() == AwsOperation.PURGED) {
            return Optional.of(Decision.notReadOnly("its command was purged, so it cannot be proven read-only", tool));
        }
        if (op.isEmpty() || op.get().operation().isEmpty()) {
            return Optional.of(Decision.notReadOnly("no AWS operation found in its cli_command, so it cannot be proven read-only", tool));
        }
        if (op.get().isWrite()) {
            return Optional.of(Decision.notReadOnly("write operation " + op.get().name(), op.get().name()));
        }
        if (Boolean.TRUE.equals(call.writes())) {
            String why = call.writesReason() == null ? "" : " (" + call.writesReason() + ")";
            return Optional.of(Decision.notReadOnly("recorded as a write" + why, op.get().name()));
        }
        return Optional.empty();
    }

    /** The first --allow-writes glob matching the call's "service operation" or tool name, or null. */
    private String allowedBy(Fixture.Call call) {
        List<String> names = new ArrayList<>(2);
        AwsOperation.ofCall(call.tool(), call.args()).filter(op -> op != AwsOperation.PURGED).ifPresent(op -> names.add(op.name()));
        if (call.tool() != null) {
            names.add(call.tool());
        }
        for (int i = 0; i < allowPatterns.size(); i++) {
            Pattern p = allowPatterns.get(i);
            if (names.stream().anyMatch(n -> p.matcher(n).matches())) {
                return allowWrites.get(i);
            }
        }
        return null;
    }

    /** RFC 6901 pointer of the first string holding a redaction marker, or null. */
    static String firstMarker(JsonNode node, String pointer) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue().contains(MARKER_START) ? (pointer.isEmpty() ? "/" : pointer) : null;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                String found = firstMarker(member.getValue(), pointer + "/" + member.getKey().replace("~", "~0").replace("/", "~1"));
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = firstMarker(node.get(i), pointer + "/" + i);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** {@code *} any run of characters, {@code ?} one; everything else literal; case-insensitive. */
    private static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.strip().toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
    }
}
