package dev.mcpaudit.proxy.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.fixtures.FakeAwsMcpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets planted everywhere an agent, upstream or the operator can put them (arguments at any depth, a
 * Python script, --cli-input-json, a refused aws_profile value, a resource URI, prompt arguments, the
 * agent's clientInfo, upstream's result, an extra header, the profiles' own keys) must be found nowhere
 * on disk or in the logs: the database, its WAL and its shared-memory file, while the proxy runs and
 * after it exits, after a clean exit and after kill -9 (which leaves the WAL behind), and stderr at DEBUG.
 */
class PlantedSecretsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    static final String PASSWORD = "Rel-Pl4nted-Passw0rd-71c3";
    static final String PASSWORD_2 = "Rel-Nested-Pw-5e0d9";
    static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyZWxpYWJpbGl0eSJ9.R3l1aWJpbGl0eVNpZ25hdHVyZVZhbHVlMDEyMzQ1Njc4OQ";
    static final String SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYRELIABLE01";
    static final String SESSION_TOKEN = "IQoJb3JpZ2luX2VjEPlantedRelSessionTokenValue0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH";
    static final String GITHUB = "ghp_RelPlantedGithubToken0123456789abcde";
    static final String SLACK = "xoxb-1234567890-0987654321-RelPlantedSlackTok";
    static final String STRIPE = "sk_live_RelPlantedStripeKey01234567";
    static final String GOOGLE = "AIzaSyRelPlantedGoogleKey0123456789abcd";
    static final String PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwRelPlantedKeyBody";
    static final String DB_PASSWORD = "Rel-DB-Pw-9931";
    static final String BEARER = "relplantedbearertoken0123456789XYZ";
    static final String CLIENT_SECRET = "Rel-Client-Secret-88a1";
    static final String HEADER_KEY = "rel-header-api-key-5521-do-not-log";

    @TempDir
    Path dir;

    Rig rig;
    Path db;
    long nextId = 1;

    @BeforeEach
    void start() {
        rig = new Rig(dir);
        db = dir.resolve("logs").resolve("audit.db");
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void plantedSecretsAreFoundNeitherInTheLogNorItsWalNorItsShmNorOnStderr() throws Exception {
        Map<String, String> found = new TreeMap<>();
        Map<String, byte[]> scanned = new LinkedHashMap<>();
        List<String> stderrs = new ArrayList<>();

        // Session 1: everything planted, results recorded, DEBUG on stderr, a clean exit.
        try (ProxyUnderTest p = rig.start(db, "--record-results", "--log-level", "DEBUG", "--header", "X-Api-Key=" + HEADER_KEY)) {
            p.request(nextId++, "initialize", "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":"
                    + "{\"name\":\"Reliability Agent\",\"version\":\"1.0\",\"token\":\"" + GITHUB + "\"}}", WAIT);
            plantEverything(p);
            snapshot(scanned, "while running");
            p.closeStdin();
            assertThat(p.waitFor(WAIT)).isZero();
            stderrs.add(p.stderr());
        }
        snapshot(scanned, "after a clean exit");

        // Session 2 on the same log: some of it again, then kill -9, which leaves the WAL and SHM behind.
        try (ProxyUnderTest p = rig.start(db, "--record-results", "--log-level", "DEBUG")) {
            p.initialize(nextId++, WAIT);
            plantEverything(p);
            snapshot(scanned, "while running (2)");
            p.kill9();
            stderrs.add(p.stderr());
        }
        snapshot(scanned, "after kill -9");

        List<String> secrets = List.of(PASSWORD, PASSWORD_2, JWT, SECRET_ACCESS_KEY, SESSION_TOKEN, GITHUB, SLACK, STRIPE,
                GOOGLE, PEM_BODY, DB_PASSWORD, BEARER, CLIENT_SECRET, HEADER_KEY, FakeAwsMcpServer.SECRET_IN_RESULT,
                "MIIEowIBAAKCAQEA7upstreamPEMbodyLINEnotArealKEYq8Zx2Yw1Vt0Us9Rr7", Rig.DEV.secretKey(), Rig.PROD.secretKey(),
                Rig.PROD.sessionToken(), Rig.ADMIN.secretKey());
        long dbHits = 0;
        long walHits = 0;
        long shmHits = 0;
        long stderrHits = 0;
        for (Map.Entry<String, byte[]> f : scanned.entrySet()) {
            for (String s : secrets) {
                if (contains(f.getValue(), s)) {
                    found.put(s + " in " + f.getKey(), around(f.getValue(), s));
                    if (f.getKey().contains("-wal")) {
                        walHits++;
                    } else if (f.getKey().contains("-shm")) {
                        shmHits++;
                    } else {
                        dbHits++;
                    }
                }
            }
        }
        for (int i = 0; i < stderrs.size(); i++) {
            byte[] text = stderrs.get(i).getBytes(StandardCharsets.UTF_8);
            for (String s : secrets) {
                if (contains(text, s)) {
                    found.put(s + " in stderr of session " + (i + 1), around(text, s));
                    stderrHits++;
                }
            }
        }
        LogView log = LogView.of(db);
        long walFiles = scanned.keySet().stream().filter(k -> k.contains("-wal")).count();
        long shmFiles = scanned.keySet().stream().filter(k -> k.contains("-shm")).count();
        found.forEach((k, v) -> System.out.println("[reliability] planted-secrets found " + k + ": …" + v + "…"));

        Figures figures = new Figures("planted-secrets")
                .info("distinct secrets planted", secrets.size())
                .info("places planted per session", PLACES)
                .info("calls recorded (denied included)", log.calls().size())
                .info("files scanned (db, WAL, SHM snapshots)", scanned.size())
                .atLeast("WAL snapshots scanned", walFiles, 2)
                .atLeast("SHM snapshots scanned", shmFiles, 2)
                .equal("found in the database", dbHits, 0)
                .equal("found in the WAL", walHits, 0)
                .equal("found in the SHM", shmHits, 0)
                .equal("found on stderr (DEBUG)", stderrHits, 0)
                .equal("found, in all", found.size(), 0)
                .equal("chain verifies", log.verification().intact() ? 1 : 0, 1)
                .write();
        assertThat(log.calls().size()).as("the planted calls were recorded").isGreaterThanOrEqualTo(2 * PLACES - 4);
        assertThat(figures.missed()).as("missed targets: %s", found.keySet()).isEmpty();
    }

    private static final int PLACES = 14;

    /** {@link #PLACES} calls, each carrying secrets somewhere else. */
    private void plantEverything(ProxyUnderTest p) throws Exception {
        call(p, "aws___call_aws", args("aws rds modify-db-instance --db-instance-identifier db1 --master-user-password '"
                + PASSWORD + "'"), null);
        call(p, "aws___call_aws", args("aws secretsmanager create-secret --name app --secret-string " + JWT), "prod");
        ObjectNode nested = args("aws ssm put-parameter --name x");
        nested.putObject("config").put("DbPassword", PASSWORD_2).putArray("clients").addObject()
                .put("client_secret", CLIENT_SECRET).put("api_key", STRIPE);
        call(p, "aws___call_aws", nested, null);
        ObjectNode script = Rig.JSON.createObjectNode().put("script", "import boto3\npassword = '" + PASSWORD
                + "'\ntoken = \"" + GITHUB + "\"\nkey = \"\"\"-----BEGIN PRIVATE KEY-----\n" + PEM_BODY
                + "\n-----END PRIVATE KEY-----\"\"\"\nslack = '" + SLACK + "'\n");
        call(p, "aws___run_script", script, "prod");
        call(p, "aws___call_aws", args("aws secretsmanager get-secret-value --secret-id prod/db secret-result"), "prod");
        call(p, "aws___call_aws", args("aws sts get-session-token aws_secret_access_key=" + SECRET_ACCESS_KEY
                + " aws_session_token=" + SESSION_TOKEN), null);
        call(p, "aws___call_aws", args("aws iam create-access-key --output text AKIAIOSFODNN7EXAMPLE " + SECRET_ACCESS_KEY), null);
        call(p, "aws___call_aws", args("aws lambda update-function-configuration --cli-input-json '{\"Environment\":"
                + "{\"Variables\":{\"DB_PASSWORD\":\"" + DB_PASSWORD + "\",\"GOOGLE\":\"" + GOOGLE + "\"}}}'"), null);
        // Refused: the aws_profile value itself is a secret the agent pasted by mistake.
        call(p, "aws___call_aws", args("aws s3 ls"), JWT);
        call(p, "aws___call_aws", args("aws s3 ls"), "postgres://app:" + DB_PASSWORD + "@db.internal:5432/app");
        request(p, "resources/read", "{\"uri\":\"postgres://app:" + DB_PASSWORD + "@db.internal:5432/app\"}");
        request(p, "prompts/get", "{\"name\":\"fake_prompt\",\"arguments\":{\"topic\":\"Authorization: Bearer " + BEARER + "\"}}");
        call(p, "aws___call_aws", args("aws apigateway test-invoke-method --headers Authorization='Bearer " + BEARER
                + "' --body password=" + PASSWORD), null);
        call(p, "aws___call_aws", args("aws iam get-user tool-error --password " + PASSWORD_2), null);
    }

    private static ObjectNode args(String cli) {
        return Rig.JSON.createObjectNode().put("cli_command", cli);
    }

    private void call(ProxyUnderTest p, String tool, ObjectNode arguments, String profile) throws Exception {
        if (profile != null) {
            arguments.put("aws_profile", profile);
        }
        ObjectNode params = Rig.JSON.createObjectNode().put("name", tool);
        params.set("arguments", arguments);
        request(p, "tools/call", params.toString());
    }

    private void request(ProxyUnderTest p, String method, String params) throws Exception {
        p.request(nextId++, method, params, WAIT);
    }

    /** Copies of the database and every file beside it named like it (-wal, -shm, -journal), as they are now. */
    private void snapshot(Map<String, byte[]> into, String when) throws Exception {
        try (Stream<Path> files = Files.list(db.getParent())) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith("audit.db") && !name.endsWith("fingerprint-key")) {
                    into.put(name + " (" + when + ")", Files.readAllBytes(f));
                }
            }
        }
    }

    /** The secret as it is, or JSON-escaped ("/" as "\/"), anywhere in the bytes. */
    private static boolean contains(byte[] bytes, String secret) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        return text.contains(secret) || text.contains(secret.replace("/", "\\/"));
    }

    private static String around(byte[] bytes, String secret) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf(secret);
        if (at < 0) {
            at = text.indexOf(secret.replace("/", "\\/"));
        }
        return text.substring(Math.max(0, at - 120), Math.min(text.length(), at + secret.length() + 20)).replaceAll("[^\\x20-\\x7e]", ".");
    }
}
