-- The history of reconcile attempts, and the one-row status the API serves.

CREATE TABLE revisions (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  commit_id    text NOT NULL,         -- Git commit, or "dir:<sha256 of the tree>" for a directory
  parent_id    text,
  author       text,
  message      text,
  source       text NOT NULL,         -- URL, branch and sub-path the revision came from
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz NOT NULL,
  duration_ms  bigint NOT NULL,
  result       text NOT NULL CHECK (result IN ('applied', 'unchanged', 'failed')),
  failed_step  text,                  -- fetch, load, validate, plan, apply, project
  counts       jsonb NOT NULL DEFAULT '{}',  -- {"DID": {"created": 1, "updated": 0, "deleted": 2}, ...}
  errors       jsonb NOT NULL DEFAULT '[]'   -- every problem, as `c4confd validate --output json`
);
CREATE INDEX revisions_commit ON revisions (commit_id);

-- Exactly one row. Written in the same transaction as the apply it describes.
CREATE TABLE reconciler_status (
  singleton             boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  live_revision_id      bigint REFERENCES revisions(id),
  live_commit_id        text,
  last_attempt_id       bigint REFERENCES revisions(id),
  drift_count           bigint NOT NULL DEFAULT 0,   -- objects found edited by hand, in total
  last_drift_at         timestamptz,
  last_drift            jsonb NOT NULL DEFAULT '[]', -- the objects corrected at last_drift_at
  updated_at            timestamptz NOT NULL DEFAULT now()
);
INSERT INTO reconciler_status DEFAULT VALUES;
