-- CDRs are untrusted input that must never be lost (issue 12 "Trust boundary", issue 14):
--
-- 1. A call that never started has no call_start and no duration: both columns take NULL. The
--    primary key (call_start, id) cannot hold a NULL, so it becomes a unique index on the same
--    columns (a partitioned table's unique index must contain the partition key). Rows without
--    call_start land in cdrs_default (range partitioning routes NULL keys to the default).
ALTER TABLE cdrs DROP CONSTRAINT cdrs_pkey;
ALTER TABLE cdrs ALTER COLUMN call_start DROP NOT NULL;
ALTER TABLE cdrs ALTER COLUMN duration DROP NOT NULL, ALTER COLUMN duration DROP DEFAULT;
CREATE UNIQUE INDEX cdrs_start_id ON cdrs (call_start, id);

-- 2. A caller controls call_id and both URIs, so they may be of any length. A btree entry larger
--    than about 2,700 bytes makes the INSERT fail, so the indexes hold the first 200 characters
--    (at most 800 bytes) and the row keeps the whole value; queries compare the head first (the
--    index) and then the whole value (api/cdr/cdr_filter.cc).
DROP INDEX cdrs_call_id;
CREATE INDEX cdrs_call_id_head ON cdrs (left(call_id, 200));
DROP INDEX cdrs_tenant_from_user;
DROP INDEX cdrs_tenant_to_user;
CREATE INDEX cdrs_tenant_from_user_head ON cdrs (tenant_uuid, left(from_user, 200) text_pattern_ops);
CREATE INDEX cdrs_tenant_to_user_head ON cdrs (tenant_uuid, left(to_user, 200) text_pattern_ops);

-- 3. Every ingested CDR carries a key of its own (a time-ordered UUID made by the writer), so a
--    CDR replayed from the local spool after PostgreSQL returns is inserted only when no row has
--    its key yet: a replay after a crash between COMMIT and the removal of the spool file, or of
--    a batch whose commit outcome was unknown, stores nothing twice. Rows written before this
--    migration have none.
ALTER TABLE cdrs ADD COLUMN ingest_key uuid;
CREATE INDEX cdrs_ingest_key ON cdrs (ingest_key) WHERE ingest_key IS NOT NULL;
