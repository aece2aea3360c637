CREATE TABLE executions (
  id               uuid PRIMARY KEY,
  idempotency_key  text NOT NULL UNIQUE,
  request_hash     text NOT NULL,
  asset_id         text NOT NULL,
  action           text NOT NULL,
  params           jsonb NOT NULL DEFAULT '{}'::jsonb,
  state            text NOT NULL DEFAULT 'queued'
                   CHECK (state IN ('queued', 'running', 'retrying', 'succeeded', 'dead_lettered')),
  attempts         integer NOT NULL DEFAULT 0,
  last_error       text,
  lease_owner      text,
  lease_until      timestamptz,
  claimed_at       timestamptz,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  finished_at      timestamptz
);

-- The database itself forbids two running executions of one asset, whatever the workers do.
CREATE UNIQUE INDEX executions_one_running_per_asset ON executions (asset_id) WHERE state = 'running';
CREATE INDEX executions_ready ON executions (next_attempt_at) WHERE state IN ('queued', 'retrying');
CREATE INDEX executions_waiting_since ON executions (created_at) WHERE state IN ('queued', 'retrying');
CREATE INDEX executions_lease ON executions (lease_until) WHERE state = 'running';

-- One row per completed execution; the primary key makes a second effect impossible.
CREATE TABLE execution_effects (
  execution_id  uuid PRIMARY KEY REFERENCES executions (id),
  attempt       integer NOT NULL,
  claimed_at    timestamptz NOT NULL,
  -- When the worker held the execution and ran its action (the worker's clock, after the claim committed).
  ran_from      timestamptz,
  ran_to        timestamptz,
  result        jsonb,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per failed attempt: the retry history (delays, errors) of every execution.
CREATE TABLE execution_failures (
  execution_id    uuid NOT NULL REFERENCES executions (id),
  attempt         integer NOT NULL,
  claimed_at      timestamptz,
  ran_from        timestamptz,
  ran_to          timestamptz,
  failed_at       timestamptz NOT NULL DEFAULT now(),
  error           text NOT NULL,
  retry_delay_ms  integer,
  PRIMARY KEY (execution_id, attempt)
);

CREATE TABLE dead_letters (
  execution_id  uuid PRIMARY KEY REFERENCES executions (id),
  attempts      integer NOT NULL,
  last_error    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
