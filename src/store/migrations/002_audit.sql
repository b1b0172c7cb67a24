-- Who asked Ripcord to do what from Slack, copied from <stateDir>/audit/audit.jsonl as it is written.
-- The file stays the record of truth; a row that could not be written is still in the file.
CREATE TABLE ripcord.audit (
  id            bigserial PRIMARY KEY,
  at            timestamptz NOT NULL,
  event         text NOT NULL CHECK (event IN ('asked', 'approval_requested', 'approved', 'denied', 'started', 'finished')),
  environment   text NOT NULL,
  action        text NOT NULL,
  user_id       text NOT NULL,
  user_name     text NOT NULL,
  channel       text,
  target        text,
  operation_id  text,
  request_id    text,
  approval_id   text,
  detail        text
);
CREATE INDEX audit_env_at ON ripcord.audit (environment, at DESC);
