-- The on-call engineer's controls (docs/operations.md) and what each revision changed.
--
-- 1. Suspension and pin live in the one-row reconciler_status, so every reconciler instance
--    obeys them and a restart keeps them. A pin (pinned_commit_id) holds a past commit of the
--    branch live until a resume clears both; a pin implies suspended.
ALTER TABLE reconciler_status
  ADD COLUMN suspended         boolean NOT NULL DEFAULT false,
  ADD COLUMN suspended_at      timestamptz,
  ADD COLUMN suspended_reason  text,
  ADD COLUMN pinned_commit_id  text,
  -- The branch tip the leader fetched last, and how many commits the live one is behind it
  -- (NULL when unknown: a directory source, or the live commit is not on the branch).
  ADD COLUMN branch_tip_id     text,
  ADD COLUMN branch_behind     integer,
  ADD COLUMN branch_checked_at timestamptz;

-- 2. The objects a revision changed, written at apply time with its counts:
--    [{"action": "update", "kind": "DID", "tenant": "acme", "name": "x", "fields": ["/spec/numbers"]}]
--    (at most 1,000; changes_total holds how many there were).
ALTER TABLE revisions
  ADD COLUMN changes       jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN changes_total integer NOT NULL DEFAULT 0;
