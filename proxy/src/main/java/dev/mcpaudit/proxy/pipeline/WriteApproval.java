package dev.mcpaudit.proxy.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.proxy.audit.AuditRecorder;
import dev.mcpaudit.proxy.audit.AuditUnavailableException;
import dev.mcpaudit.proxy.audit.CallStart;
import dev.mcpaudit.proxy.audit.UnrecordableCallException;
import dev.mcpaudit.proxy.config.ApprovalSettings;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.schema.EventIds;
import dev.mcpaudit.schema.writes.WriteRules;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With {@code --confirm-writes}: holds a write on a protected profile until the user approves it
 * through the agent ({@code elicitation/create}). The decision is recorded ({@code call.approval},
 * durable) before the call goes on or is refused; the call's later events share its call id. Every
 * write is asked (nothing is cached), one question at a time, in the order the calls arrived. Reads,
 * and every call on other profiles, pass without a question.
 */
public final class WriteApproval implements CallStep {
    private static final Logger LOG = LoggerFactory.getLogger(WriteApproval.class);

    /** The decisions {@code call.approval} records (schema/FORMAT.md). */
    static final String ACCEPT = "accept";
    static final String DECLINE = "decline";
    static final String CANCEL = "cancel";
    static final String TIMEOUT = "timeout";
    static final String NO_CAPABILITY = "no-capability";
    static final String FALLBACK_ALLOWED = "fallback-allowed";

    private final ApprovalSettings settings;
    private final ApprovalChannel channel;
    private final ToolCatalog catalog;
    private final CallDescriber describer;
    private final AuditRecorder recorder;
    private final ArrivalTurns turns = new ArrivalTurns();
    private final AtomicBoolean fallbackAnnounced = new AtomicBoolean();

    public WriteApproval(ApprovalSettings settings, ApprovalChannel channel, ToolCatalog catalog,
            CallDescriber describer, AuditRecorder recorder) {
        this.settings = settings;
        this.channel = channel;
        this.catalog = catalog;
        this.describer = describer;
        this.recorder = recorder;
    }

    @Override
    public CallResult handle(Call call, Chain next) {
        if (!call.isToolCall() || !settings.protects(call.profile())) {
            return next.proceed(call);
        }
        // A tool upstream has not described (not listed yet) counts as not read-only.
        Boolean hint = catalog.isReadOnly(call.tool());
        WriteRules.Verdict verdict = WriteRules.classify(call.tool(), call.arguments(), hint != null && hint);
        if (!verdict.write()) {
            return next.proceed(call);
        }
        Call held = call.identifiedAs(EventIds.next());
        if (!channel.canAsk()) {
            CallStart described = describer.describe(held);
            return settings.fallbackAllow() ? allowUnasked(held, described, verdict, next)
                    : refuseUnasked(held, described, verdict);
        }
        Decision decision;
        try {
            // Before anything that can block (the account lookup may wait for STS), so arrival order holds.
            turns.take(held.inFlight().arrival());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CallResult.NotSent(held.shownAs() + " was not sent: mcp-audit-proxy is shutting down.",
                    JsonRpc.INTERNAL_ERROR);
        }
        try {
            CallStart described = describer.describe(held);
            decision = ask(held, described, verdict);
            Optional<CallResult> notRecorded = record(held, described, decision.payload());
            if (notRecorded.isPresent()) {
                return notRecorded.get();
            }
        } finally {
            turns.release();
        }
        if (decision.accepted()) {
            return next.proceed(held);
        }
        return new CallResult.Refused(held, "the user did not approve a write on a --confirm-writes profile ("
                + decision.payload().get("decision").asText() + ")", decision.sentence());
    }

    /** The question, its answer, and what the log and the agent are told. */
    private record Decision(boolean accepted, ObjectNode payload, String sentence) {}

    private Decision ask(Call call, CallStart described, WriteRules.Verdict verdict) {
        JsonNode shownArgs = recorder.argumentsAsStored(call.tool(), call.arguments());
        // Redacted once more as a whole, as the log stores it: the message recorded is the message shown.
        String message = recorder.textAsStored(ApprovalPrompt.message(described, shownArgs));
        ObjectNode payload = payload(verdict);
        payload.put("message", message);
        long started = System.nanoTime();
        Optional<JsonNode> response;
        try {
            response = channel.ask(ApprovalPrompt.request(message), settings.timeout(), call.inFlight());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response = Optional.empty();
        }
        payload.put("answer_ms", (System.nanoTime() - started) / 1_000_000);
        String asked = call.shownAs() + " was not sent: it writes on AWS profile '" + call.profile()
                + "', where writes need the user's approval, and ";
        if (response.isEmpty()) {
            boolean cancelled = call.inFlight().cancelled();
            String why = cancelled ? "the agent cancelled the call while the user was being asked"
                    : "nobody answered within " + settings.timeout().toSeconds() + " s (--confirm-timeout)";
            payload.put("decision", cancelled ? CANCEL : TIMEOUT);
            payload.put("reason", why);
            return new Decision(false, payload, asked + "the approval request was declined: " + why
                    + ". Retry when the user is there to approve it.");
        }
        JsonNode answer = response.get();
        if (answer.has("error")) {
            String why = "the client answered the approval request with an error: "
                    + answer.path("error").path("message").asText("");
            payload.put("decision", CANCEL);
            payload.put("reason", why);
            return new Decision(false, payload, asked + why + ". Ask the user to approve it in a client that"
                    + " supports elicitation.");
        }
        String action = answer.path("result").path("action").asText("");
        JsonNode reason = answer.path("result").path("content").path(ApprovalPrompt.REASON);
        String userReason = reason.isTextual() && !reason.asText().isBlank() ? reason.asText().strip() : null;
        if (userReason != null) {
            payload.put("reason", userReason);
        }
        if (action.equals(ACCEPT)) {
            payload.put("decision", ACCEPT);
            return new Decision(true, payload, null);
        }
        boolean declined = action.equals(DECLINE);
        payload.put("decision", declined ? DECLINE : CANCEL);
        return new Decision(false, payload, asked + "the user " + (declined ? "declined" : "cancelled") + " it"
                + (userReason == null ? "" : " (reason: \"" + userReason + "\")")
                + ". Do not retry it unchanged; ask the user how to proceed.");
    }

    private CallResult refuseUnasked(Call call, CallStart described, WriteRules.Verdict verdict) {
        ObjectNode payload = payload(verdict);
        payload.put("decision", NO_CAPABILITY);
        String sentence = call.shownAs() + " was refused: it writes on AWS profile '" + call.profile()
                + "', where writes need the user's approval (--confirm-writes), and this MCP client did not"
                + " declare the elicitation capability, so mcp-audit-proxy cannot ask. Use a client that supports"
                + " elicitation, or have the user restart the proxy without --confirm-writes for '" + call.profile()
                + "' (or with --confirm-fallback allow).";
        payload.put("reason", "the client did not declare the elicitation capability");
        return record(call, described, payload).orElse(new CallResult.Refused(call,
                "a write on a --confirm-writes profile, and the client cannot be asked", sentence));
    }

    private CallResult allowUnasked(Call call, CallStart described, WriteRules.Verdict verdict, Chain next) {
        if (fallbackAnnounced.compareAndSet(false, true)) {
            // At ERROR, the level stderr shows by default: writes now go out without anyone's approval.
            LOG.error("the MCP client did not declare the elicitation capability: writes on --confirm-writes"
                    + " profiles are forwarded WITHOUT approval (--confirm-fallback allow)");
        }
        ObjectNode payload = payload(verdict);
        payload.put("decision", FALLBACK_ALLOWED);
        payload.put("reason", "the client did not declare the elicitation capability; --confirm-fallback allow");
        Optional<CallResult> notRecorded = record(call, described, payload);
        return notRecorded.isPresent() ? notRecorded.get() : next.proceed(call);
    }

    private ObjectNode payload(WriteRules.Verdict verdict) {
        ObjectNode payload = JsonRpc.MAPPER.createObjectNode();
        payload.put("write_reason", verdict.reason());
        JsonNode client = channel.client();
        if (client != null && !client.isMissingNode() && !client.isNull()) {
            payload.set("client", client.deepCopy());
        }
        return payload;
    }

    /** Durable before anything else happens to the call; empty when recorded (or fail-open). */
    private Optional<CallResult> record(Call call, CallStart described, ObjectNode decision) {
        try {
            recorder.approval(described, decision);
            return Optional.empty();
        } catch (AuditUnavailableException e) {
            return Optional.of(new CallResult.NotSent(AgentMessages.auditUnavailable(call.shownAs(), e.getMessage()),
                    JsonRpc.INTERNAL_ERROR));
        } catch (UnrecordableCallException e) {
            return Optional.of(new CallResult.NotSent(AgentMessages.unrecordable(call.shownAs(), e.getMessage()),
                    JsonRpc.INVALID_PARAMS));
        }
    }
}
