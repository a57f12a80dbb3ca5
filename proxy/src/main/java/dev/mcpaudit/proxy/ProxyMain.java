package dev.mcpaudit.proxy;

import dev.mcpaudit.schema.ProductVersion;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Parameters;

@Command(
        name = "mcp-audit-proxy",
        mixinStandardHelpOptions = true,
        versionProvider = ProxyMain.Version.class,
        description = "MCP proxy for SigV4-protected MCP servers, with a tamper-evident audit log of every call.")
public final class ProxyMain implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "ENDPOINT", description = "The MCP endpoint URL.")
    String endpoint;

    public static void main(String[] args) {
        // stdout belongs to JSON-RPC: keep the real one for help/version and the transport, and send
        // anything else that writes to System.out (libraries, stray prints) to stderr.
        PrintStream stdout = System.out;
        System.setOut(System.err);
        CommandLine cli = new CommandLine(new ProxyMain());
        cli.setOut(new PrintWriter(stdout, true));
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() {
        System.err.println("mcp-audit-proxy " + ProductVersion.get()
                + ": proxying is not available in this build yet; only --help and --version work.");
        return 2;
    }

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mcp-audit-proxy " + ProductVersion.get()};
        }
    }
}
