package dev.mcpaudit.schema;

import dev.mcpaudit.schema.AuditLogException.Reason;
import dev.mcpaudit.schema.redact.FingerprintKey;
import dev.mcpaudit.schema.redact.RedactionRules;
import dev.mcpaudit.schema.redact.Redactor;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;

/**
 * One audit log file: opening it safely (ours, fresh, foreign, older or newer schema), and handing out
 * connections. Writing goes through {@link #appender()}, reading through {@link #jdbi()} or
 * {@link #openReader()}.
 */
public final class AuditLog implements AutoCloseable {
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);

    private final Path path;
    private final boolean writable;
    private final Duration busyTimeout;
    private final String logId;
    /** Created on first use: Jdbi's start-up (about 0.3 s) is not worth paying for the few queries made here. */
    private Jdbi jdbi;
    /** Null when read-only: only writers redact. */
    private final Redactor redactor;
    /** The chain rule new events get: rule 2 from schema version 3 on (writers only). */
    private final int hashRule;
    private EventAppender appender;
    /**
     * For a file that was created but never written: an empty log of the current schema in memory,
     * which every reader reads instead (see {@link #neverWritten()}); null otherwise.
     */
    private final String emptyUrl;
    /** Keeps that in-memory database alive while this handle is open. */
    private final Connection emptyKeeper;

    private AuditLog(Path path, boolean writable, Duration busyTimeout, Redactor redactor, int schemaVersion) {
        this.path = path;
        this.writable = writable;
        this.busyTimeout = busyTimeout;
        this.redactor = redactor;
        this.hashRule = schemaVersion >= 3 ? ChainHash.RULE_PAYLOAD_DIGEST : ChainHash.RULE_PAYLOAD;
        this.emptyUrl = null;
        this.emptyKeeper = null;
        this.logId = queryOne("SELECT value FROM log_meta WHERE key = 'log_id'", rs -> rs.getString(1), "read its log id")
                .orElseThrow(() -> new AuditLogException(Reason.NOT_AN_AUDIT_LOG, path + " has no log id;"
                        + " it is not an intact mcp-audit-proxy log."));
    }

    /** A never-written file, read as an empty log. */
    private AuditLog(Path path) {
        this.path = path;
        this.writable = false;
        this.busyTimeout = DEFAULT_BUSY_TIMEOUT;
        this.redactor = null;
        this.hashRule = ChainHash.RULE_PAYLOAD_DIGEST;
        this.logId = null;
        this.emptyUrl = "jdbc:sqlite:file:mcp-audit-never-written-" + UUID.randomUUID() + "?mode=memory&cache=shared";
        try {
            emptyKeeper = new SQLiteConfig().createConnection(emptyUrl);
            SchemaMigrations.apply(emptyKeeper, 0, SchemaMigrations.LATEST);
        } catch (SQLException e) {
            throw SqliteErrors.explain(path, "read it as an empty log", e);
        }
    }

    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** The first row of a query on a read-only connection of its own. */
    private <T> Optional<T> queryOne(String sql, Row<T> row, String action) {
        try (Connection c = openReader(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? Optional.ofNullable(row.read(rs)) : Optional.empty();
        } catch (SQLException e) {
            throw SqliteErrors.explain(path, action, e);
        }
    }

    /** Opens the log for appending, creating it (0600, in a 0700 directory) or upgrading it as needed. */
    public static AuditLog openForAppend(Path path) {
        return openForAppend(path, DEFAULT_BUSY_TIMEOUT);
    }

    public static AuditLog openForAppend(Path path, Duration busyTimeout) {
        return openForAppend(path, busyTimeout, RedactionRules.defaults());
    }

    /**
     * Opens for appending with the given redaction rules; the fingerprint key file beside the
     * database is created with the log.
     */
    public static AuditLog openForAppend(Path path, Duration busyTimeout, RedactionRules rules) {
        return openForAppend(path, busyTimeout, SchemaMigrations.LATEST, rules);
    }

    /**
     * Opens an existing log for reading only; never creates, upgrades or otherwise writes the file. A
     * file that was created but never written (0 bytes: the proxy stopped before its first write) is
     * read as an empty log; see {@link #neverWritten()}.
     */
    public static AuditLog openReadOnly(Path path) {
        Path p = path.toAbsolutePath();
        if (!Files.exists(p)) {
            throw new AuditLogException(Reason.MISSING, "no audit log at " + p
                    + "; start mcp-audit-proxy once to create it, or pass --db with the right path.");
        }
        requireRegularFile(p);
        FileState state = inspect(p);
        if (state.isFresh()) {
            return new AuditLog(p);
        }
        state.requireOurs(p);
        if (state.userVersion < SchemaMigrations.LATEST) {
            throw new AuditLogException(Reason.OLDER_SCHEMA, "audit log " + p + " uses schema version "
                    + state.userVersion + " and this version reads " + SchemaMigrations.LATEST
                    + "; upgrade it in place with `audit-cli upgrade` (events are kept).");
        }
        return new AuditLog(p, false, DEFAULT_BUSY_TIMEOUT, null, state.userVersion);
    }

    /**
     * Opens a log that exists and has been written, for appending, upgrading its schema if it is older;
     * unlike {@link #openForAppend(Path)} it never creates a log, nor turns a never-written file into one.
     * For tools that act on the proxy's log (audit-cli), not for the proxy.
     */
    public static AuditLog openExistingForAppend(Path path) {
        Path p = path.toAbsolutePath();
        if (!Files.exists(p)) {
            throw new AuditLogException(Reason.MISSING, "no audit log at " + p + "; pass --db with the right path.");
        }
        requireRegularFile(p);
        if (inspect(p).isFresh()) {
            throw neverWrittenRefusal(p);
        }
        return openForAppend(p);
    }

    /** Why a command that writes refuses a never-written file; the file is left as it is. */
    public static AuditLogException neverWrittenRefusal(Path p) {
        return new AuditLogException(Reason.EMPTY, p + " was created but never written (the proxy stopped before its"
                + " first write), so it holds no log to act on; it was left as it is. Start mcp-audit-proxy with"
                + " it to make it a log, or pass --db with the right path.");
    }

    /** Test seam: creates or upgrades a log only up to {@code targetVersion}. */
    static AuditLog openForAppend(Path path, Duration busyTimeout, int targetVersion) {
        return openForAppend(path, busyTimeout, targetVersion, RedactionRules.defaults());
    }

    private static AuditLog openForAppend(Path path, Duration busyTimeout, int targetVersion, RedactionRules rules) {
        Path p = path.toAbsolutePath();
        createPrivately(p);
        requireRegularFile(p);
        FileState state = inspect(p);
        if (!state.isFresh()) {
            state.requireOurs(p);
        }
        int schemaVersion;
        try (Connection c = connect(p, false, busyTimeout); Statement st = c.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            try {
                // Re-read under the write lock: another process may have created or upgraded it meanwhile.
                int version = intPragma(st, "user_version");
                if (version < targetVersion) {
                    SchemaMigrations.apply(c, version, targetVersion);
                }
                schemaVersion = Math.max(version, targetVersion);
                st.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                st.execute("ROLLBACK");
                throw e;
            }
        } catch (SQLException e) {
            throw SqliteErrors.explain(p, "create or upgrade its schema", e);
        }
        return new AuditLog(p, true, busyTimeout, new Redactor(rules, FingerprintKey.loadOrCreate(p)), schemaVersion);
    }

    public Path path() {
        return path;
    }

    Duration busyTimeout() {
        return busyTimeout;
    }

    /**
     * Random id fixed when the file was created; checkpoints name it so they cannot be mixed up. Null
     * for a never-written file, which has none yet.
     */
    public String logId() {
        return logId;
    }

    /**
     * True when the file was created but never written: 0 bytes, or an SQLite file with nothing in it
     * yet, as left by a proxy stopped before its first write. It reads as an empty log of the current
     * schema (no events, no calls); nothing about it is corrupt, and nothing is written to it.
     */
    public boolean neverWritten() {
        return emptyUrl != null;
    }

    /** Jdbi over read-only connections, for queries and read models. */
    public synchronized Jdbi jdbi() {
        if (jdbi == null) {
            jdbi = Jdbi.create(this::openReader);
        }
        return jdbi;
    }

    public Connection openReader() throws SQLException {
        if (emptyUrl != null) {
            SQLiteConfig config = new SQLiteConfig();
            config.setReadOnly(true);
            return config.createConnection(emptyUrl);
        }
        return connect(path, true, busyTimeout);
    }

    /**
     * The redactor every appended payload goes through, once, in the appender (writable logs only).
     * Not public: a caller that redacted with it would only make the appender redact twice.
     */
    Redactor redactor() {
        if (!writable) {
            throw new IllegalStateException("audit log " + path + " was opened read-only");
        }
        return redactor;
    }

    /**
     * A tool's arguments redacted exactly as a call event will store them (this log's rules and
     * fingerprint key), for text shown to a person before the event is written: the approval prompt
     * must show what the log will hold, never the secret. Payloads still go to the appender raw.
     */
    public com.fasterxml.jackson.databind.JsonNode argumentsAsStored(String tool,
            com.fasterxml.jackson.databind.JsonNode arguments) {
        return redactor().redactArguments(tool, arguments).value();
    }

    /** Free text redacted as a payload string is stored ({@link #argumentsAsStored}'s reason). */
    public String textAsStored(String text) {
        return redactor().redactText(text);
    }

    /** The single appender of this handle (group commit needs one writer per process). */
    public synchronized EventAppender appender() {
        if (!writable) {
            throw new IllegalStateException("audit log " + path + " was opened read-only");
        }
        if (appender == null) {
            try {
                appender = new EventAppender(path, connect(path, false, busyTimeout), redactor, hashRule);
            } catch (SQLException e) {
                throw SqliteErrors.explain(path, "open it for writing", e);
            }
        }
        return appender;
    }

    /** The newest event's position, or empty for a log without events. */
    public Optional<ChainHead> head() {
        return queryOne("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
                rs -> new ChainHead(rs.getLong(1), rs.getString(2)), "read its newest event");
    }

    /** Every column of {@code events}, in the order {@link #stored} reads them. */
    static final String COLUMNS = "seq, event_id, type, time, session_id, call_id, payload, prev_hash, hash,"
            + " hash_rule, payload_salt, payload_sha256";

    static StoredEvent stored(ResultSet rs) throws SQLException {
        return new StoredEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), hashRule(rs, 10), rs.getString(11),
                rs.getString(12));
    }

    /**
     * Streams every event in seq order from one read snapshot (a single statement), so appends that
     * happen meanwhile are not half-seen.
     */
    public void scanEvents(Consumer<StoredEvent> sink) {
        try (Connection c = openReader();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM events ORDER BY seq")) {
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(stored(rs));
                }
            }
        } catch (SQLException e) {
            throw SqliteErrors.explain(path, "read its events", e);
        }
    }

    /**
     * Streams the events from {@code fromSeq} on, in seq order, from one read snapshot (a single
     * statement), as {@link #scanEvents} does for the whole log: a shipper resuming where it stopped.
     */
    public void scanEventsFrom(long fromSeq, Consumer<StoredEvent> sink) {
        try (Connection c = openReader();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM events WHERE seq >= ? ORDER BY seq")) {
            ps.setLong(1, fromSeq);
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(stored(rs));
                }
            }
        } catch (SQLException e) {
            throw SqliteErrors.explain(path, "read its events", e);
        }
    }

    /** The event at {@code seq}, if there is one. */
    public Optional<StoredEvent> eventAt(long seq) {
        return Optional.ofNullable(eventsAt(Set.of(seq)).get(seq));
    }

    /** The event at each of {@code seqs} that has a row (the first, should a rebuilt table repeat a seq). */
    Map<Long, StoredEvent> eventsAt(Set<Long> seqs) {
        Map<Long, StoredEvent> out = new HashMap<>();
        try (Connection c = openReader(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM events WHERE seq = ? LIMIT 1")) {
            for (long seq : seqs) {
                ps.setLong(1, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        out.put(seq, stored(rs));
                    }
                }
            }
        } catch (SQLException e) {
            throw SqliteErrors.explain(path, "read its events", e);
        }
        return out;
    }

    /**
     * Whether {@code seq} is still the rowid of {@code events} (the INTEGER PRIMARY KEY of a rowid
     * table), so every row has a distinct integer seq and a range of seqs is read by rowid. Not so
     * when someone rebuilt the table: then seq may be NULL, text, or repeated.
     */
    boolean seqIsRowid() {
        return queryOne("SELECT (SELECT count(*) FROM pragma_table_info('events') WHERE pk > 0) = 1"
                + " AND EXISTS (SELECT 1 FROM pragma_table_info('events') WHERE name = 'seq' AND pk = 1"
                + " AND upper(type) = 'INTEGER')"
                + " AND NOT EXISTS (SELECT 1 FROM pragma_index_list('events') WHERE origin = 'pk')",
                rs -> rs.getBoolean(1), "read its table definition").orElse(false);
    }

    /**
     * Events with {@code fromSeq <= seq <= toSeq} in seq order, on a connection of their own, with
     * every column as its UTF-8 bytes: the verifier hashes these bytes without decoding them.
     */
    void scanRawEvents(long fromSeq, long toSeq, Consumer<RawEvent> sink) {
        try (Connection c = openReader()) {
            boolean utf8;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA encoding")) {
                utf8 = rs.getString(1).equals("UTF-8");
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT " + RAW_COLUMNS
                    + " FROM events WHERE seq >= ? AND seq <= ? ORDER BY seq")) {
                ps.setLong(1, fromSeq);
                ps.setLong(2, toSeq);
                ps.setFetchSize(1000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(new RawEvent(rs.getLong(1), utf8(rs, 2, utf8), utf8(rs, 3, utf8), utf8(rs, 4, utf8),
                                utf8(rs, 5, utf8), utf8(rs, 6, utf8), utf8(rs, 7, utf8), utf8(rs, 8, utf8),
                                utf8(rs, 9, utf8), rs.getInt(10), utf8(rs, 11, utf8), utf8(rs, 12, utf8)));
                    }
                }
            }
        } catch (SQLException e) {
            throw SqliteErrors.explain(path, "read its events", e);
        }
    }

    /** The hash_rule column: 1 or 2 when it holds exactly that integer, else 0 (malformed). */
    private static int hashRule(ResultSet rs, int column) throws SQLException {
        Object v = rs.getObject(column);
        return v instanceof Integer i ? RawEvent.rule(i) : v instanceof Long l && l >= 1 && l <= 2 ? l.intValue() : 0;
    }

    /**
     * {@link #COLUMNS} for {@link RawEvent}: hash_rule is 1 or 2 when it holds exactly that integer,
     * else 0 (malformed), decided by SQLite so the scan reads a plain int.
     */
    private static final String RAW_COLUMNS = COLUMNS.replace("hash_rule,",
            "CASE WHEN typeof(hash_rule) = 'integer' AND hash_rule IN (1, 2) THEN hash_rule ELSE 0 END,");

    /** A column's UTF-8 bytes; SQLite hands out text in the file's own encoding, so others are converted. */
    private static byte[] utf8(ResultSet rs, int column, boolean fileIsUtf8) throws SQLException {
        if (fileIsUtf8) {
            return rs.getBytes(column);
        }
        String s = rs.getString(column);
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        if (appender != null) {
            appender.close();
            appender = null;
        }
        if (emptyKeeper != null) {
            try {
                emptyKeeper.close();
            } catch (SQLException e) {
                // An in-memory database: nothing to lose.
            }
        }
    }

    static Connection connect(Path path, boolean readOnly, Duration busyTimeout) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout((int) busyTimeout.toMillis());
        if (readOnly) {
            config.setReadOnly(true);
            Path dir = path.getParent();
            return config.createConnection(readUrl(path, dir == null || Files.isWritable(dir)));
        }
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: a commit is on disk (WAL fsynced) before append() returns.
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        Connection c = config.createConnection("jdbc:sqlite:" + path);
        try (Statement st = c.createStatement()) {
            // Space a page no longer uses is zeroed wherever that costs no extra I/O. Without it, when
            // a B-tree page splits (the table's root, for one), copies of the cells it held stay in its
            // unused space, and a payload purged later would survive there (PayloadPurge).
            st.execute("PRAGMA secure_delete = FAST");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * How to open {@code path} for reading. A reader of a WAL-mode database needs its {@code -shm}
     * (and {@code -wal}) file, and creates them when they are missing; someone allowed to read the log
     * but not to write its directory cannot. Then:
     * <ul>
     *   <li>with {@code -wal} and {@code -shm} there and readable, SQLite reads them as they are (a read-only
     *       {@code -shm} is fine since SQLite 3.22), taking part in the locking as any reader does;</li>
     *   <li>with no {@code -wal}, or an empty one, everything is in the database file, which is opened
     *       {@code immutable=1}: no locks and no side files. Only a writer starting during the read (the
     *       owner's proxy) could change it under the reader meanwhile;</li>
     *   <li>with events in {@code -wal} that cannot be read that way, the log is refused: {@code immutable=1}
     *       would ignore the WAL and silently show stale data.</li>
     * </ul>
     */
    static String readUrl(Path path, boolean dirWritable) {
        if (dirWritable) {
            return "jdbc:sqlite:" + path;
        }
        Path wal = Path.of(path + "-wal");
        Path shm = Path.of(path + "-shm");
        if (Files.isReadable(wal) && Files.isReadable(shm)) {
            return "jdbc:sqlite:" + path;
        }
        if (size(wal) == 0) {
            return "jdbc:sqlite:" + new File(path.toString()).toURI().toASCIIString() + "?mode=ro&immutable=1";
        }
        throw new AuditLogException(Reason.UNAVAILABLE, "audit log " + path + " has events in " + wal.getFileName()
                + " not yet merged into it, and reading them needs read permission on " + wal.getFileName() + " and "
                + shm.getFileName() + " or write permission on " + path.getParent() + "; ask the log's owner for"
                + " one of those (stopping the proxy also merges them), or copy " + path.getFileName() + " and "
                + wal.getFileName() + " into a directory you can write and pass --db with the copy.");
    }

    /** The file's size, 0 when it does not exist. */
    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return Files.exists(p) ? 1 : 0; // cannot tell: treat it as holding events
        }
    }

    private static void createPrivately(Path p) {
        try {
            Path dir = p.getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                OwnerOnlyFiles.createDirectories(dir);
            }
            if (!Files.exists(p)) {
                try {
                    OwnerOnlyFiles.createFile(p);
                } catch (FileAlreadyExistsException raced) {
                    // Another process created it first; the schema step below copes with that.
                }
            }
        } catch (IOException e) {
            throw new AuditLogException(Reason.UNAVAILABLE, "cannot create audit log " + p + ": " + e
                    + "; choose a writable location with --audit-db or MCP_AUDIT_DB.", e);
        }
    }

    /**
     * Reads the file's identity without writing anything into or beside it. A WAL-mode file with no
     * WAL beside it is fully checkpointed and closed by everyone, so its header says it all, and
     * opening it (which would create -wal/-shm files next to someone else's database) is avoided.
     * Anything else is read through a read-only connection, whose locks make a file that another
     * process is creating at this moment read consistently.
     */
    private static FileState inspect(Path p) {
        byte[] header = readHeader(p);
        if (header.length == 0) {
            return new FileState(0, 0, 0);
        }
        boolean walMode = header.length >= 100 && new String(header, 0, 16, StandardCharsets.ISO_8859_1)
                .equals("SQLite format 3\0") && header[18] == 2 && header[19] == 2;
        if (walMode && !Files.exists(Path.of(p + "-wal"))) {
            ByteBuffer b = ByteBuffer.wrap(header);
            // Schema cookie 0: no table yet. Another process has switched a new file to WAL and is
            // about to create the schema; treating that as foreign would refuse a log being born.
            int objects = b.getInt(40) == 0 ? 0 : 1;
            return new FileState(b.getInt(68), b.getInt(60), objects);
        }
        try (Connection c = connect(p, true, DEFAULT_BUSY_TIMEOUT); Statement st = c.createStatement()) {
            // One statement, so one snapshot: read separately, a log another process is creating
            // right now could show its new schema but not yet its application id.
            try (ResultSet rs = st.executeQuery("SELECT (SELECT application_id FROM pragma_application_id()),"
                    + " (SELECT user_version FROM pragma_user_version()), (SELECT count(*) FROM sqlite_master)")) {
                return new FileState(rs.getInt(1), rs.getInt(2), rs.getInt(3));
            }
        } catch (SQLException e) {
            throw SqliteErrors.explain(p, "read its header", e);
        }
    }

    /**
     * Refuses a named pipe, directory, device or socket before anything opens it: opening a FIFO for
     * reading blocks until someone writes to it, so the command would hang instead of failing.
     */
    private static void requireRegularFile(Path p) {
        if (Files.isRegularFile(p)) {
            return;
        }
        String what = Files.isDirectory(p) ? "a directory" : "a named pipe, device or socket";
        throw new AuditLogException(Reason.NOT_AN_AUDIT_LOG, p + " is " + what + ", not an audit log file; it was"
                + " left untouched. Use the path of the log file (--audit-db for the proxy, --db for audit-cli, or"
                + " MCP_AUDIT_DB).");
    }

    private static byte[] readHeader(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            return in.readNBytes(100);
        } catch (IOException e) {
            throw new AuditLogException(Reason.UNAVAILABLE, "cannot read " + p + ": " + e
                    + "; check its permissions, or use another path.", e);
        }
    }

    private static int intPragma(Statement st, String pragma) throws SQLException {
        try (ResultSet rs = st.executeQuery("PRAGMA " + pragma)) {
            return rs.getInt(1);
        }
    }

    private record FileState(int applicationId, int userVersion, int objects) {
        boolean isFresh() {
            return applicationId == 0 && userVersion == 0 && objects == 0;
        }

        void requireOurs(Path p) {
            if (applicationId != SchemaMigrations.APPLICATION_ID) {
                throw new AuditLogException(Reason.NOT_AN_AUDIT_LOG, p + " is an SQLite database but not an"
                        + " mcp-audit-proxy log; it was left untouched. Use another path (--audit-db for the"
                        + " proxy, --db for audit-cli, or MCP_AUDIT_DB).");
            }
            if (userVersion > SchemaMigrations.LATEST) {
                throw new AuditLogException(Reason.NEWER_SCHEMA, "audit log " + p + " was written with schema"
                        + " version " + userVersion + " by a newer mcp-audit-proxy; this version "
                        + ProductVersion.get() + " understands up to schema version " + SchemaMigrations.LATEST
                        + ". Upgrade mcp-audit-proxy and audit-cli.");
            }
        }
    }
}
