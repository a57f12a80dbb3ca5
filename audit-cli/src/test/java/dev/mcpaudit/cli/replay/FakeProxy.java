package dev.mcpaudit.cli.replay;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for mcp-audit-proxy on stdio, java.base only, for {@link ProxyDriverTest}. The mode
 * (first argument) sets how it starts: {@code serve} answers initialize; {@code refuse} answers it
 * with an error; {@code crash} exits 2 at once; {@code linger} serves but ignores the end of stdin.
 * Tools: {@code echo} answers (after a notification and a line that is not JSON); {@code silent}
 * never answers (a cancellation is noted on stderr); {@code ask} first sends a server request and
 * answers with the reply it got; {@code die} exits 7.
 */
public final class FakeProxy {
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private static final Pattern NAME = Pattern.compile("\"name\":\"(\\w+)\"");
    private static final Pattern REQUEST_ID = Pattern.compile("\"requestId\":(\\d+)");

    private FakeProxy() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (mode.equals("crash")) {
            System.err.println("Error: profile 'dev' was not found in ~/.aws/config");
            System.exit(2);
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            Matcher id = ID.matcher(line);
            if (line.contains("\"notifications/cancelled\"")) {
                Matcher cancelled = REQUEST_ID.matcher(line);
                System.err.println("cancelled " + (cancelled.find() ? cancelled.group(1) : "?"));
                continue;
            }
            if (!id.find()) {
                continue; // another notification
            }
            String n = id.group(1);
            if (line.contains("\"initialize\"")) {
                if (mode.equals("refuse")) {
                    System.err.println("cannot sign: no credentials for profile dev");
                    out.println("{\"jsonrpc\":\"2.0\",\"id\":" + n + ",\"error\":{\"code\":-32603,\"message\":\"no credentials\"}}");
                } else {
                    out.println("{\"jsonrpc\":\"2.0\",\"id\":" + n + ",\"result\":{\"protocolVersion\":\"2025-06-18\","
                            + "\"capabilities\":{},\"serverInfo\":{\"name\":\"fake\",\"version\":\"1\"},\"clientInfo\":"
                            + clientInfo(line) + "}}");
                }
                continue;
            }
            Matcher name = NAME.matcher(line);
            String tool = name.find() ? name.group(1) : "";
            switch (tool) {
                case "echo" -> {
                    out.println("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progress\":1}}");
                    out.println("not json at all");
                    out.println("{\"jsonrpc\":\"2.0\",\"id\":" + n + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"echo\"}],"
                            + "\"isError\":false}}");
                }
                case "ask" -> {
                    out.println("{\"jsonrpc\":\"2.0\",\"id\":\"srv-1\",\"method\":\"elicitation/create\",\"params\":{}}");
                    String reply = in.readLine();
                    out.println("{\"jsonrpc\":\"2.0\",\"id\":" + n + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":"
                            + quote(reply) + "}],\"isError\":false}}");
                }
                case "die" -> {
                    System.err.println("fatal: upstream exploded");
                    System.exit(7);
                }
                default -> { } // silent
            }
        }
        if (mode.equals("linger")) {
            Thread.sleep(60_000);
        }
    }

    /** The request's clientInfo, echoed back: the last member of params, the request's last member. */
    private static String clientInfo(String initialize) {
        return initialize.substring(initialize.indexOf("\"clientInfo\":") + "\"clientInfo\":".length(), initialize.length() - 2);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
