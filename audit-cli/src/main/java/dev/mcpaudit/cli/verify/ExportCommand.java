package dev.mcpaudit.cli.verify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.mcpaudit.cli.AuditCli;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.cli.ProgressTicker;
import dev.mcpaudit.cli.RowWriter;
import dev.mcpaudit.cli.TimeArgs;
import dev.mcpaudit.cli.TimeRangeOptions;
import dev.mcpaudit.schema.AtomicFile;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventTime;
import dev.mcpaudit.schema.StoredEvent;
import dev.mcpaudit.schema.query.EventRange;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Writes the log's events, hash fields included, as JSON Lines (re-verifiable elsewhere with
 * {@code verify --jsonl}) or CSV. Streams from one read snapshot: memory does not grow with the log.
 *
 * <p>JSON Lines layout: line 1 is a header object ({@code "export": "mcp-audit-proxy events"},
 * {@code version}, {@code log_id}, {@code first_seq}, {@code last_seq}, {@code since}, {@code until},
 * {@code exported_at}); every further line is one event with the columns of {@link #COLUMNS}.
 * Version 2 added {@code hash_rule}, {@code payload_salt} and {@code payload_sha256} (chain rule 2);
 * version 1 exports, whose events are all rule 1, are still read. An event whose payload was purged
 * also has {@code purged_by_seq} (the newest payload.purged event naming it), which the chain does
 * not cover: it only points the reader to the record.
 * {@code payload} is a JSON <em>string</em> holding the stored canonical payload text exactly, because
 * the hash covers those bytes; re-serialising a parsed payload could change them. Non-ASCII is
 * written as {@code \\u} escapes so every string round-trips exactly. The header is not covered by
 * the hash chain: it only says which range was meant.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Writes the log's events, in seq order with their hash fields, as JSON Lines or CSV.",
            "A JSON Lines export can be re-verified on another machine: audit-cli verify",
            "--jsonl FILE.",
            "",
            "jsonl: line 1 is a header: {\"export\":\"mcp-audit-proxy events\",\"version\":2,",
            "\"log_id\":…,\"first_seq\":…,\"last_seq\":…,\"since\":…,\"until\":…,\"exported_at\":…}.",
            "Each further line is one event: seq, event_id, type, time, session_id,",
            "call_id, payload, prev_hash, hash, hash_rule, payload_salt, payload_sha256",
            "(schema/FORMAT.md has the hash rules), and for a purged event",
            "purged_by_seq: the payload.purged event that says what was removed (not",
            "covered by the chain). payload is a JSON string holding the",
            "stored canonical payload exactly, since the hash covers those bytes: parse",
            "it to read it (jq: .payload | fromjson), but hash it as it is.",
            "csv (RFC 4180, CRLF line ends): a header row, then one row per event with",
            "the same columns, purged_by_seq last (empty when not purged).",
            "",
            "--since/--until export a contiguous range of seq: from the first event at",
            "or after --since to the last event before --until, so that the chain can",
            "be checked within it. Events of concurrent proxies can carry times slightly",
            "out of seq order; one inside the range is exported even if its own time",
            "lies just outside. The first event of a partial export links to an event",
            "that is not in the file: verify checks every link within the range but",
            "that one."
        },
        footer = {
            "",
            "Examples:",
            "  audit-cli export --out audit-$(date +%%F).jsonl",
            "  audit-cli export --since 2026-11-01 --until 2026-12-01 --out november.jsonl",
            "  audit-cli verify --jsonl november.jsonl",
            "  audit-cli export --format csv --since 7d > last-week.csv",
            "  audit-cli export \\",
            "      | jq -c 'select(.type == \"call.requested\") | .payload | fromjson | .args'",
            "",
            "Exit codes: 0 ok, 2 usage error, 3 log missing or unreadable, or FILE cannot be written."
        })
public final class ExportCommand implements Callable<Integer> {
    enum Format { jsonl, csv }

    static final String MARK = "mcp-audit-proxy events";
    static final int VERSION = 2;
    static final List<String> COLUMNS = List.of("seq", "event_id", "type", "time", "session_id", "call_id", "payload",
            "prev_hash", "hash", "hash_rule", "payload_salt", "payload_sha256");

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .build()
            .setRootValueSeparator(null)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    @ParentCommand
    AuditCli parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--format", defaultValue = "jsonl", paramLabel = "FORMAT", description = "jsonl (default) or csv.")
    Format format;

    @Mixin
    TimeRangeOptions time;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write to FILE (created 0600, replaced only once the export is complete) instead of stdout.")
    Path out;

    /** What was exported: the seq range and its times; {@code firstSeq} 0 when nothing matched. */
    record Exported(long firstSeq, long lastSeq, long events, String firstTime, String lastTime) {}

    @Override
    public Integer call() throws Exception {
        Instant now = Instant.now();
        TimeArgs.Period period = time.period(now);
        String from = period.storedSince();
        String to = period.storedUntil();
        try (AuditLog log = parent.openForReading(spec)) {
            if (out == null) {
                PrintWriter stdout = spec.commandLine().getOut();
                export(log, format, from, to, now, stdout);
                stdout.flush();
                return ExitCode.OK;
            }
            // Only into a file: on a terminal, stdout would be drawn over.
            AtomicLong exportedSeq = new AtomicLong();
            Exported done;
            try (ProgressTicker progress = parent.progress(spec, "exporting, seq", VerifyCommand.headSeq(log),
                    exportedSeq::get)) {
                done = exportToFile(log, from, to, now, exportedSeq);
            }
            if (done.events() == 0) {
                parent.info(spec, String.format("No events%s in %s; wrote an empty export to %s.", range(from, to),
                        log.path(), out));
            } else {
                parent.info(spec, String.format("Exported %,d events (seq %d to %d, %s to %s) of log %s to %s.",
                        done.events(), done.firstSeq(), done.lastSeq(), done.firstTime(), done.lastTime(), log.logId(),
                        out));
            }
        }
        return ExitCode.OK;
    }

    private Exported exportToFile(AuditLog log, String from, String to, Instant now, AtomicLong exportedSeq)
            throws IOException, SQLException {
        try (AtomicFile file = AtomicFile.beside(out)) {
            Exported done;
            try (Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file.path()),
                    StandardCharsets.UTF_8), 1 << 16)) {
                done = export(log, format, from, to, now, w, exportedSeq);
            }
            file.commit();
            return done;
        }
    }

    /**
     * Streams the events of [first event at or after {@code from}, last event before {@code to}] (both
     * optional, stored time text) to {@code w}, reading the range and the rows in one read transaction.
     */
    static Exported export(AuditLog log, Format format, String from, String to, Instant now, Writer w)
            throws IOException, SQLException {
        return export(log, format, from, to, now, w, new AtomicLong());
    }

    /** As above, setting {@code exportedSeq} to the seq of each event as it is written, for a progress bar. */
    static Exported export(AuditLog log, Format format, String from, String to, Instant now, Writer w,
            AtomicLong exportedSeq) throws IOException, SQLException {
        EventWriter writer = new EventWriter(format == Format.jsonl ? JSON.createGenerator(w) : null, w, log.logId(),
                from, to, now, exportedSeq);
        EventRange.read(log, from, to, writer);
        if (writer.json != null) {
            writer.json.flush();
        }
        return writer.exported();
    }

    /** Writes the header, then each event as one JSON line or CSV row. */
    private static final class EventWriter implements EventRange.Reader {
        private final JsonGenerator json;
        private final Writer w;
        private final String logId;
        private final String from;
        private final String to;
        private final Instant now;
        private long first;
        private long last;
        private long count;
        private String firstTime;
        private String lastTime;
        private final AtomicLong exportedSeq;

        EventWriter(JsonGenerator json, Writer w, String logId, String from, String to, Instant now,
                AtomicLong exportedSeq) {
            this.exportedSeq = exportedSeq;
            this.json = json;
            this.w = w;
            this.logId = logId;
            this.from = from;
            this.to = to;
            this.now = now;
        }

        @Override
        public void range(long firstSeq, long lastSeq) throws IOException {
            first = firstSeq;
            last = lastSeq;
            if (json != null) {
                writeHeader(json, logId, firstSeq, lastSeq, from, to, now);
            } else {
                w.write(String.join(",", COLUMNS) + ",purged_by_seq");
                w.write("\r\n");
            }
        }

        @Override
        public void event(StoredEvent e, Long purgedBySeq) throws IOException {
            if (count++ == 0) {
                firstTime = e.time();
            }
            exportedSeq.set(e.seq());
            lastTime = e.time();
            if (json != null) {
                json.writeStartObject();
                json.writeNumberField("seq", e.seq());
                json.writeStringField("event_id", e.eventId());
                json.writeStringField("type", e.type());
                json.writeStringField("time", e.time());
                json.writeStringField("session_id", e.sessionId());
                json.writeStringField("call_id", e.callId());
                json.writeStringField("payload", e.payload());
                json.writeStringField("prev_hash", e.prevHash());
                json.writeStringField("hash", e.hash());
                json.writeNumberField("hash_rule", e.hashRule());
                json.writeStringField("payload_salt", e.payloadSalt());
                json.writeStringField("payload_sha256", e.payloadSha256());
                if (purgedBySeq != null) {
                    json.writeNumberField("purged_by_seq", purgedBySeq);
                }
                json.writeEndObject();
                json.writeRaw('\n');
            } else {
                w.write(Long.toString(e.seq()));
                for (String v : new String[] {e.eventId(), e.type(), e.time(), e.sessionId(), e.callId(), e.payload(),
                        e.prevHash(), e.hash(), Integer.toString(e.hashRule()), e.payloadSalt(), e.payloadSha256()}) {
                    w.write(',');
                    w.write(v == null ? "" : RowWriter.csv(v));
                }
                w.write(',');
                w.write(purgedBySeq == null ? "" : purgedBySeq.toString());
                w.write("\r\n");
            }
        }

        Exported exported() {
            return first == 0 ? new Exported(0, 0, 0, null, null) : new Exported(first, last, count, firstTime, lastTime);
        }
    }

    private static void writeHeader(JsonGenerator g, String logId, long first, long last, String from, String to,
            Instant now) throws IOException {
        g.writeStartObject();
        g.writeStringField("export", MARK);
        g.writeNumberField("version", VERSION);
        g.writeStringField("log_id", logId);
        if (first == 0) {
            g.writeNullField("first_seq");
            g.writeNullField("last_seq");
        } else {
            g.writeNumberField("first_seq", first);
            g.writeNumberField("last_seq", last);
        }
        g.writeStringField("since", from);
        g.writeStringField("until", to);
        g.writeStringField("exported_at", EventTime.format(now));
        g.writeEndObject();
        g.writeRaw('\n');
    }

    private static String range(String from, String to) {
        return (from == null ? "" : " since " + from) + (to == null ? "" : " until " + to);
    }
}
