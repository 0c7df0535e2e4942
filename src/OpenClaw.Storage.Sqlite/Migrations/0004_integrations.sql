-- 0004: credentials, webhook triggers and the notification service.
-- Secrets (credential values, HMAC secrets) are BLOBs the server encrypted with AES-256-GCM before they got here.

CREATE TABLE credentials (
    id          TEXT    NOT NULL PRIMARY KEY,
    tenant_id   TEXT    NOT NULL DEFAULT 'default',
    name        TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    description TEXT,
    fields      TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(fields)),
    secret      BLOB    NOT NULL,
    key_id      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    created_by  TEXT,
    updated_by  TEXT,
    UNIQUE (tenant_id, name)
) STRICT;

CREATE INDEX ix_credentials_key ON credentials (key_id);

CREATE TABLE triggers (
    id                TEXT    NOT NULL PRIMARY KEY,
    tenant_id         TEXT    NOT NULL DEFAULT 'default',
    workflow_id       TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    path_hash         TEXT    NOT NULL UNIQUE,
    path_hint         TEXT    NOT NULL,
    mode              TEXT    NOT NULL CHECK (mode IN ('async', 'sync')),
    methods           TEXT    NOT NULL CHECK (json_valid(methods)),
    input_mapping     TEXT    NOT NULL CHECK (input_mapping IN ('body', 'request')),
    enabled           INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    signing_secret    BLOB,
    signing_key_id    TEXT,
    require_timestamp INTEGER NOT NULL CHECK (require_timestamp IN (0, 1)),
    sync_timeout_ms   INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    created_by        TEXT
) STRICT;

CREATE INDEX ix_triggers_tenant_workflow ON triggers (tenant_id, workflow_id, created_at);

CREATE TABLE notification_rules (
    id                TEXT    NOT NULL PRIMARY KEY,
    tenant_id         TEXT    NOT NULL DEFAULT 'default',
    workflow_id       TEXT,
    name              TEXT    NOT NULL,
    events            TEXT    NOT NULL CHECK (json_valid(events)),
    channel           TEXT    NOT NULL CHECK (channel IN ('webhook', 'email', 'in_app')),
    target            TEXT    NOT NULL CHECK (json_valid(target)),
    secret            BLOB,
    secret_key_id     TEXT,
    slow_threshold_ms INTEGER,
    enabled           INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
) STRICT;

CREATE INDEX ix_notification_rules_tenant ON notification_rules (tenant_id, created_at);

CREATE TABLE notification_deliveries (
    id              TEXT    NOT NULL PRIMARY KEY,
    tenant_id       TEXT    NOT NULL DEFAULT 'default',
    rule_id         TEXT    NOT NULL,
    event           TEXT    NOT NULL,
    execution_id    TEXT,
    dedupe_key      TEXT    NOT NULL UNIQUE,
    channel         TEXT    NOT NULL,
    payload         TEXT    NOT NULL CHECK (json_valid(payload)),
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    lease_owner     TEXT,
    lease_expires_at INTEGER,
    created_at      INTEGER NOT NULL,
    delivered_at    INTEGER
) STRICT;

CREATE INDEX ix_notification_deliveries_due    ON notification_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX ix_notification_deliveries_leases ON notification_deliveries (lease_expires_at) WHERE status = 'sending';
CREATE INDEX ix_notification_deliveries_tenant ON notification_deliveries (tenant_id, created_at DESC, id DESC);

CREATE TABLE notification_inbox (
    id          TEXT    NOT NULL PRIMARY KEY,
    tenant_id   TEXT    NOT NULL DEFAULT 'default',
    rule_id     TEXT    NOT NULL,
    delivery_id TEXT    NOT NULL UNIQUE,
    event       TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    payload     TEXT    NOT NULL CHECK (json_valid(payload)),
    created_at  INTEGER NOT NULL,
    read_at     INTEGER
) STRICT;

CREATE INDEX ix_notification_inbox_tenant ON notification_inbox (tenant_id, created_at DESC, id DESC);

-- How far the notification evaluator has looked; one row per mark. tenant_id is '*': the marks span tenants.
CREATE TABLE notification_watermarks (
    tenant_id TEXT    NOT NULL DEFAULT '*',
    name      TEXT    NOT NULL PRIMARY KEY,
    value     INTEGER NOT NULL
) STRICT;

-- The evaluator's reads: executions by completion time, failed tasks by completion time.
CREATE INDEX ix_executions_completed ON workflow_executions (completed_at) WHERE completed_at IS NOT NULL;
-- Named apart from the scheduler's ix_tasks_failed (tenant first, for the failed-queue listing): this one spans tenants.
CREATE INDEX ix_tasks_failed_completed ON tasks (completed_at) WHERE status = 'failed';
