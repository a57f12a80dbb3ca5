-- Chain rule 2: an event's hash commits to a salted digest of its payload instead of the payload's
-- bytes, so that `audit-cli purge` can replace a leaked value without breaking the chain.
-- Events written before this version keep rule 1 and verify as before. Format: schema/FORMAT.md.

-- 1: the hash covers the payload itself; 2: it covers payload_sha256.
ALTER TABLE events ADD COLUMN hash_rule INTEGER NOT NULL DEFAULT 1;
-- Rule 2: 32 random lowercase hex digits; NULL once the payload is purged.
ALTER TABLE events ADD COLUMN payload_salt TEXT;
-- Rule 2: SHA-256(salt as 16 raw bytes || UTF-8 of the payload), lowercase hex.
ALTER TABLE events ADD COLUMN payload_sha256 TEXT;

-- New rows carry what their rule needs.
CREATE TRIGGER events_hash_rule_complete BEFORE INSERT ON events
WHEN NEW.hash_rule IS NOT 1 AND NOT (NEW.hash_rule IS 2 AND NEW.payload_salt IS NOT NULL AND NEW.payload_sha256 IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'audit events use hash rule 1, or rule 2 with payload_salt and payload_sha256'); END;

-- The purge path is the only UPDATE left: a rule-2 row's payload may be replaced (and its salt
-- dropped), nothing else about it, and only while the newest event is the payload.purged event
-- that names it. The verifier, not this trigger, decides whether a replacement is legitimate.
DROP TRIGGER events_no_update;

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
WHEN NOT (OLD.hash_rule IS 2 AND NEW.payload_salt IS NULL
  AND NEW.seq IS OLD.seq AND NEW.event_id IS OLD.event_id AND NEW.type IS OLD.type AND NEW.time IS OLD.time
  AND NEW.session_id IS OLD.session_id AND NEW.call_id IS OLD.call_id AND NEW.prev_hash IS OLD.prev_hash
  AND NEW.hash IS OLD.hash AND NEW.hash_rule IS OLD.hash_rule AND NEW.payload_sha256 IS OLD.payload_sha256
  AND EXISTS (SELECT 1 FROM events p WHERE p.seq = (SELECT max(seq) FROM events) AND p.seq > OLD.seq
              AND p.type = 'payload.purged' AND json_extract(p.payload, '$.seq') IS OLD.seq
              AND json_extract(p.payload, '$.event_id') IS OLD.event_id))
BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused (only audit-cli purge replaces a payload, right after recording a payload.purged event for it)'); END;
