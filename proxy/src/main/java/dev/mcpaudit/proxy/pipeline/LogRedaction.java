package dev.mcpaudit.proxy.pipeline;

import dev.mcpaudit.proxy.upstream.UpstreamException;
import dev.mcpaudit.schema.redact.FingerprintKey;
import dev.mcpaudit.schema.redact.RedactionRules;
import dev.mcpaudit.schema.redact.Redactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's own log lines about calls. Above DEBUG they name only the kind of failure: a full
 * sentence may quote upstream's answer, which can echo the call's arguments. At DEBUG they quote, with
 * the log's redaction rules applied (and a throw-away fingerprint key).
 */
public final class LogRedaction {
    private static final Logger LOG = LoggerFactory.getLogger("dev.mcpaudit.proxy.calls");

    /** Null above DEBUG: a key (SecureRandom) is not worth making at start-up otherwise. */
    private final Redactor redactor;

    public LogRedaction(RedactionRules rules) {
        this.redactor = LOG.isDebugEnabled() ? new Redactor(rules, FingerprintKey.ephemeral()) : null;
    }

    public void logFailure(String what, UpstreamException e, String sentence) {
        LOG.error("{} failed: {}", what, e.kind());
        if (redactor != null) {
            LOG.debug("{}", redactor.redactText(sentence));
        }
    }

    /** A call a step refused: the step's short cause at WARN, the agent's sentence (redacted) at DEBUG. */
    public void logRefusal(Call call, String why, String sentence) {
        LOG.warn("refused a {} to {}: {}", call.method(), call.isToolCall() ? call.tool() : call.target(), why);
        if (redactor != null) {
            LOG.debug("{}", redactor.redactText(sentence));
        }
    }
}
