-- Read model: one row per call, derived from events only (a view, so it can never drift from them).

CREATE INDEX events_by_call ON events(call_id, type) WHERE call_id IS NOT NULL;
CREATE INDEX events_by_session ON events(session_id, seq);
CREATE INDEX events_by_type_time ON events(type, time);

CREATE VIEW calls AS
SELECT r.call_id                                        AS call_id,
       r.session_id                                     AS session_id,
       r.time                                           AS started_at,
       c.time                                           AS ended_at,
       json_extract(c.payload, '$.duration_ms')         AS duration_ms,
       json_extract(r.payload, '$.profile')             AS profile,
       json_extract(r.payload, '$.account_id')          AS account_id,
       json_extract(r.payload, '$.account_source')      AS account_source,
       json_extract(r.payload, '$.region')              AS region,
       json_extract(r.payload, '$.service')             AS service,
       json_extract(r.payload, '$.tool')                AS tool,
       json_extract(r.payload, '$.args')                AS args,
       json_extract(r.payload, '$.args_fingerprint')    AS args_fingerprint,
       CASE WHEN c.seq IS NULL THEN 'incomplete'
            ELSE json_extract(c.payload, '$.outcome') END AS outcome,
       json_extract(c.payload, '$.error')               AS error,
       json_extract(c.payload, '$.result_sha256')       AS result_sha256,
       json_extract(c.payload, '$.result')              AS result
FROM events r
LEFT JOIN events c ON c.call_id = r.call_id AND c.type = 'call.completed'
WHERE r.type = 'call.requested'
UNION ALL
SELECT j.call_id,
       j.session_id,
       j.time,
       j.time,
       NULL,
       json_extract(j.payload, '$.profile'),
       json_extract(j.payload, '$.account_id'),
       json_extract(j.payload, '$.account_source'),
       json_extract(j.payload, '$.region'),
       json_extract(j.payload, '$.service'),
       json_extract(j.payload, '$.tool'),
       json_extract(j.payload, '$.args'),
       json_extract(j.payload, '$.args_fingerprint'),
       'denied',
       json_extract(j.payload, '$.reason'),
       NULL,
       NULL
FROM events j
WHERE j.type = 'call.rejected';
