-- The central copy of many audit logs (audit-cli ship; schema/CENTRAL.md). Rows are copied from each
-- log's events table with their hash fields unchanged, keyed by (log_id, seq); nothing here is derived
-- by the shipper except event_time, the row's time as a timestamp, which partitions the table.

CREATE TABLE mcp_audit.logs (
    log_id           text PRIMARY KEY CHECK (log_id ~ '^[0-9a-f]{32}$'),
    first_shipped_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE mcp_audit.events (
    log_id         text NOT NULL,
    seq            bigint NOT NULL,
    event_id       text NOT NULL,
    type           text NOT NULL,
    time           text NOT NULL,
    session_id     text NOT NULL,
    call_id        text,
    payload        text NOT NULL,
    prev_hash      text NOT NULL,
    hash           text NOT NULL,
    hash_rule      integer NOT NULL,
    payload_salt   text,
    payload_sha256 text,
    -- time, parsed: the partition key and the time indexes' column.
    event_time     timestamptz NOT NULL,
    -- Extracted from the payload of call.requested and call.rejected events, for the indexes below.
    profile        text GENERATED ALWAYS AS (CASE WHEN type IN ('call.requested', 'call.rejected')
                                             THEN payload::json ->> 'profile' END) STORED,
    account_id     text GENERATED ALWAYS AS (CASE WHEN type IN ('call.requested', 'call.rejected')
                                             THEN payload::json ->> 'account_id' END) STORED,
    tool           text GENERATED ALWAYS AS (CASE WHEN type IN ('call.requested', 'call.rejected')
                                             THEN payload::json ->> 'tool' END) STORED,
    -- A partitioned table's key must hold the partition key; the shipper's per-log lock keeps
    -- (log_id, seq) unique on its own (CENTRAL.md).
    PRIMARY KEY (log_id, seq, event_time)
) PARTITION BY RANGE (event_time);

CREATE INDEX events_by_account_time ON mcp_audit.events (account_id, event_time) WHERE account_id IS NOT NULL;
CREATE INDEX events_by_profile_time ON mcp_audit.events (profile, event_time) WHERE profile IS NOT NULL;
CREATE INDEX events_by_tool_time ON mcp_audit.events (tool, event_time) WHERE tool IS NOT NULL;
CREATE INDEX events_by_time ON mcp_audit.events (event_time);
CREATE INDEX events_by_call ON mcp_audit.events (log_id, call_id, type) WHERE call_id IS NOT NULL;
CREATE INDEX events_by_session ON mcp_audit.events (log_id, session_id, seq);

-- Each checkpoint event shipped, also kept apart from the chain, so that a central chain cut short
-- after it (rows deleted from the end) is still caught by verify --source.
CREATE TABLE mcp_audit.checkpoints (
    log_id    text NOT NULL,
    event_seq bigint NOT NULL,
    seq       bigint NOT NULL,
    hash      text NOT NULL,
    signed_at text NOT NULL,
    key_id    text NOT NULL,
    signature text NOT NULL,
    PRIMARY KEY (log_id, event_seq)
);

-- The month partition that holds `month`, created when missing. SECURITY DEFINER: a shipper that may
-- only INSERT can still ship the first event of a new month.
CREATE FUNCTION mcp_audit.ensure_month(month date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET timezone = 'UTC' AS $$
DECLARE
    first date := date_trunc('month', month)::date;
    name text := 'events_' || to_char(first, 'YYYY_MM');
BEGIN
    IF to_regclass('mcp_audit.' || name) IS NOT NULL THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('mcp_audit.ensure_month'));
    IF to_regclass('mcp_audit.' || name) IS NULL THEN
        EXECUTE format('CREATE TABLE mcp_audit.%I PARTITION OF mcp_audit.events FOR VALUES FROM (%L) TO (%L)',
                       name, first::timestamp AT TIME ZONE 'UTC', (first + 1 * interval '1 month')::timestamp AT TIME ZONE 'UTC');
    END IF;
END $$;
REVOKE EXECUTE ON FUNCTION mcp_audit.ensure_month(date) FROM PUBLIC;

-- One row per call of every log, as each log's own `calls` view has it (schema/FORMAT.md), with log_id;
-- then the seq of its call.requested or call.rejected event, its time as a timestamp and its arguments
-- as JSON (a string when a purge replaced them whole).
CREATE VIEW mcp_audit.calls AS
SELECT r.log_id                                           AS log_id,
       r.call_id                                          AS call_id,
       r.session_id                                       AS session_id,
       r.time                                             AS started_at,
       c.time                                             AS ended_at,
       (c.payload::json ->> 'duration_ms')::numeric       AS duration_ms,
       r.profile                                          AS profile,
       r.account_id                                       AS account_id,
       r.payload::json ->> 'account_source'               AS account_source,
       r.payload::json ->> 'region'                       AS region,
       r.payload::json ->> 'service'                      AS service,
       r.tool                                             AS tool,
       r.payload::json ->> 'args'                         AS args,
       r.payload::json ->> 'args_fingerprint'             AS args_fingerprint,
       CASE WHEN c.seq IS NULL THEN 'incomplete' ELSE c.payload::json ->> 'outcome' END AS outcome,
       c.payload::json ->> 'error'                        AS error,
       c.payload::json ->> 'result_sha256'                AS result_sha256,
       c.payload::json ->> 'result'                       AS result,
       r.seq                                              AS seq,
       r.event_time                                       AS event_time,
       r.payload::json -> 'args'                          AS args_json
FROM mcp_audit.events r
LEFT JOIN mcp_audit.events c ON c.log_id = r.log_id AND c.call_id = r.call_id AND c.type = 'call.completed'
WHERE r.type = 'call.requested'
UNION ALL
SELECT j.log_id, j.call_id, j.session_id, j.time, j.time, NULL, j.profile, j.account_id,
       j.payload::json ->> 'account_source', j.payload::json ->> 'region', j.payload::json ->> 'service', j.tool,
       j.payload::json ->> 'args', j.payload::json ->> 'args_fingerprint', 'denied', j.payload::json ->> 'reason',
       NULL, NULL, j.seq, j.event_time, j.payload::json -> 'args'
FROM mcp_audit.events j
WHERE j.type = 'call.rejected';
