-- Listings by profile or account (`audit-cli calls --profile`, `--account`) go straight to the calls
-- they want instead of reading every call: one index per member, newest last. Only events whose
-- payload has the member are in it (call.requested, call.rejected, and the few upstream.initialized
-- and tools.listed events), so both branches of the calls view use it. Format: schema/FORMAT.md.
CREATE INDEX events_by_profile ON events(json_extract(payload, '$.profile'), time)
WHERE json_extract(payload, '$.profile') IS NOT NULL;
CREATE INDEX events_by_account ON events(json_extract(payload, '$.account_id'), time)
WHERE json_extract(payload, '$.account_id') IS NOT NULL;
