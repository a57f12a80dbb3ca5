package dev.mcpaudit.schema.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.schema.AppendedEvent;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import dev.mcpaudit.schema.StoredEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void readsOneSessionInSeqOrderAndEventsBySeq() throws Exception {
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            AppendedEvent first = append(log, "ab-1");
            append(log, "ab-2");
            AppendedEvent second = append(log, "ab-1");

            assertThat(SessionEvents.of(log, "ab-1")).extracting(StoredEvent::seq, StoredEvent::hash)
                    .containsExactly(tuple(first.seq(), first.hash()),
                            tuple(second.seq(), second.hash()));

            Map<Long, StoredEvent> at = SessionEvents.atSeqs(log, List.of(second.seq(), 99L));
            assertThat(at).containsOnlyKeys(second.seq());
            assertThat(at.get(second.seq()).sessionId()).isEqualTo("ab-1");
        }
    }

    private static AppendedEvent append(AuditLog log, String session) {
        return log.appender().append(new NewEvent(EventType.SESSION_STARTED, Instant.parse("2026-12-01T10:00:00Z"), session,
                null, JSON.createObjectNode().put("proxy_version", "test")));
    }
}
