-- 0002: the scheduler: named queues and their pauses, concurrency slots, dead letters, cron schedules.

-- Every task waits in its workflow's queue (the definition's "queue", default 'default').
ALTER TABLE tasks ADD COLUMN queue text NOT NULL DEFAULT 'default';
-- Set on the first tasks of an execution under a concurrency limit (JSON: workflow_id, workflow_limit, tenant_limit):
-- such a task is claimed only when its execution already holds a slot or one is free.
ALTER TABLE tasks ADD COLUMN gate text;
-- A dead letter (a failed plugin task that stopped its execution) an operator discarded: no longer listed.
ALTER TABLE tasks ADD COLUMN discarded_at timestamptz;
-- An execution started by "retry from start" names the execution it retries.
ALTER TABLE workflow_executions ADD COLUMN retry_of uuid;

-- The hot claim walks only ungated rows; gated ones (rare) have their own small index and a slower claim.
DROP INDEX ix_tasks_claim;
CREATE INDEX ix_tasks_claim ON tasks (priority DESC, run_at, seq) WHERE status = 'queued' AND gate IS NULL;
CREATE INDEX ix_tasks_gated ON tasks (priority DESC, run_at, seq) WHERE status = 'queued' AND gate IS NOT NULL;
-- The failed queue: failed tasks, newest first, keyset paging on (completed_at, id).
CREATE INDEX ix_tasks_dead_letters ON tasks (tenant_id, completed_at DESC, id DESC) WHERE status = 'failed';

-- A paused queue's tasks stay queued and are not claimed.
CREATE TABLE queue_pauses (
    tenant_id text        NOT NULL,
    queue     text        NOT NULL,
    paused_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, queue)
);

-- One row per running execution under a concurrency limit: taken by the claim of its first task, dropped in the
-- commit that finishes it. Counting rows per workflow (or tenant) is the number of executions holding a slot.
CREATE TABLE execution_slots (
    execution_id uuid        NOT NULL PRIMARY KEY,
    tenant_id    text        NOT NULL,
    workflow_id  text        NOT NULL,
    acquired_at  timestamptz NOT NULL
);
CREATE INDEX ix_execution_slots_workflow ON execution_slots (tenant_id, workflow_id);

CREATE TABLE schedules (
    id             uuid        NOT NULL PRIMARY KEY,
    tenant_id      text        NOT NULL,
    workflow_id    text        NOT NULL,
    cron           text        NOT NULL,
    time_zone      text        NOT NULL,
    inputs         json        NOT NULL,
    priority       smallint    NOT NULL CHECK (priority BETWEEN 1 AND 4),
    misfire_policy text        NOT NULL CHECK (misfire_policy IN ('fire_once', 'skip', 'fire_all')),
    enabled        boolean     NOT NULL,
    -- The next fire time not yet claimed; a scheduler moves it forward in the transaction that enqueues the run.
    next_fire_at   timestamptz,
    last_fire_at   timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX ix_schedules_tenant ON schedules (tenant_id, created_at DESC, id DESC);
CREATE INDEX ix_schedules_due ON schedules (next_fire_at) WHERE enabled;

-- Claims fire time due_at of a schedule for the execution being inserted in the same transaction: moves next_fire_at
-- on, or aborts the transaction (as a revision conflict on that execution) when another scheduler claimed it first.
CREATE FUNCTION openclaw_claim_fire(schedule_id uuid, due_at timestamptz, next_at timestamptz, execution_id uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE schedules SET next_fire_at = next_at, last_fire_at = due_at
    WHERE id = schedule_id AND enabled AND next_fire_at = due_at;
    IF NOT FOUND THEN
        PERFORM openclaw_conflict(execution_id);
    END IF;
END
$$;

-- Wakes schedulers and workers when queues are paused or resumed and schedules change.
CREATE FUNCTION openclaw_notify(channel text, payload text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(channel, payload);
    RETURN true;
END
$$;
