-- 0005 (platform): published workflow versions, version authors, and the trace context of an execution.
-- published_version is the version triggers, schedules and API starts run when they name none; NULL until the
-- first publish (then the latest version runs). created_by is who saved a version (a user, key or client id).
-- trace_parent is the W3C traceparent of the request that started an execution, so steps run later (or on
-- another node) continue its trace.

ALTER TABLE workflows ADD COLUMN published_version INTEGER CHECK (published_version IS NULL OR published_version >= 1);
ALTER TABLE workflow_versions ADD COLUMN created_by TEXT;
ALTER TABLE workflow_executions ADD COLUMN trace_parent TEXT;
