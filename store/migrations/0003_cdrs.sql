-- Call detail records, posted by Kamailio at dialog end. Partitioned by month of call_start so
-- old months can be detached or dropped cheaply and time-range searches touch few partitions.
-- Tenants, trunks and IPBXs are copied by value: a CDR outlives the configuration it was made
-- under, so there are no foreign keys to the configuration tables.

CREATE TABLE cdrs (
  id                bigint GENERATED ALWAYS AS IDENTITY,
  tenant_uuid       uuid NOT NULL,
  carrier_trunk_id  bigint,
  ipbx_id           bigint,
  source_ip         inet,
  source_port       integer,
  call_id           text NOT NULL,
  from_uri          text,
  to_uri            text,
  call_start        timestamptz NOT NULL,
  duration          integer NOT NULL DEFAULT 0 CHECK (duration >= 0),
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (call_start, id)
) PARTITION BY RANGE (call_start);

CREATE INDEX cdrs_tenant_start ON cdrs (tenant_uuid, call_start, id);
CREATE INDEX cdrs_call_id ON cdrs (call_id);

-- Rows whose month has no partition yet land here; c4_cdr_partition() creates months ahead.
CREATE TABLE cdrs_default PARTITION OF cdrs DEFAULT;

-- Creates the partition of the month containing `day` (idempotent). Returns its name.
CREATE FUNCTION c4_cdr_partition(day date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  first_day date := date_trunc('month', day)::date;
  part text := 'cdrs_' || to_char(first_day, 'YYYY_MM');
BEGIN
  IF to_regclass(part) IS NULL THEN
    EXECUTE format('CREATE TABLE %I PARTITION OF cdrs FOR VALUES FROM (%L) TO (%L)',
                   part, first_day, (first_day + interval '1 month')::date);
  END IF;
  RETURN part;
END $$;

SELECT c4_cdr_partition((now() - interval '1 month')::date);
SELECT c4_cdr_partition(now()::date);
SELECT c4_cdr_partition((now() + interval '1 month')::date);
