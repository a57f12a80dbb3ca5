package dev.mcpaudit.cli.ship;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * Where the central PostgreSQL is and who connects to it, as libpq would decide: a
 * {@code postgresql://[user@][host][:port][/database]} URL, whose missing parts come from
 * {@code PGHOST}, {@code PGPORT}, {@code PGDATABASE} and {@code PGUSER} (then localhost, 5432, the
 * user's name). The password is never on the command line: {@code PGPASSWORD}, else the driver reads
 * {@code ~/.pgpass} (or {@code PGPASSFILE}) itself. A URL that carries a password is refused.
 */
public record CentralAddress(String host, int port, String database, String user, String password, String sslMode) {

    /** Parses {@code url} with {@code env} as the process environment. */
    public static CentralAddress parse(String url, Map<String, String> env) {
        URI uri;
        try {
            uri = new URI(url.endsWith("://") ? url + "/" : url); // postgresql:// alone: everything from PG*
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + redactedForMessage(url) + "' is not a postgresql:// URL: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("postgresql") || scheme.equals("postgres"))) {
            throw new IllegalArgumentException("'" + redactedForMessage(url) + "' is not a postgresql:// URL"
                    + " (e.g. postgresql://db.example.com/audit).");
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && userInfo.contains(":")) {
            throw new IllegalArgumentException("the URL holds a password, which would show in the process list and"
                    + " the shell's history: remove it and set PGPASSWORD or put it in ~/.pgpass.");
        }
        String query = uri.getRawQuery();
        String sslMode = env.get("PGSSLMODE");
        if (query != null) {
            for (String pair : query.split("&")) {
                String[] kv = pair.split("=", 2);
                String key = decode(kv[0]);
                if (key.equalsIgnoreCase("password")) {
                    throw new IllegalArgumentException("the URL holds a password, which would show in the process"
                            + " list and the shell's history: remove it and set PGPASSWORD or put it in ~/.pgpass.");
                }
                if (key.equals("sslmode") && kv.length == 2) {
                    sslMode = decode(kv[1]);
                } else {
                    throw new IllegalArgumentException("the URL's parameter '" + key + "' is not supported; only"
                            + " sslmode is (other settings come from the PG* environment variables).");
                }
            }
        }
        String host = nonEmpty(uri.getHost(), env.get("PGHOST"), "localhost");
        if (host.startsWith("/")) {
            throw new IllegalArgumentException("PGHOST " + host + " is a Unix socket directory; give a host name:"
                    + " the JDBC driver connects over TCP only.");
        }
        int port;
        String portText = uri.getPort() >= 0 ? Integer.toString(uri.getPort()) : nonEmpty(env.get("PGPORT"), "5432");
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port '" + portText + "' is not a number.");
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        String user = nonEmpty(userInfo == null ? null : decode(userInfo), env.get("PGUSER"), System.getProperty("user.name"));
        String database = nonEmpty(path.isEmpty() ? null : decode(path), env.get("PGDATABASE"), user);
        return new CentralAddress(host, port, database, user, nonEmpty(env.get("PGPASSWORD")), sslMode);
    }

    /** Opens a connection; PGPASSWORD wins, else the driver looks in ~/.pgpass (PGPASSFILE). */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        if (sslMode != null) {
            props.setProperty("sslmode", sslMode);
        }
        props.setProperty("ApplicationName", "audit-cli");
        props.setProperty("reWriteBatchedInserts", "true");
        return DriverManager.getConnection("jdbc:postgresql://" + hostForUrl() + ":" + port + "/"
                + java.net.URLEncoder.encode(database, StandardCharsets.UTF_8), props);
    }

    /** The address without secrets, for messages: {@code user@host:port/database}. */
    public String describe() {
        return user + "@" + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() { // never the password
        return describe();
    }

    private String hostForUrl() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String redactedForMessage(String url) {
        return url.replaceAll("//([^/@:]*):[^/@]*@", "//$1:***@");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String nonEmpty(String... candidates) {
        for (String c : candidates) {
            if (c != null && !c.isEmpty()) {
                return c;
            }
        }
        return null;
    }
}
