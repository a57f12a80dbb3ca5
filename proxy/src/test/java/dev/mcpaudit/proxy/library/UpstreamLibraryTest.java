package dev.mcpaudit.proxy.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.fixtures.AwsProfileFiles;
import dev.mcpaudit.fixtures.AwsProfileFiles.ProfileSpec;
import dev.mcpaudit.fixtures.FakeAwsMcpServer;
import dev.mcpaudit.proxy.e2e.SdkStreamableUpstream;
import dev.mcpaudit.proxy.jsonrpc.JsonRpc;
import dev.mcpaudit.proxy.testing.SdkProfileFiles;
import dev.mcpaudit.proxy.upstream.InFlight;
import dev.mcpaudit.proxy.upstream.ProfileCredentials;
import dev.mcpaudit.proxy.upstream.SigV4Signer;
import dev.mcpaudit.proxy.upstream.UpstreamException;
import dev.mcpaudit.proxy.upstream.UpstreamHttp;
import dev.mcpaudit.proxy.upstream.UpstreamSession;
import dev.mcpaudit.proxy.upstream.UpstreamSessions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upstream side used as a library, from outside its package and without a proxy, as replay will
 * use it: per-profile sessions, signed requests with a deadline and cancellation, a session re-opened
 * when upstream forgets it, DELETE on close. Against the MCP Java SDK's own server and against the
 * SigV4-checking fake.
 */
class UpstreamLibraryTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ProfileSpec DEV = new ProfileSpec("dev", "AKIADEVDEVDEVDEV0001", "devsecret", null, "us-east-1");
    private static final ProfileSpec PROD = new ProfileSpec("prod", "AKIAPRODPRODPROD0002", "prodsecret", null, "us-east-1");

    @TempDir
    Path dir;

    private final ExecutorService background = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "library-test");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void stop() {
        background.shutdownNow();
    }

    private UpstreamSessions sessions(URI endpoint, Map<String, String> env, boolean skipAuth) {
        UpstreamHttp http = new UpstreamHttp(endpoint, Duration.ofSeconds(5), new SigV4Signer("aws-mcp", "us-east-1"),
                new ProfileCredentials(env), Map.of(), Map.of(), TIMEOUT, 0, skipAuth);
        UpstreamSessions sessions = new UpstreamSessions(http, (from, message) -> { }, background);
        sessions.setClientInitialize(JsonRpc.MAPPER.createObjectNode().put("protocolVersion", "2025-06-18"));
        return sessions;
    }

    private static ObjectNode toolCall(String tool, ObjectNode arguments) {
        ObjectNode params = JsonRpc.MAPPER.createObjectNode().put("name", tool);
        params.set("arguments", arguments);
        return params;
    }

    @Test
    void theSdkServerAnswersACallAndSeesTheSessionDeletedOnClose() throws Exception {
        try (SdkStreamableUpstream sdk = new SdkStreamableUpstream()) {
            UpstreamSessions sessions = sessions(sdk.endpoint(), Map.of(), true);
            UpstreamSession dev = sessions.get("dev");

            JsonNode answer = dev.request("tools/call", toolCall("aws___call_aws",
                    JsonRpc.MAPPER.createObjectNode().put("cli_command", "aws s3 ls")), TIMEOUT, null);

            assertThat(answer.at("/result/content/0/text").asText()).isEqualTo("ran: aws s3 ls");
            assertThat(sdk.liveSessions()).containsExactly(dev.sessionId());
            sessions.closeAll(Duration.ofSeconds(2));
            assertThat(sdk.deletes()).isEqualTo(1);
            assertThat(sdk.liveSessions()).isEmpty();
        }
    }

    @Test
    void aCancelledRequestEndsAsCancelledAndADeadlineEndsOneThatRunsTooLong() throws Exception {
        try (SdkStreamableUpstream sdk = new SdkStreamableUpstream()) {
            UpstreamSession session = sessions(sdk.endpoint(), Map.of(), true).get("dev");
            session.ensureInitialized(TIMEOUT);
            InFlight inFlight = new InFlight();
            background.execute(() -> {
                sleep(300);
                inFlight.cancel("changed my mind");
            });

            assertThatThrownBy(() -> session.request("tools/call", toolCall("slow",
                    JsonRpc.MAPPER.createObjectNode().put("ms", 1500)), TIMEOUT, inFlight))
                    .isInstanceOfSatisfying(UpstreamException.class,
                            e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.CANCELLED));
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> session.request("tools/call", toolCall("slow",
                    JsonRpc.MAPPER.createObjectNode().put("ms", 5000)), Duration.ofMillis(400), null))
                    .isInstanceOfSatisfying(UpstreamException.class, e -> {
                        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.TIMEOUT);
                        assertThat(e.getMessage()).contains("within 400 ms");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void eachProfileSignsWithItsOwnKeysAndAnExpiredSessionIsReopenedWithoutFailingTheCall() throws Exception {
        AwsProfileFiles files = AwsProfileFiles.write(dir.resolve("aws"), List.of(DEV, PROD));
        try (SdkProfileFiles sdkFiles = new SdkProfileFiles(files);
                FakeAwsMcpServer fake = FakeAwsMcpServer.forProfiles(List.of(DEV, PROD), "aws-mcp", "us-east-1")) {
            UpstreamSessions sessions = sessions(fake.endpoint(), Map.of(), false);
            ObjectNode whoAmI = toolCall("aws___call_aws",
                    JsonRpc.MAPPER.createObjectNode().put("cli_command", "aws sts get-caller-identity"));

            JsonNode dev = sessions.get("dev").request("tools/call", whoAmI, TIMEOUT, null);
            JsonNode prod = sessions.get("prod").request("tools/call", whoAmI, TIMEOUT, null);
            String firstDevSession = sessions.get("dev").sessionId();
            fake.expireAllSessions();
            JsonNode again = sessions.get("dev").request("tools/call", whoAmI, TIMEOUT, null);

            assertThat(dev.at("/result/structuredContent/access_key_id").asText()).isEqualTo(DEV.accessKeyId());
            assertThat(prod.at("/result/structuredContent/access_key_id").asText()).isEqualTo(PROD.accessKeyId());
            assertThat(again.at("/result/isError").asBoolean()).isFalse();
            String reopened = sessions.get("dev").sessionId();
            assertThat(reopened).isNotNull().isNotEqualTo(firstDevSession);
            sessions.closeAll(Duration.ofSeconds(2));
            assertThat(fake.deletedSessions()).containsExactly(reopened); // prod's had expired with dev's first one
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
