package dev.mcpaudit.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseReaderTest {

    private static List<SseReader.Event> read(String stream) throws IOException {
        try (SseReader reader = reader(stream)) {
            List<SseReader.Event> events = new ArrayList<>();
            SseReader.Event e;
            while ((e = reader.next()) != null) {
                events.add(e);
            }
            return events;
        }
    }

    private static SseReader reader(String stream) {
        return new SseReader(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void oneMessagePerEventAsStreamableHttpSendsThem() throws IOException {
        assertThat(read("event: message\ndata: {\"id\":1}\n\nevent: message\ndata: {\"id\":2}\n\n"))
                .containsExactly(new SseReader.Event("", "message", "{\"id\":1}"),
                        new SseReader.Event("", "message", "{\"id\":2}"));
    }

    @Test
    void anIdIsKeptUntilTheNextOneAndAnIdWithANulIsIgnored() throws IOException {
        assertThat(read("id: 7\ndata: a\n\ndata: b\n\nid: 8\ndata: c\n\nid: 9\u0000x\ndata: d\n\n"))
                .extracting(SseReader.Event::id, SseReader.Event::data)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("7", "a"), org.assertj.core.groups.Tuple.tuple("7", "b"),
                        org.assertj.core.groups.Tuple.tuple("8", "c"), org.assertj.core.groups.Tuple.tuple("8", "d"));
    }

    @Test
    void dataLinesAreJoinedWithNewlinesAndOnlyOneLeadingSpaceIsRemoved() throws IOException {
        assertThat(read("data:{\"a\":\ndata:  1}\n\n")).singleElement()
                .extracting(SseReader.Event::data).isEqualTo("{\"a\":\n 1}");
    }

    @Test
    void everyLineEndingTheStandardAllowsIsOne() throws IOException {
        assertThat(read("data: crlf\r\n\r\ndata: cr\r\rdata: lf\n\n"))
                .extracting(SseReader.Event::data).containsExactly("crlf", "cr", "lf");
    }

    @Test
    void commentsRetryUnknownFieldsAndEventsWithoutDataDeliverNothing() throws IOException {
        assertThat(read(": keep-alive\n\nretry: 1000\n\nevent: ping\n\nfoo: bar\ndata: x\n\n"))
                .singleElement().isEqualTo(new SseReader.Event("", "message", "x"));
    }

    @Test
    void aByteOrderMarkBeforeTheFirstFieldIsSkipped() throws IOException {
        assertThat(read("\uFEFFdata: x\n\n")).extracting(SseReader.Event::data).containsExactly("x");
    }

    @Test
    void aStreamCutInTheMiddleOfAnEventDeliversNoHalfEventAndSaysSo() throws IOException {
        try (SseReader reader = reader("data: {\"id\":1}\n\ndata: {\"id\":2,\"res")) {
            assertThat(reader.next().data()).isEqualTo("{\"id\":1}");
            assertThat(reader.next()).isNull();
            assertThat(reader.endedMidEvent()).isTrue();
        }
        try (SseReader reader = reader("data: {\"id\":1}\n")) { // no blank line: the event never ended
            assertThat(reader.next()).isNull();
            assertThat(reader.endedMidEvent()).isTrue();
        }
    }

    @Test
    void aStreamThatEndsBetweenEventsEndedCleanly() throws IOException {
        try (SseReader reader = reader("data: x\n\n: bye\n")) {
            assertThat(reader.next().data()).isEqualTo("x");
            assertThat(reader.next()).isNull();
            assertThat(reader.endedMidEvent()).isFalse();
        }
    }
}
