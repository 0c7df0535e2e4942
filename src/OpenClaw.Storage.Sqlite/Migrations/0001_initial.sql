-- 0001: the initial schema.
-- Conventions: ids are TEXT (Guids in lower-case "D" form), timestamps are INTEGER unix milliseconds (UTC),
-- JSON is TEXT stored exactly as written. tenant_id defaults to 'default' until multi-tenancy lands.
-- STRICT tables make SQLite reject a value of the wrong type instead of silently storing it.

CREATE TABLE users (
    id            TEXT    NOT NULL PRIMARY KEY,
    tenant_id     TEXT    NOT NULL DEFAULT 'default',
    username      TEXT    NOT NULL COLLATE NOCASE,
    email         TEXT    NOT NULL COLLATE NOCASE,
    password_hash TEXT    NOT NULL,
    is_active     INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (tenant_id, username),
    UNIQUE (tenant_id, email)
) STRICT;

CREATE TABLE workflows (
    tenant_id   TEXT    NOT NULL DEFAULT 'default',
    id          TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    description TEXT,
    definition  TEXT    NOT NULL CHECK (json_valid(definition)),
    source      TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
    version     INTEGER NOT NULL CHECK (version >= 1),
    -- No foreign key to users: owners may come from an external identity provider or an API key.
    owner_id    TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
) STRICT;

-- Listing: newest updated first, keyset paging on (updated_at, id).
CREATE INDEX ix_workflows_tenant_updated ON workflows (tenant_id, updated_at DESC, id DESC);

-- Every saved version, immutable; name and description are kept so an old version reads as it was saved.
CREATE TABLE workflow_versions (
    tenant_id   TEXT    NOT NULL DEFAULT 'default',
    workflow_id TEXT    NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    name        TEXT    NOT NULL,
    description TEXT,
    definition  TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, workflow_id, version),
    FOREIGN KEY (tenant_id, workflow_id) REFERENCES workflows (tenant_id, id) ON DELETE CASCADE
) STRICT;

CREATE TRIGGER workflow_versions_immutable BEFORE UPDATE ON workflow_versions
BEGIN
    SELECT RAISE(ABORT, 'workflow_versions rows are immutable');
END;

-- No foreign key to workflows: history outlives a deleted workflow, and ad-hoc runs have no stored workflow.
CREATE TABLE workflow_executions (
    id                  TEXT    NOT NULL PRIMARY KEY,
    tenant_id           TEXT    NOT NULL DEFAULT 'default',
    workflow_id         TEXT    NOT NULL,
    workflow_version    INTEGER NOT NULL,
    status              TEXT    NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
    inputs              TEXT,
    outputs             TEXT,
    vars                TEXT,
    error_message       TEXT,
    priority            INTEGER NOT NULL DEFAULT 2 CHECK (priority BETWEEN 1 AND 4),
    parent_execution_id TEXT,
    parent_step_key     TEXT,
    "trigger"           TEXT    NOT NULL,
    created_by          TEXT,
    revision            INTEGER NOT NULL,
    created_at          INTEGER NOT NULL,
    started_at          INTEGER,
    completed_at        INTEGER
) STRICT;

-- Listing newest first, alone or filtered by workflow or status, with keyset paging on (created_at, id).
CREATE INDEX ix_executions_tenant_created  ON workflow_executions (tenant_id, created_at DESC, id DESC);
CREATE INDEX ix_executions_tenant_workflow ON workflow_executions (tenant_id, workflow_id, created_at DESC, id DESC);
CREATE INDEX ix_executions_tenant_status   ON workflow_executions (tenant_id, status, created_at DESC, id DESC);
-- Resuming after a restart reads only unfinished executions; a partial index stays small.
CREATE INDEX ix_executions_unfinished      ON workflow_executions (created_at) WHERE status IN ('pending', 'running');
CREATE INDEX ix_executions_parent          ON workflow_executions (parent_execution_id) WHERE parent_execution_id IS NOT NULL;

-- One row per step instance; the same row is the queue entry.
-- seq is the rowid: assigned on insert, kept by upserts, so it is a monotonic FIFO tie-break and the table's
-- physical order. retry_count holds the current attempt (from 1).
CREATE TABLE tasks (
    seq              INTEGER PRIMARY KEY,
    id               TEXT    NOT NULL UNIQUE,
    tenant_id        TEXT    NOT NULL DEFAULT 'default',
    execution_id     TEXT    NOT NULL
        REFERENCES workflow_executions (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    step_key         TEXT    NOT NULL,
    step_id          TEXT    NOT NULL,
    scope_key        TEXT    NOT NULL DEFAULT '',
    step_type        TEXT    NOT NULL,
    plugin_name      TEXT,
    status           TEXT    NOT NULL
        CHECK (status IN ('queued', 'running', 'waiting', 'succeeded', 'failed', 'skipped', 'cancelled')),
    inputs           TEXT,
    outputs          TEXT,
    error_message    TEXT,
    next             TEXT    NOT NULL DEFAULT '[]',
    state            TEXT,
    retry_count      INTEGER NOT NULL DEFAULT 0,
    priority         INTEGER NOT NULL DEFAULT 2 CHECK (priority BETWEEN 1 AND 4),
    run_at           INTEGER NOT NULL,
    lease_owner      TEXT,
    lease_expires_at INTEGER,
    idempotency_key  TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    started_at       INTEGER,
    completed_at     INTEGER,
    -- Also serves lookups by execution_id (its leading column), so no separate index on it.
    UNIQUE (execution_id, step_key)
) STRICT;

-- The claim query walks this in order and stops after LIMIT rows; only queued rows are in it.
CREATE INDEX ix_tasks_claim   ON tasks (priority DESC, run_at, seq) WHERE status = 'queued';
-- The scheduler's "when is the next task due" (MIN(run_at)) without scanning the claim index.
CREATE INDEX ix_tasks_due     ON tasks (run_at) WHERE status = 'queued';
-- Lease expiry and release by owner look only at running rows.
CREATE INDEX ix_tasks_leases  ON tasks (lease_expires_at, lease_owner) WHERE status = 'running';

-- The history of every attempt of a step.
CREATE TABLE task_attempts (
    task_id       TEXT    NOT NULL REFERENCES tasks (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    attempt       INTEGER NOT NULL CHECK (attempt >= 1),
    execution_id  TEXT    NOT NULL,
    tenant_id     TEXT    NOT NULL DEFAULT 'default',
    status        TEXT    NOT NULL,
    inputs        TEXT,
    outputs       TEXT,
    error_message TEXT,
    worker_id     TEXT,
    started_at    INTEGER NOT NULL,
    finished_at   INTEGER NOT NULL,
    PRIMARY KEY (task_id, attempt)
) STRICT;

CREATE INDEX ix_task_attempts_execution ON task_attempts (execution_id);

CREATE TABLE plugins (
    id         TEXT    NOT NULL PRIMARY KEY,
    tenant_id  TEXT    NOT NULL DEFAULT 'default',
    name       TEXT    NOT NULL,
    version    TEXT    NOT NULL,
    metadata   TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
    status     TEXT    NOT NULL DEFAULT 'active',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, name, version)
) STRICT;
