package dev.mcpaudit.proxy.downstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StdioChannelTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Run(List<JsonNode> handled, List<JsonNode> written) {}

    private static Run feed(String input, int maxLine) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StdioChannel channel = new StdioChannel(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, maxLine);
        List<JsonNode> handled = new ArrayList<>();
        channel.readLoop(handled::add);
        List<JsonNode> written = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                written.add(JSON.readTree(line));
            }
        }
        return new Run(handled, written);
    }

    @Test
    void garbageGetsAParseErrorAndReadingGoesOn() throws Exception {
        Run r = feed("not json at all\n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n", 1024);

        assertThat(r.written()).hasSize(1);
        assertThat(r.written().get(0).at("/error/code").asInt()).isEqualTo(-32700);
        assertThat(r.written().get(0).get("id").isNull()).isTrue();
        assertThat(r.handled()).hasSize(1);
        assertThat(r.handled().get(0).get("method").asText()).isEqualTo("ping");
    }

    @Test
    void overLongLineGetsAnErrorAndTheNextLineIsServed() throws Exception {
        Run r = feed("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + "x".repeat(5000) + "\"}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n", 1024);

        assertThat(r.written()).hasSize(1);
        assertThat(r.written().get(0).at("/error/code").asInt()).isEqualTo(-32600);
        assertThat(r.written().get(0).at("/error/message").asText()).contains("exceeded 1024 bytes");
        assertThat(r.handled()).extracting(m -> m.get("id").asInt()).containsExactly(2);
    }

    @Test
    void jsonThatIsNotJsonRpcIsAnInvalidRequestKeepingItsId() throws Exception {
        Run r = feed("{\"id\":7,\"method\":\"x\"}\n[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]\n42\n", 1024);

        assertThat(r.written()).extracting(m -> m.at("/error/code").asInt()).containsExactly(-32600, -32600, -32600);
        assertThat(r.written().get(0).get("id").asInt()).isEqualTo(7);
        assertThat(r.written().get(1).at("/error/message").asText()).contains("batches");
        assertThat(r.handled()).isEmpty();
    }

    @Test
    void blankLinesAreIgnoredAndALastLineWithoutNewlineIsRead() throws Exception {
        Run r = feed("\n\n{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", 1024);

        assertThat(r.written()).isEmpty();
        assertThat(r.handled()).hasSize(1);
    }

    @Test
    void linesSplitAcrossReadsAndCrlfEndingsAreServedWhole() throws Exception {
        String input = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + "n".repeat(300)
                + "\"}}\r\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\r\n";
        // At most 7 bytes per read, as a pipe may deliver them.
        InputStream trickle = new FilterInputStream(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8))) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 7));
            }
        };
        StdioChannel channel = new StdioChannel(trickle, new ByteArrayOutputStream(), 1024);
        List<JsonNode> handled = new ArrayList<>();

        channel.readLoop(handled::add);

        assertThat(handled).extracting(m -> m.get("id").asInt()).containsExactly(1, 2);
        assertThat(handled.get(0).at("/params/name").asText()).hasSize(300);
    }

    @Test
    void bytesThatAreNotUtf8AreAParseErrorNotSilentlyReplaced() throws Exception {
        byte[] start = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":{\"a\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] end = "\"}}\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.write(start);
        input.write(new byte[] {(byte) 0xC3, (byte) 0x28}); // a lead byte followed by no continuation byte
        input.write(end);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<JsonNode> handled = new ArrayList<>();

        new StdioChannel(new ByteArrayInputStream(input.toByteArray()), out, 1024).readLoop(handled::add);

        JsonNode error = JSON.readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(error.at("/error/code").asInt()).isEqualTo(-32700);
        assertThat(handled).extracting(m -> m.get("id").asInt()).containsExactly(2);
    }

    @Test
    void eachMessageReachesStdoutInOneWriteWithItsNewline() throws Exception {
        List<String> writes = new ArrayList<>();
        OutputStream recording = new OutputStream() {
            @Override
            public void write(int b) {
                writes.add(String.valueOf((char) b));
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.add(new String(b, off, len, StandardCharsets.UTF_8));
            }
        };
        StdioChannel channel = new StdioChannel(new ByteArrayInputStream(new byte[0]), recording, 1024);
        JsonNode message = JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"text\":\"" + "r".repeat(2000) + "\"}}");

        channel.send(message);
        channel.send(message);

        assertThat(writes).hasSize(2).allSatisfy(w -> {
            assertThat(w).endsWith("\n");
            assertThat(JSON.readTree(w)).isEqualTo(message);
        });
    }
}
