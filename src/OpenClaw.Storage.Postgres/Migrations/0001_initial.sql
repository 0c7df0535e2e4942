-- 0001: the initial schema, the same tables and meaning as the SQLite backend's 0001_initial.sql.
-- Conventions: ids are uuid (workflow ids are the author's text), times are timestamptz stored to the millisecond,
-- JSON columns are json, not jsonb: json keeps the exact text it was given (key order, spacing, escapes, 1.50,
-- integers beyond 64 bits) and the conformance suite requires a value to read back byte for byte; nothing queries
-- inside these documents, so jsonb's indexable form would buy nothing. tenant_id defaults to 'default'.

CREATE TABLE users (
    id            uuid        NOT NULL PRIMARY KEY,
    tenant_id     text        NOT NULL DEFAULT 'default',
    username      text        NOT NULL,
    email         text        NOT NULL,
    password_hash text        NOT NULL,
    is_active     boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

-- Case-insensitive uniqueness, as SQLite's COLLATE NOCASE (citext would need an extension and a superuser).
CREATE UNIQUE INDEX ux_users_tenant_username ON users (tenant_id, lower(username));
CREATE UNIQUE INDEX ux_users_tenant_email    ON users (tenant_id, lower(email));

-- Workflow ids compare byte for byte (COLLATE "C"), as in SQLite, so keyset paging orders them the same everywhere.
CREATE TABLE workflows (
    tenant_id   text        NOT NULL DEFAULT 'default',
    id          text        COLLATE "C" NOT NULL,
    name        text        NOT NULL,
    description text,
    definition  json        NOT NULL,
    source      text        NOT NULL,
    status      text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
    version     integer     NOT NULL CHECK (version >= 1),
    -- No foreign key to users: owners may come from an external identity provider or an API key.
    owner_id    uuid,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- Listing: newest updated first, keyset paging on (updated_at, id).
CREATE INDEX ix_workflows_tenant_updated ON workflows (tenant_id, updated_at DESC, id DESC);

-- Every saved version, immutable; name and description are kept so an old version reads as it was saved.
CREATE TABLE workflow_versions (
    tenant_id   text        NOT NULL DEFAULT 'default',
    workflow_id text        COLLATE "C" NOT NULL,
    version     integer     NOT NULL CHECK (version >= 1),
    name        text        NOT NULL,
    description text,
    definition  json        NOT NULL,
    source      text        NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, workflow_id, version),
    FOREIGN KEY (tenant_id, workflow_id) REFERENCES workflows (tenant_id, id) ON DELETE CASCADE
);

CREATE FUNCTION openclaw_reject_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER workflow_versions_immutable BEFORE UPDATE ON workflow_versions
    FOR EACH ROW EXECUTE FUNCTION openclaw_reject_update();

-- No foreign key to workflows: history outlives a deleted workflow, and ad-hoc runs have no stored workflow.
CREATE TABLE workflow_executions (
    id                  uuid        NOT NULL PRIMARY KEY,
    tenant_id           text        NOT NULL DEFAULT 'default',
    workflow_id         text        NOT NULL,
    workflow_version    integer     NOT NULL,
    status              text        NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
    inputs              json,
    outputs             json,
    vars                json,
    error_message       text,
    priority            smallint    NOT NULL DEFAULT 2 CHECK (priority BETWEEN 1 AND 4),
    parent_execution_id uuid,
    parent_step_key     text,
    "trigger"           text        NOT NULL,
    created_by          uuid,
    revision            bigint      NOT NULL,
    created_at          timestamptz NOT NULL,
    started_at          timestamptz,
    completed_at        timestamptz
) WITH (fillfactor = 85);
-- fillfactor leaves room on each page so that a transition that keeps the status (most of them: a revision, vars)
-- is a HOT update, which writes no index entries.

-- Listing newest first, alone or filtered by workflow or status, with keyset paging on (created_at, id).
CREATE INDEX ix_executions_tenant_created  ON workflow_executions (tenant_id, created_at DESC, id DESC);
CREATE INDEX ix_executions_tenant_workflow ON workflow_executions (tenant_id, workflow_id, created_at DESC, id DESC);
CREATE INDEX ix_executions_tenant_status   ON workflow_executions (tenant_id, status, created_at DESC, id DESC);
-- Resuming after a restart reads only unfinished executions; a partial index stays small.
CREATE INDEX ix_executions_unfinished      ON workflow_executions (created_at) WHERE status IN ('pending', 'running');
CREATE INDEX ix_executions_parent          ON workflow_executions (parent_execution_id) WHERE parent_execution_id IS NOT NULL;

-- One row per step instance; the same row is the queue entry.
-- seq is assigned on insert and kept by upserts: the FIFO tie-break of the claim order. retry_count holds the
-- current attempt (from 1). next is the list of successor keys the step chose.
CREATE TABLE tasks (
    seq              bigint      GENERATED ALWAYS AS IDENTITY,
    id               uuid        NOT NULL PRIMARY KEY,
    tenant_id        text        NOT NULL DEFAULT 'default',
    execution_id     uuid        NOT NULL
        REFERENCES workflow_executions (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    step_key         text        NOT NULL,
    step_id          text        NOT NULL,
    scope_key        text        NOT NULL DEFAULT '',
    step_type        text        NOT NULL,
    plugin_name      text,
    status           text        NOT NULL
        CHECK (status IN ('queued', 'running', 'waiting', 'succeeded', 'failed', 'skipped', 'cancelled')),
    inputs           json,
    outputs          json,
    error_message    text,
    next             text[]      NOT NULL DEFAULT '{}',
    state            json,
    retry_count      integer     NOT NULL DEFAULT 0,
    priority         smallint    NOT NULL DEFAULT 2 CHECK (priority BETWEEN 1 AND 4),
    run_at           timestamptz NOT NULL,
    lease_owner      text,
    lease_expires_at timestamptz,
    idempotency_key  text        NOT NULL,
    created_at       timestamptz NOT NULL,
    started_at       timestamptz,
    completed_at     timestamptz,
    -- Also serves lookups by execution_id (its leading column), so no separate index on it.
    UNIQUE (execution_id, step_key)
);

-- A queue table churns: every task is inserted, updated two or three times and settles. Vacuum it after 2 % of its
-- rows changed rather than the default 20 %, so the claim index does not fill with dead entries between vacuums.
ALTER TABLE tasks SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);

-- The claim query walks this in order and stops after LIMIT rows; only queued rows are in it.
-- Unlike SQLite there is deliberately no second queued-only index on (run_at): a queue's statistics are always stale
-- (analysed while it was empty, read while it holds thousands), and with such an index PostgreSQL's planner picks
-- "range scan on run_at, then sort every due task" for the claim: O(queue) per claim. With this index alone the
-- ordered scan is always the cheapest plan. "When is the next task due" probes it once per priority instead.
CREATE INDEX ix_tasks_claim  ON tasks (priority DESC, run_at, seq) WHERE status = 'queued';
-- Lease expiry and release by owner look only at running rows.
CREATE INDEX ix_tasks_leases ON tasks (lease_expires_at, lease_owner) WHERE status = 'running';

-- The history of every attempt of a step.
CREATE TABLE task_attempts (
    task_id       uuid        NOT NULL REFERENCES tasks (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    attempt       integer     NOT NULL CHECK (attempt >= 1),
    execution_id  uuid        NOT NULL,
    tenant_id     text        NOT NULL DEFAULT 'default',
    status        text        NOT NULL,
    inputs        json,
    outputs       json,
    error_message text,
    worker_id     text,
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz NOT NULL,
    PRIMARY KEY (task_id, attempt)
);

CREATE INDEX ix_task_attempts_execution ON task_attempts (execution_id);

CREATE TABLE plugins (
    id         text        NOT NULL PRIMARY KEY,
    tenant_id  text        NOT NULL DEFAULT 'default',
    name       text        NOT NULL,
    version    text        NOT NULL,
    metadata   json        NOT NULL DEFAULT '{}',
    status     text        NOT NULL DEFAULT 'active',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (tenant_id, name, version)
);

-- A group commit checks every execution's revision inside one statement and calls this for the first that moved,
-- which aborts the whole batch (its implicit transaction) in the same round trip. The store recognises the SQLSTATE
-- and reads the execution id from the message.
CREATE FUNCTION openclaw_conflict(execution_id uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'openclaw revision conflict on execution %', execution_id USING ERRCODE = 'OC409';
END
$$;

-- Wakes the workers listening on openclaw_tasks; the payload is the earliest run_at (unix milliseconds) of what
-- was queued. Delivered only when the transaction commits; identical notifications in one transaction collapse to one.
-- Returns true so that it can sit in a WHERE clause and run only for rows that exist.
CREATE FUNCTION openclaw_notify_tasks(due_unix_ms bigint) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('openclaw_tasks', due_unix_ms::text);
    RETURN true;
END
$$;
