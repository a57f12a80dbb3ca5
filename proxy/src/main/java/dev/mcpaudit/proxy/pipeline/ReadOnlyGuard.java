package dev.mcpaudit.proxy.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.proxy.upstream.InFlight;
import dev.mcpaudit.proxy.upstream.UpstreamException;
import dev.mcpaudit.proxy.upstream.UpstreamSession;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With {@code --read-only}: refuses a tool call unless upstream marked the tool {@code readOnlyHint:
 * true}. A tool the agent calls before listing is looked up by listing first; one upstream does not
 * describe is refused.
 */
public final class ReadOnlyGuard implements CallStep {
    private static final Logger LOG = LoggerFactory.getLogger(ReadOnlyGuard.class);

    private final ToolCatalog catalog;
    private final Supplier<UpstreamSession> lister;
    private final Duration listTimeout;

    /** @param lister the session that lists tools (the default profile's) */
    public ReadOnlyGuard(ToolCatalog catalog, Supplier<UpstreamSession> lister, Duration listTimeout) {
        this.catalog = catalog;
        this.lister = lister;
        this.listTimeout = listTimeout;
    }

    @Override
    public CallResult handle(Call call, Chain next) {
        if (!call.isToolCall() || Boolean.TRUE.equals(readOnlyHint(call.tool(), call.inFlight()))) {
            return next.proceed(call);
        }
        return new CallResult.Refused(call, "the proxy runs with --read-only and the tool is not marked read-only",
                "Tool call '" + call.tool() + "' was refused: the proxy runs with --read-only and '" + call.tool()
                        + "' is not marked read-only by upstream. Use a read-only tool instead.");
    }

    private Boolean readOnlyHint(String tool, InFlight inFlight) {
        if (catalog.isReadOnly(tool) == null) {
            try {
                String cursor = null;
                do {
                    ObjectNode params = JsonRpc.MAPPER.createObjectNode();
                    if (cursor != null) {
                        params.put("cursor", cursor);
                    }
                    JsonNode page = lister.get().request("tools/list", params, listTimeout, inFlight).path("result");
                    catalog.rewrite(page);
                    cursor = page.path("nextCursor").asText(null);
                } while (cursor != null && !cursor.isEmpty());
            } catch (UpstreamException e) {
                LOG.warn("could not list tools to check read-only: {}", e.getMessage());
            }
        }
        return catalog.isReadOnly(tool);
    }
}
