-- Writes the execution rows of a group commit: inserts (no expected revision) and revision-checked updates, raising
-- openclaw_conflict for the first row, in batch order, that is already stored (insert) or not at its expected revision
-- (update); the caller's transaction then rolls back whole.
--
-- A function rather than one statement joining the input to the table, because of how PostgreSQL caches the plans of
-- prepared statements: such a join planned before the table had statistics (a fresh install, until autovacuum's first
-- ANALYZE) stays a hash join over a sequential scan of the whole table however large it grows, and planned with
-- statistics it was re-planned on every call (about 170 µs, more than the writes). Here the plans are fixed: generic
-- (planned once per connection) and joining by primary-key lookups, the right plan at any table size.
CREATE FUNCTION openclaw_write_executions(
    p_id uuid[], p_tenant_id text[], p_workflow_id text[], p_workflow_version int[], p_status text[], p_inputs text[],
    p_outputs text[], p_error_message text[], p_vars text[], p_priority smallint[], p_parent_execution_id uuid[],
    p_parent_step_key text[], p_trigger text[], p_created_by uuid[], p_revision bigint[], p_created_at timestamptz[],
    p_started_at timestamptz[], p_completed_at timestamptz[], p_expected bigint[], p_trace_parent text[], p_retry_of uuid[])
RETURNS void LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off
AS $$
DECLARE
    inserts int := 0;
    inserted uuid[] := '{}';
    updated uuid[] := '{}';
BEGIN
    SELECT count(*) FILTER (WHERE expected IS NULL) INTO inserts FROM unnest(p_expected) AS x (expected);

    IF inserts > 0 THEN
        WITH rows AS (
            INSERT INTO workflow_executions (id, tenant_id, workflow_id, workflow_version, status, inputs, outputs, error_message, vars,
                                             priority, parent_execution_id, parent_step_key, "trigger", created_by, revision, created_at,
                                             started_at, completed_at, trace_parent, retry_of)
            SELECT u.id, u.tenant_id, u.workflow_id, u.workflow_version, u.status, u.inputs::json, u.outputs::json, u.error_message,
                   u.vars::json, u.priority, u.parent_execution_id, u.parent_step_key, u."trigger", u.created_by, u.revision, u.created_at,
                   u.started_at, u.completed_at, u.trace_parent, u.retry_of
            FROM unnest(p_id, p_tenant_id, p_workflow_id, p_workflow_version, p_status, p_inputs, p_outputs, p_error_message, p_vars,
                        p_priority, p_parent_execution_id, p_parent_step_key, p_trigger, p_created_by, p_revision, p_created_at,
                        p_started_at, p_completed_at, p_expected, p_trace_parent, p_retry_of)
                AS u (id, tenant_id, workflow_id, workflow_version, status, inputs, outputs, error_message, vars, priority,
                      parent_execution_id, parent_step_key, "trigger", created_by, revision, created_at, started_at, completed_at,
                      expected, trace_parent, retry_of)
            WHERE u.expected IS NULL
            ON CONFLICT (id) DO NOTHING
            RETURNING id)
        SELECT coalesce(array_agg(id), '{}') INTO inserted FROM rows;
    END IF;

    IF inserts < coalesce(array_length(p_id, 1), 0) THEN
        WITH rows AS (
            UPDATE workflow_executions e
            SET status = u.status, inputs = u.inputs::json, outputs = u.outputs::json, error_message = u.error_message,
                vars = u.vars::json, priority = u.priority, revision = u.revision, started_at = u.started_at, completed_at = u.completed_at
            FROM unnest(p_id, p_status, p_inputs, p_outputs, p_error_message, p_vars, p_priority, p_revision, p_started_at,
                        p_completed_at, p_expected)
                AS u (id, status, inputs, outputs, error_message, vars, priority, revision, started_at, completed_at, expected)
            WHERE u.expected IS NOT NULL AND e.id = u.id AND e.revision = u.expected
            RETURNING e.id)
        SELECT coalesce(array_agg(id), '{}') INTO updated FROM rows;
    END IF;

    IF coalesce(array_length(inserted, 1), 0) + coalesce(array_length(updated, 1), 0) < coalesce(array_length(p_id, 1), 0) THEN
        PERFORM openclaw_conflict(u.id)
        FROM unnest(p_id) WITH ORDINALITY AS u (id, ord)
        WHERE NOT (u.id = ANY (inserted)) AND NOT (u.id = ANY (updated))
        ORDER BY u.ord
        LIMIT 1;
    END IF;
END
$$;

-- Tells the nodes listening on openclaw_executions that these executions changed: one notification per 200 ids
-- (comma-separated, well under the 8000-byte payload limit) instead of one per execution, which cost the writing
-- transaction a few microseconds per execution and every listening node a wake-up per execution.
CREATE FUNCTION openclaw_notify_executions(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('openclaw_executions', string_agg(u.id::text, ',' ORDER BY u.ord))
    FROM unnest(ids) WITH ORDINALITY AS u (id, ord)
    GROUP BY (u.ord - 1) / 200;
END
$$;
-- openclaw_notify_execution (0005) stays for nodes of the previous version still running during a rolling upgrade.
