package dev.mcpaudit.proxy.pipeline;

import dev.mcpaudit.proxy.audit.AuditRecorder;
import dev.mcpaudit.proxy.audit.AuditRecorder.RecordedCall;
import dev.mcpaudit.proxy.audit.AuditUnavailableException;
import dev.mcpaudit.proxy.audit.UnrecordableCallException;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;

/**
 * Records the call ({@code call.requested}) before the rest of the pipeline sends it, and how it ended
 * ({@code call.completed}) before the agent sees the answer. A call that cannot be recorded is not sent.
 */
public final class CallRecorder implements CallStep {
    private final AuditRecorder recorder;
    private final CallDescriber describer;

    public CallRecorder(AuditRecorder recorder, CallDescriber describer) {
        this.recorder = recorder;
        this.describer = describer;
    }

    @Override
    public CallResult handle(Call call, Chain next) {
        RecordedCall recorded;
        try {
            recorded = recorder.requested(describer.describe(call));
        } catch (AuditUnavailableException e) {
            return new CallResult.NotSent(AgentMessages.auditUnavailable(call.shownAs(), e.getMessage()),
                    JsonRpc.INTERNAL_ERROR);
        } catch (UnrecordableCallException e) {
            return new CallResult.NotSent(AgentMessages.unrecordable(call.shownAs(), e.getMessage()),
                    JsonRpc.INVALID_PARAMS);
        }
        CallResult result = next.proceed(call);
        if (result instanceof CallResult.Completed done) {
            recorder.completed(recorded, done.outcome(), done.failure(), done.result());
        }
        return result;
    }
}
