-- 0005 (platform): published workflow versions, version authors, the trace context of an execution, and the
-- notification that tells API nodes an execution changed. Same meaning as the SQLite backend's 0005_platform.sql.

ALTER TABLE workflows ADD COLUMN published_version integer CHECK (published_version IS NULL OR published_version >= 1);
ALTER TABLE workflow_versions ADD COLUMN created_by text;
ALTER TABLE workflow_executions ADD COLUMN trace_parent text;

-- Tells the nodes listening on openclaw_executions (live views: server-sent events) that an execution changed; the
-- payload is only its id, readers load the rows. Sent in the writing transaction, so delivered only if it commits;
-- identical notifications in one transaction collapse to one. Returns true so that it can sit in a WHERE clause.
CREATE FUNCTION openclaw_notify_execution(execution_id uuid) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('openclaw_executions', execution_id::text);
    RETURN true;
END
$$;
