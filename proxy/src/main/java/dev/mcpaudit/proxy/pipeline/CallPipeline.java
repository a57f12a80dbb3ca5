package dev.mcpaudit.proxy.pipeline;

import dev.mcpaudit.proxy.audit.AuditRecorder;
import java.util.List;

/**
 * The steps a call goes through, in order, ending upstream. A refusal from any step comes back here and
 * is recorded as {@code call.rejected} in this one place.
 */
public final class CallPipeline {
    private final List<CallStep> steps;
    private final AuditRecorder recorder;
    private final CallDescriber describer;
    private final LogRedaction log;

    /** @param steps in order; the last one must answer every call without passing it on */
    public CallPipeline(List<CallStep> steps, AuditRecorder recorder, CallDescriber describer, LogRedaction log) {
        this.steps = List.copyOf(steps);
        this.recorder = recorder;
        this.describer = describer;
        this.log = log;
    }

    public CallResult run(Call call) {
        CallResult result = proceedFrom(0, call);
        if (result instanceof CallResult.Refused refused) {
            log.logRefusal(refused.call(), refused.why(), refused.sentence());
            recorder.rejected(describer.describe(refused.call()), refused.sentence());
        }
        return result;
    }

    private CallResult proceedFrom(int index, Call call) {
        if (index == steps.size()) {
            throw new IllegalStateException("the last step passed " + call.method() + " on; nothing answers it");
        }
        return steps.get(index).handle(call, next -> proceedFrom(index + 1, next));
    }
}
