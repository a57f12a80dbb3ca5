-- The event log: the single source of truth. Append-only, one hash chain per file.
-- Format and hashing rules: schema/FORMAT.md.

CREATE TABLE log_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

INSERT INTO log_meta(key, value) VALUES ('log_id', lower(hex(randomblob(16))));
INSERT INTO log_meta(key, value) VALUES ('created_at', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

CREATE TRIGGER log_meta_no_update BEFORE UPDATE ON log_meta
BEGIN SELECT RAISE(ABORT, 'audit log metadata is immutable: UPDATE refused'); END;

CREATE TRIGGER log_meta_no_delete BEFORE DELETE ON log_meta
BEGIN SELECT RAISE(ABORT, 'audit log metadata is immutable: DELETE refused'); END;

CREATE TABLE events (
  seq        INTEGER PRIMARY KEY,        -- gapless, from 1
  event_id   TEXT    NOT NULL UNIQUE,    -- UUID
  type       TEXT    NOT NULL,           -- session.started, call.requested, ...
  time       TEXT    NOT NULL,           -- UTC, ISO-8601 with milliseconds
  session_id TEXT    NOT NULL,
  call_id    TEXT,
  payload    TEXT    NOT NULL,           -- RFC 8785 canonical JSON object
  prev_hash  TEXT    NOT NULL,           -- lowercase hex; 64 zeros before seq 1
  hash       TEXT    NOT NULL            -- SHA-256(prev_hash bytes || canonical event), hex
);

-- The writer keeps these invariants; the triggers make sure no other writer breaks them by accident.
CREATE TRIGGER events_append_only_in_order BEFORE INSERT ON events
WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM events)
  OR NEW.prev_hash IS NOT coalesce((SELECT hash FROM events WHERE seq = NEW.seq - 1),
                                   '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN SELECT RAISE(ABORT, 'audit events are appended in order: seq must follow the head and prev_hash must link to it'); END;

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END;
