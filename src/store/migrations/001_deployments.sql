-- Ripcord's own records: one row per deploy or rollback, one per stage or rollback step.
-- The journal on the executor's disk stays the source of truth; these rows are copied from it.
CREATE TABLE ripcord.deployments (
  id            text PRIMARY KEY,
  environment   text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('deploy', 'rollback')),
  ref           text,
  previous_sha  text,
  target_sha    text,
  state         text NOT NULL,
  reason        text,
  requested_by  text,
  host          text NOT NULL,
  started_at    timestamptz NOT NULL,
  last_event_at timestamptz NOT NULL,
  finished      boolean NOT NULL,
  pre_deploy_backup text,
  journal_bytes bigint NOT NULL
);
CREATE INDEX deployments_env_started ON ripcord.deployments (environment, started_at DESC);

CREATE TABLE ripcord.stage_runs (
  deployment_id text NOT NULL REFERENCES ripcord.deployments (id) ON DELETE CASCADE,
  seq           integer NOT NULL,
  phase         text NOT NULL CHECK (phase IN ('deploy', 'rollback')),
  name          text NOT NULL,
  started_at    timestamptz NOT NULL,
  finished_at   timestamptz,
  outcome       text CHECK (outcome IN ('ok', 'failed')),
  reason        text,
  PRIMARY KEY (deployment_id, seq)
);
