-- 0004: credentials, webhook triggers and the notification service, as the SQLite backend's 0004_integrations.sql.
-- Secrets (credential values, HMAC secrets) are bytea the server encrypted with AES-256-GCM before they got here.

CREATE TABLE credentials (
    id          uuid        NOT NULL PRIMARY KEY,
    tenant_id   text        NOT NULL DEFAULT 'default',
    name        text        COLLATE "C" NOT NULL,
    type        text        NOT NULL,
    description text,
    fields      json        NOT NULL DEFAULT '[]',
    secret      bytea       NOT NULL,
    key_id      text        NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    created_by  text,
    updated_by  text,
    UNIQUE (tenant_id, name)
);

CREATE INDEX ix_credentials_key ON credentials (key_id);

CREATE TABLE triggers (
    id                uuid        NOT NULL PRIMARY KEY,
    tenant_id         text        NOT NULL DEFAULT 'default',
    workflow_id       text        NOT NULL,
    name              text        NOT NULL,
    path_hash         text        NOT NULL UNIQUE,
    path_hint         text        NOT NULL,
    mode              text        NOT NULL CHECK (mode IN ('async', 'sync')),
    methods           json        NOT NULL,
    input_mapping     text        NOT NULL CHECK (input_mapping IN ('body', 'request')),
    enabled           boolean     NOT NULL,
    signing_secret    bytea,
    signing_key_id    text,
    require_timestamp boolean     NOT NULL,
    sync_timeout_ms   integer     NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    created_by        text
);

CREATE INDEX ix_triggers_tenant_workflow ON triggers (tenant_id, workflow_id, created_at);

CREATE TABLE notification_rules (
    id                uuid        NOT NULL PRIMARY KEY,
    tenant_id         text        NOT NULL DEFAULT 'default',
    workflow_id       text,
    name              text        NOT NULL,
    events            json        NOT NULL,
    channel           text        NOT NULL CHECK (channel IN ('webhook', 'email', 'in_app')),
    target            json        NOT NULL,
    secret            bytea,
    secret_key_id     text,
    slow_threshold_ms bigint,
    enabled           boolean     NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);

CREATE INDEX ix_notification_rules_tenant ON notification_rules (tenant_id, created_at);

CREATE TABLE notification_deliveries (
    id               uuid        NOT NULL PRIMARY KEY,
    tenant_id        text        NOT NULL DEFAULT 'default',
    rule_id          uuid        NOT NULL,
    event            text        NOT NULL,
    execution_id     uuid,
    dedupe_key       text        NOT NULL UNIQUE,
    channel          text        NOT NULL,
    payload          json        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    last_error       text,
    lease_owner      text,
    lease_expires_at timestamptz,
    created_at       timestamptz NOT NULL,
    delivered_at     timestamptz
);

CREATE INDEX ix_notification_deliveries_due    ON notification_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX ix_notification_deliveries_leases ON notification_deliveries (lease_expires_at) WHERE status = 'sending';
CREATE INDEX ix_notification_deliveries_tenant ON notification_deliveries (tenant_id, created_at DESC, id DESC);

CREATE TABLE notification_inbox (
    id          uuid        NOT NULL PRIMARY KEY,
    tenant_id   text        NOT NULL DEFAULT 'default',
    rule_id     uuid        NOT NULL,
    delivery_id uuid        NOT NULL UNIQUE,
    event       text        NOT NULL,
    title       text        NOT NULL,
    payload     json        NOT NULL,
    created_at  timestamptz NOT NULL,
    read_at     timestamptz
);

CREATE INDEX ix_notification_inbox_tenant ON notification_inbox (tenant_id, created_at DESC, id DESC);

-- How far the notification evaluator has looked; one row per mark. tenant_id is '*': the marks span tenants.
CREATE TABLE notification_watermarks (
    tenant_id text        NOT NULL DEFAULT '*',
    name      text        NOT NULL PRIMARY KEY,
    value     timestamptz NOT NULL
);

CREATE INDEX ix_executions_completed ON workflow_executions (completed_at) WHERE completed_at IS NOT NULL;
-- Named apart from the scheduler's ix_tasks_failed (tenant first, for the failed-queue listing): this one spans tenants.
CREATE INDEX ix_tasks_failed_completed ON tasks (completed_at) WHERE status = 'failed';
