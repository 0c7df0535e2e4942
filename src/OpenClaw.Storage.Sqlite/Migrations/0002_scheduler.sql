-- 0002: the scheduler: named queues and their pauses, concurrency slots, dead letters, cron schedules.

-- Every task waits in its workflow's queue (the definition's "queue", default 'default').
ALTER TABLE tasks ADD COLUMN queue TEXT NOT NULL DEFAULT 'default';
-- Set on the first tasks of an execution under a concurrency limit (JSON: workflow_id, workflow_limit, tenant_limit):
-- such a task is claimed only when its execution already holds a slot or one is free.
ALTER TABLE tasks ADD COLUMN gate TEXT;
-- A dead letter (a failed plugin task that stopped its execution) an operator discarded: no longer listed.
ALTER TABLE tasks ADD COLUMN discarded_at INTEGER;
-- An execution started by "retry from start" names the execution it retries.
ALTER TABLE workflow_executions ADD COLUMN retry_of TEXT;

DROP INDEX ix_tasks_claim;
CREATE INDEX ix_tasks_claim ON tasks (priority DESC, run_at, seq) WHERE status = 'queued' AND gate IS NULL;
CREATE INDEX ix_tasks_gated ON tasks (priority DESC, run_at, seq) WHERE status = 'queued' AND gate IS NOT NULL;
CREATE INDEX ix_tasks_dead_letters ON tasks (tenant_id, completed_at DESC, id DESC) WHERE status = 'failed';

CREATE TABLE queue_pauses (
    tenant_id TEXT    NOT NULL,
    queue     TEXT    NOT NULL,
    paused_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, queue)
) STRICT;

CREATE TABLE execution_slots (
    execution_id TEXT    NOT NULL PRIMARY KEY,
    tenant_id    TEXT    NOT NULL,
    workflow_id  TEXT    NOT NULL,
    acquired_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX ix_execution_slots_workflow ON execution_slots (tenant_id, workflow_id);

CREATE TABLE schedules (
    id             TEXT    NOT NULL PRIMARY KEY,
    tenant_id      TEXT    NOT NULL,
    workflow_id    TEXT    NOT NULL,
    cron           TEXT    NOT NULL,
    time_zone      TEXT    NOT NULL,
    inputs         TEXT    NOT NULL CHECK (json_valid(inputs)),
    priority       INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 4),
    misfire_policy TEXT    NOT NULL CHECK (misfire_policy IN ('fire_once', 'skip', 'fire_all')),
    enabled        INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    next_fire_at   INTEGER,
    last_fire_at   INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX ix_schedules_tenant ON schedules (tenant_id, created_at DESC, id DESC);
CREATE INDEX ix_schedules_due ON schedules (next_fire_at) WHERE enabled = 1;
