package dev.mcpaudit.cli.replay;

import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.fixtures.replay.FixtureMock;
import dev.mcpaudit.fixtures.replay.Miss;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "mock",
        mixinStandardHelpOptions = true,
        description = {"Serves recorded sessions as an MCP Streamable-HTTP backend on 127.0.0.1.",
            "The sessions are fixture files (from `audit-cli fixture export`), so an agent, the proxy or a test",
            "can run offline against what AWS once answered.",
            "",
            "A call is answered when its method, tool (or target) and arguments match a recorded call (_meta and the",
            "JSON-RPC id aside); identical calls get their recorded answers in order, each carrying the request's id",
            "and the recorded result unchanged. A call nothing matches is a miss: HTTP 200 with a JSON-RPC error",
            "(-32601) naming the closest recorded call and where the arguments differ, never a 404 (which MCP",
            "clients read as an expired session).",
            "",
            "The first line on standard output is exactly 'listening on http://127.0.0.1:PORT/mcp', flushed at once,",
            "so a script can read the port from it. Everything else goes to standard error.",
            "",
            "It runs until Ctrl-C or SIGTERM, or, when standard input is a pipe, until that pipe is closed: a script",
            "or test that started it stops it by closing its stdin, and it never outlives a parent that holds the",
            "pipe. A terminal, /dev/null or a file on stdin is not watched (so `audit-cli mock f.json &` keeps",
            "running). On stop it prints each miss and each recorded call nobody asked for to standard error."},
        footer = {"",
            "Examples:",
            "  audit-cli mock recorded.mcpfix.json        # port printed on the first line",
            "  audit-cli mock a.mcpfix.json b.mcpfix.json --port 8931",
            "  audit-cli mock s.mcpfix.json --require-sigv4 \\",
            "      --profile-key dev=AKIAEXAMPLEDEV01 --profile-key prod=AKIAEXAMPLEPRD01",
            "  mcp-audit-proxy http://127.0.0.1:8931/mcp --profile dev   # the proxy in front",
            "",
            "Exit codes: 0 stopped with every recorded call served and no miss, 1 a miss or a recorded call never",
            "asked for, 2 usage error (bad option, --profile-key naming a profile no fixture has), 3 a fixture file",
            "missing, unreadable or not an mcp-audit-fixture/1 document, or the port taken."
        })
public final class MockCommand implements Callable<Integer> {
    private static final String JETTY_LOG_LEVEL = "org.slf4j.simpleLogger.log.org.eclipse.jetty";

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Fixture files (mcp-audit-fixture/1); calls of earlier files are served first.")
    List<Path> files;

    @Option(names = "--port", defaultValue = "0", paramLabel = "N", description = "Port on 127.0.0.1 (default 0: any free port).")
    int port;

    @Option(names = "--require-sigv4",
            description = "Answer HTTP 401 to a request without an 'Authorization: AWS4-HMAC-SHA256 Credential=...' header (only"
                    + " its shape is checked: the mock holds no secrets).")
    boolean requireSigV4;

    @Option(names = "--profile-key", paramLabel = "PROFILE=ACCESS_KEY_ID",
            description = "Requests signed with this access key id are PROFILE's: answered only from its recorded calls."
                    + " Requests from other keys are answered from any profile. Repeatable.")
    Map<String, String> profileKeys = new LinkedHashMap<>();

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        FixtureMock.Builder builder = FixtureMock.builder().port(port).requireSigV4(requireSigV4);
        for (Path file : files) {
            String problem = unreadable(file, builder);
            if (problem != null) {
                err.println("audit-cli: " + problem);
                return ExitCode.ENVIRONMENT;
            }
        }
        profileKeys.forEach(builder::profileKey);
        // Jetty warns at WARN about its thread settings on a small machine: noise next to the mock's own lines.
        if (System.getProperty(JETTY_LOG_LEVEL) == null) {
            System.setProperty(JETTY_LOG_LEVEL, "error");
        }
        FixtureMock mock;
        try {
            mock = builder.start();
        } catch (IllegalArgumentException e) {
            throw e; // a --profile-key naming no fixture's profile: a usage error
        } catch (RuntimeException e) {
            if (!isBindFailure(e)) {
                throw e;
            }
            err.println("audit-cli: port " + port + " on 127.0.0.1 is taken; choose another with --port, or --port 0 for any free port.");
            return ExitCode.ENVIRONMENT;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("listening on " + mock.url());
        out.flush();
        return new Run(mock, err).untilStopped();
    }

    /** Adds the file to the mock, or says why it cannot be served. */
    private static String unreadable(Path file, FixtureMock.Builder builder) {
        if (!Files.isRegularFile(file)) {
            return "fixture file " + file + " does not exist or is not a file; give the path of an " + Fixture.FORMAT + " file.";
        }
        try {
            builder.fixture(file);
            return null;
        } catch (UncheckedIOException e) {
            return e.getMessage();
        } catch (IllegalArgumentException e) {
            return "fixture file " + file + " cannot be served: " + e.getMessage();
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    /**
     * One running mock until something stops it: a signal (a shutdown hook, which then ends the JVM
     * with the summary's exit code) or the end of a piped stdin (the command then returns the code).
     */
    private static final class Run {
        private final FixtureMock mock;
        private final PrintWriter err;
        private final CountDownLatch stopRequested = new CountDownLatch(1);
        private volatile String why = "stopped";
        private Integer exitCode;

        Run(FixtureMock mock, PrintWriter err) {
            this.mock = mock;
            this.err = err;
        }

        int untilStopped() {
            boolean watchStdin = stdinIsPipe();
            int servable = (int) mock.fixtures().stream().flatMap(f -> f.calls().stream()).filter(Fixture.Call::isServable).count();
            int recorded = mock.fixtures().stream().mapToInt(f -> f.calls().size()).sum();
            err.println("audit-cli: mock serves " + servable + " recorded call" + (servable == 1 ? "" : "s") + " from "
                    + mock.fixtures().size() + " fixture" + (mock.fixtures().size() == 1 ? "" : "s")
                    + (recorded > servable ? " (" + (recorded - servable) + " cannot be served: denied, or no complete result recorded)" : "")
                    + "; stop it with Ctrl-C" + (watchStdin ? " or by closing its standard input." : "."));
            Thread hook = new Thread(() -> Runtime.getRuntime().halt(stop("signal")), "mock-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            if (watchStdin) {
                Thread reader = new Thread(this::drainStdin, "mock-stdin");
                reader.setDaemon(true);
                reader.start();
            }
            try {
                stopRequested.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                why = "interrupted";
            }
            int code = stop(why);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook ends it with the same code
            }
            return code;
        }

        /** Reads and drops whatever comes on stdin; its end is the signal to stop. */
        private void drainStdin() {
            byte[] buffer = new byte[4096];
            try {
                InputStream in = System.in;
                while (in.read(buffer) >= 0) {
                    // input has no meaning for the mock
                }
                why = "standard input closed";
            } catch (java.io.IOException e) {
                why = "standard input failed: " + e.getMessage();
            }
            stopRequested.countDown();
        }

        /** Stops the mock once, prints the summary to stderr, and returns the exit code (the same on every call). */
        synchronized int stop(String reason) {
            if (exitCode != null) {
                return exitCode;
            }
            mock.close();
            List<Miss> misses = mock.misses();
            List<Fixture.Call> unused = mock.unusedCalls();
            err.println("audit-cli: mock stopped (" + reason + "): " + misses.size() + (misses.size() == 1 ? " miss, " : " misses, ")
                    + unused.size() + " recorded call" + (unused.size() == 1 ? "" : "s") + " never asked for.");
            for (Miss miss : misses) {
                err.println("  miss: " + miss.message());
            }
            for (Fixture.Call call : unused) {
                err.println("  unused: " + call.label() + (call.args() == null ? "" : " " + shortened(call.args().toString())));
            }
            err.flush();
            exitCode = misses.isEmpty() && unused.isEmpty() ? ExitCode.OK : ExitCode.FINDING;
            return exitCode;
        }

        /** Compact JSON (one line already), cut to 120 characters for the summary. */
        private static String shortened(String json) {
            return json.length() > 120 ? json.substring(0, 117) + "..." : json;
        }

        /** True when stdin is a pipe (or FIFO), whose closing is a deliberate "stop"; false when that cannot be told. */
        private static boolean stdinIsPipe() {
            try {
                Object mode = Files.getAttribute(Path.of("/dev/fd/0"), "unix:mode");
                return mode instanceof Integer m && (m & 0170000) == 0010000;
            } catch (Exception e) {
                return false;
            }
        }
    }
}
