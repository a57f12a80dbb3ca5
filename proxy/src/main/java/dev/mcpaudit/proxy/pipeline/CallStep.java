package dev.mcpaudit.proxy.pipeline;

/**
 * One step of the {@link CallPipeline}: it passes the call on (possibly changed) with
 * {@code next.proceed(call)}, or answers it itself, typically with {@link CallResult.Refused}.
 */
public interface CallStep {

    CallResult handle(Call call, Chain next);

    /** The rest of the pipeline after a step. */
    interface Chain {
        CallResult proceed(Call call);
    }
}
