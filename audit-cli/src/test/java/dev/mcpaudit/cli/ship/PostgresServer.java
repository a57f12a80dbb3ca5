package dev.mcpaudit.cli.ship;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for the integration tests: initdb into a temporary directory, listening on
 * 127.0.0.1 on a free port with password (SCRAM) authentication, stopped and deleted when the JVM
 * exits. initdb refuses to run as root, so as root the server runs as the OS user {@code postgres}
 * (which Debian's packages create) through {@code runuser}. One server per test JVM; each test class
 * makes databases of its own.
 */
public final class PostgresServer {
    public static final String SUPERUSER = "postgres";
    public static final String SUPERUSER_PASSWORD = "test-superuser-secret";
    private static PostgresServer shared;

    private final boolean durable;
    private final Path bin;
    private final Path dir;
    private final Path data;
    private final int port;
    private final String runAs;

    private PostgresServer(Path bin, Path dir, int port, String runAs, boolean durable) {
        this.durable = durable;
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.runAs = runAs;
    }

    /** The server of this JVM, started on first use. */
    public static synchronized PostgresServer shared() throws Exception {
        if (shared == null) {
            shared = start(false);
            PostgresServer s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::stop, "postgres-test-server-stop"));
        }
        return shared;
    }

    /**
     * A server of its own, for a benchmark: {@code durable} keeps PostgreSQL's default fsync and
     * synchronous commit (the tests' server turns them off). Stop it with {@link #stop}.
     */
    public static PostgresServer startDedicated(boolean durable) throws Exception {
        return start(durable);
    }

    private static PostgresServer start(boolean durable) throws Exception {
        Path bin = findBin();
        boolean root = "root".equals(System.getProperty("user.name"));
        String runAs = root ? "postgres" : null;
        Path dir = Files.createTempDirectory("mcp-audit-pg-");
        if (root) {
            if (run(List.of("id", "-u", "postgres"), 10) != 0) {
                throw new IllegalStateException("the tests run as root and initdb refuses root, but there is no OS"
                        + " user 'postgres' to run PostgreSQL as: install Debian's PostgreSQL 15 (apt-get install -y"
                        + " postgresql-15), which creates it.");
            }
            UserPrincipal pg = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(dir, pg);
        }
        PostgresServer server = new PostgresServer(bin, dir, freePort(), runAs, durable);
        server.initAndStart();
        return server;
    }

    private static Path findBin() {
        String given = System.getenv("PG_BIN");
        List<Path> candidates = new ArrayList<>();
        if (given != null && !given.isBlank()) {
            candidates.add(Path.of(given));
        }
        candidates.add(Path.of("/usr/lib/postgresql/15/bin"));
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            versions.sorted(Comparator.reverseOrder()).forEach(v -> candidates.add(v.resolve("bin")));
        } catch (IOException none) {
            // not installed from Debian's packages
        }
        for (Path c : candidates) {
            if (Files.isExecutable(c.resolve("initdb")) && Files.isExecutable(c.resolve("pg_ctl"))) {
                return c;
            }
        }
        throw new IllegalStateException("PostgreSQL server binaries (initdb, pg_ctl) not found in " + candidates
                + ": install them (Debian: apt-get install -y postgresql-15, or postgresql; .ci/run does this as"
                + " root) or set PG_BIN to their directory.");
    }

    private void initAndStart() throws Exception {
        Path pwfile = dir.resolve("pwfile");
        Files.writeString(pwfile, SUPERUSER_PASSWORD + "\n");
        chownToServer(pwfile);
        int init = run(command(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", SUPERUSER,
                "--auth=scram-sha-256", "--pwfile=" + pwfile, "-E", "UTF8", "--no-locale", "--no-sync"), 120);
        if (init != 0) {
            throw new IllegalStateException("initdb failed (exit " + init + "); see above");
        }
        Files.delete(pwfile);
        int started = run(command(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=50"
                        + (durable ? " -c shared_buffers=256MB -c max_wal_size=4GB"
                                : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"), "start"), 90);
        if (started != 0) {
            String log = Files.exists(dir.resolve("server.log")) ? Files.readString(dir.resolve("server.log")) : "";
            throw new IllegalStateException("PostgreSQL did not start (exit " + started + "): " + log);
        }
    }

    /** Stops the server at once and deletes its directory. */
    public synchronized void stop() {
        try {
            run(command(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"), 60);
        } catch (Exception e) {
            System.err.println("could not stop the test PostgreSQL in " + dir + ": " + e);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp directory
        }
    }

    /** The server's version, as {@code postgres --version} prints it. */
    public String version() throws Exception {
        Process p = new ProcessBuilder(bin.resolve("postgres").toString(), "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out;
    }

    public int port() {
        return port;
    }

    /** {@code postgresql://user@127.0.0.1:port/database}: no password, as ship takes it. */
    public String url(String user, String database) {
        return "postgresql://" + user + "@127.0.0.1:" + port + "/" + database;
    }

    /** The environment a command gets: the password as libpq's PGPASSWORD. */
    public static Map<String, String> envWithPassword(String password) {
        return Map.of("PGPASSWORD", password);
    }

    public Connection connect(String user, String password, String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, p);
    }

    public Connection superuser(String database) throws SQLException {
        return connect(SUPERUSER, SUPERUSER_PASSWORD, database);
    }

    /** A new, empty database owned by the superuser. */
    public String createDatabase(String name) throws SQLException {
        try (Connection c = superuser("postgres"); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            st.execute("CREATE DATABASE " + name + " ENCODING 'UTF8' TEMPLATE template0");
        }
        return name;
    }

    /** Runs {@code sql} as the superuser in {@code database}. */
    public void execute(String database, String sql) throws SQLException {
        try (Connection c = superuser(database); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        if (runAs != null) {
            cmd.addAll(List.of("runuser", "-u", runAs, "--"));
        }
        cmd.addAll(List.of(args));
        return cmd;
    }

    private void chownToServer(Path p) throws IOException {
        if (runAs != null) {
            Files.setOwner(p, p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(runAs));
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        }
    }

    private static int run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " did not finish in " + timeoutSeconds + " s");
        }
        if (p.exitValue() != 0) {
            System.err.println(String.join(" ", command) + ":\n" + new String(out, StandardCharsets.UTF_8));
        }
        return p.exitValue();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
