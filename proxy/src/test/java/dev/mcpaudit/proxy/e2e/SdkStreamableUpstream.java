package dev.mcpaudit.proxy.e2e;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * An upstream we did not write: the official MCP Java SDK's Streamable-HTTP server on Jetty, bound to
 * 127.0.0.1. Like the SDKs' servers in the field, it holds each session's GET listening stream open
 * until the session ends, which is what a proxy's shutdown must cope with. It checks no signature.
 *
 * <p>Tools: {@code aws___call_aws} (echoes its command) and {@code slow} (answers after
 * {@code ms} milliseconds). Also the upstream of the reliability suite's shutdown timings.
 */
public final class SdkStreamableUpstream implements AutoCloseable {
    private final Server jetty;
    private final McpSyncServer mcp;
    private final Set<String> liveSessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger deletes = new AtomicInteger();
    private final AtomicInteger slowCallsStarted = new AtomicInteger();

    public SdkStreamableUpstream() throws Exception {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(McpJsonDefaults.getMapper())
                .mcpEndpoint("/mcp")
                .build();
        mcp = McpServer.sync(transport)
                .serverInfo("sdk-upstream", "1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(tool("aws___call_aws", (exchange, request) -> McpSchema.CallToolResult.builder()
                                .addTextContent("ran: " + request.arguments().get("cli_command")).build()),
                        tool("slow", (exchange, request) -> {
                            slowCallsStarted.incrementAndGet();
                            sleep(((Number) request.arguments().getOrDefault("ms", 5000)).longValue());
                            return McpSchema.CallToolResult.builder().addTextContent("slow done").build();
                        }))
                .requestTimeout(Duration.ofSeconds(60))
                .build();

        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder servlet = new ServletHolder(transport);
        servlet.setAsyncSupported(true);
        context.addServlet(servlet, "/mcp");
        FilterHolder sessions = new FilterHolder((Filter) (req, res, chain) -> {
            HttpServletRequest http = (HttpServletRequest) req;
            String session = http.getHeader("Mcp-Session-Id");
            if ("DELETE".equals(http.getMethod())) {
                deletes.incrementAndGet();
                liveSessions.remove(session);
            }
            try {
                chain.doFilter(req, res);
            } finally {
                String assigned = ((HttpServletResponse) res).getHeader("Mcp-Session-Id");
                if (assigned != null && "POST".equals(http.getMethod())) {
                    liveSessions.add(assigned);
                }
            }
        });
        sessions.setAsyncSupported(true);
        context.addFilter(sessions, "/*", EnumSet.of(DispatcherType.REQUEST));
        jetty.setHandler(context);
        jetty.start();
    }

    private static SyncToolSpecification tool(String name,
            java.util.function.BiFunction<io.modelcontextprotocol.server.McpSyncServerExchange, McpSchema.CallToolRequest,
                    McpSchema.CallToolResult> handler) {
        McpSchema.Tool tool = McpSchema.Tool.builder().name(name).description(name)
                .inputSchema(Map.of("type", "object")).build();
        return SyncToolSpecification.builder().tool(tool).callHandler(handler).build();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort() + "/mcp");
    }

    /** Sessions initialised and not yet ended by a DELETE. */
    public Set<String> liveSessions() {
        return Set.copyOf(liveSessions);
    }

    public int deletes() {
        return deletes.get();
    }

    public int slowCallsStarted() {
        return slowCallsStarted.get();
    }

    @Override
    public void close() throws Exception {
        mcp.closeGracefully();
        jetty.stop();
    }
}
