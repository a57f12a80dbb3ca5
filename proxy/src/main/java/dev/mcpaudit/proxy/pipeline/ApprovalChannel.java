package dev.mcpaudit.proxy.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.proxy.upstream.InFlight;
import java.time.Duration;
import java.util.Optional;

/** How {@link WriteApproval} reaches the user: an {@code elicitation/create} sent to the agent. */
public interface ApprovalChannel {

    /** Whether the agent declared the {@code elicitation} capability (form mode) at initialize. */
    boolean canAsk();

    /** The agent's {@code clientInfo} as initialize sent it ({@code name}, {@code version}), or null. */
    JsonNode client();

    /**
     * Sends {@code elicitation/create} with {@code params} and waits for the answer, at most
     * {@code timeout}, or until {@code call} is cancelled by the agent.
     *
     * @return the agent's JSON-RPC response (with {@code result} or {@code error}); empty when none came in
     *     time or the call was cancelled, in which case the request was withdrawn with notifications/cancelled
     */
    Optional<JsonNode> ask(ObjectNode params, Duration timeout, InFlight call) throws InterruptedException;
}
