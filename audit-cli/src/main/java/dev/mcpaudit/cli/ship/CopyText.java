package dev.mcpaudit.cli.ship;

import dev.mcpaudit.schema.StoredEvent;
import java.time.Instant;

/** One row of PostgreSQL's COPY text format: tab-separated, {@code \N} for NULL, backslash escapes. */
final class CopyText {
    private CopyText() {}

    /** The columns of {@link Shipper#COPY_EVENTS}, in its order. */
    static void appendRow(StringBuilder sb, String logId, StoredEvent e, Instant eventTime) {
        field(sb, logId).append('\t').append(e.seq()).append('\t');
        field(sb, e.eventId()).append('\t');
        field(sb, e.type()).append('\t');
        field(sb, e.time()).append('\t');
        field(sb, e.sessionId()).append('\t');
        field(sb, e.callId()).append('\t');
        field(sb, e.payload()).append('\t');
        field(sb, e.prevHash()).append('\t');
        field(sb, e.hash()).append('\t');
        sb.append(e.hashRule()).append('\t');
        field(sb, e.payloadSalt()).append('\t');
        field(sb, e.payloadSha256()).append('\t');
        sb.append(eventTime).append('\n');
    }

    private static StringBuilder field(StringBuilder sb, String value) {
        if (value == null) {
            return sb.append("\\N");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
        return sb;
    }
}
