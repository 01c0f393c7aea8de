-- CDR search (api/cdr/): the user parts of the From and To URIs as their own columns, so
-- caller_prefix / callee_prefix filters are index range scans instead of scans of whole
-- months, plus the trunk and IPBX filters. Generated columns: the writer's COPY cannot
-- forget them and hand-inserted rows get them too.
--
-- The user part is what follows the scheme and precedes '@' or the first ';' parameter:
--   sip:+33140000000@example.com → +33140000000,  tel:+3314000;phone-context=x → +3314000.
-- A URI without a scheme ("100@host") gives what precedes '@'.

ALTER TABLE cdrs
  ADD COLUMN from_user text GENERATED ALWAYS AS
    (substring(from_uri from '^(?:[A-Za-z][A-Za-z0-9+.-]*:)?([^@;]*)')) STORED,
  ADD COLUMN to_user text GENERATED ALWAYS AS
    (substring(to_uri from '^(?:[A-Za-z][A-Za-z0-9+.-]*:)?([^@;]*)')) STORED;

-- text_pattern_ops: LIKE 'prefix%' uses the index whatever the database collation is.
CREATE INDEX cdrs_tenant_from_user ON cdrs (tenant_uuid, from_user text_pattern_ops);
CREATE INDEX cdrs_tenant_to_user ON cdrs (tenant_uuid, to_user text_pattern_ops);
CREATE INDEX cdrs_tenant_trunk_start ON cdrs (tenant_uuid, carrier_trunk_id, call_start);
CREATE INDEX cdrs_tenant_ipbx_start ON cdrs (tenant_uuid, ipbx_id, call_start);
