-- 0003: authentication, authorisation, tenants and the security logs; the same tables and meaning as the SQLite
-- backend's 0003_security.sql. 0001's users table was a placeholder nothing wrote to; it is recreated.
-- Secrets are never stored: passwords as PasswordHasher (PBKDF2) hashes, API keys, refresh tokens and client secrets as
-- SHA-256 hashes of high-entropy random values.

DROP TABLE users;

CREATE TABLE tenants (
    tenant_id              text        NOT NULL PRIMARY KEY,
    name                   text        NOT NULL,
    max_workflows          integer     CHECK (max_workflows >= 0),
    max_executions_per_day integer     CHECK (max_executions_per_day >= 0),
    requests_per_minute    integer     CHECK (requests_per_minute >= 1),
    created_at             timestamptz NOT NULL
);

INSERT INTO tenants (tenant_id, name, created_at) VALUES ('default', 'Default', date_trunc('milliseconds', now()));

CREATE TABLE users (
    id                   uuid        NOT NULL PRIMARY KEY,
    tenant_id            text        NOT NULL REFERENCES tenants (tenant_id),
    username             text        NOT NULL,
    email                text,
    password_hash        text        NOT NULL,
    role                 text        NOT NULL CHECK (role IN ('admin', 'editor', 'operator', 'viewer')),
    is_active            boolean     NOT NULL DEFAULT true,
    must_change_password boolean     NOT NULL DEFAULT false,
    failed_logins        integer     NOT NULL DEFAULT 0,
    locked_until         timestamptz,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL
);

-- Case-insensitive uniqueness, as SQLite's COLLATE NOCASE.
CREATE UNIQUE INDEX ux_users_tenant_username ON users (tenant_id, lower(username));
CREATE UNIQUE INDEX ux_users_tenant_email    ON users (tenant_id, lower(email)) WHERE email IS NOT NULL;

CREATE TABLE refresh_tokens (
    id         uuid        NOT NULL PRIMARY KEY,
    tenant_id  text        NOT NULL,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id  uuid        NOT NULL,
    token_hash text        NOT NULL UNIQUE,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    used_at    timestamptz,
    revoked_at timestamptz
);

CREATE INDEX ix_refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX ix_refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE api_keys (
    id           uuid        NOT NULL PRIMARY KEY,
    tenant_id    text        NOT NULL,
    name         text        NOT NULL,
    prefix       text        NOT NULL,
    key_hash     text        NOT NULL UNIQUE,
    role         text        NOT NULL CHECK (role IN ('admin', 'editor', 'operator', 'viewer')),
    scopes       text[]      NOT NULL,
    created_by   uuid,
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    created_at   timestamptz NOT NULL
);

CREATE INDEX ix_api_keys_tenant ON api_keys (tenant_id, created_at);

CREATE TABLE oauth_clients (
    id          uuid        NOT NULL PRIMARY KEY,
    tenant_id   text        NOT NULL,
    client_id   text        NOT NULL UNIQUE,
    name        text        NOT NULL,
    secret_hash text        NOT NULL,
    role        text        NOT NULL CHECK (role IN ('admin', 'editor', 'operator', 'viewer')),
    scopes      text[]      NOT NULL,
    created_by  uuid,
    revoked_at  timestamptz,
    created_at  timestamptz NOT NULL
);

CREATE INDEX ix_oauth_clients_tenant ON oauth_clients (tenant_id, created_at);

CREATE TABLE workflow_shares (
    tenant_id      text        NOT NULL,
    workflow_id    text        COLLATE "C" NOT NULL,
    principal_type text        NOT NULL CHECK (principal_type IN ('user', 'role')),
    principal_id   text        NOT NULL,
    permission     text        NOT NULL CHECK (permission IN ('read', 'run', 'edit')),
    created_by     text,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, workflow_id, principal_type, principal_id),
    FOREIGN KEY (tenant_id, workflow_id) REFERENCES workflows (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE audit_records (
    id            uuid        NOT NULL PRIMARY KEY,
    tenant_id     text        NOT NULL,
    actor_id      text        NOT NULL,
    actor_name    text        NOT NULL,
    actor_kind    text        NOT NULL,
    action        text        NOT NULL,
    resource_type text        NOT NULL,
    resource_id   text,
    before_json   json,
    after_json    json,
    ip            text,
    user_agent    text,
    request_id    text,
    created_at    timestamptz NOT NULL
);

CREATE INDEX ix_audit_records_tenant_time ON audit_records (tenant_id, created_at DESC, id DESC);
CREATE INDEX ix_audit_records_resource ON audit_records (tenant_id, resource_type, resource_id);

CREATE TABLE access_log (
    id          uuid             NOT NULL PRIMARY KEY,
    tenant_id   text,
    method      text             NOT NULL,
    path        text             NOT NULL,
    status      integer          NOT NULL,
    duration_ms double precision NOT NULL,
    caller_id   text,
    caller_name text,
    ip          text,
    request_id  text,
    created_at  timestamptz      NOT NULL
);

CREATE INDEX ix_access_log_tenant_time ON access_log (tenant_id, created_at DESC, id DESC);

CREATE TABLE security_events (
    id         uuid        NOT NULL PRIMARY KEY,
    tenant_id  text,
    kind       text        NOT NULL,
    actor      text,
    ip         text,
    detail     text        NOT NULL,
    data       json,
    created_at timestamptz NOT NULL
);

CREATE INDEX ix_security_events_tenant_time ON security_events (tenant_id, created_at DESC, id DESC);
CREATE INDEX ix_security_events_time ON security_events (created_at DESC, id DESC);

CREATE TABLE server_keys (
    tenant_id  text        NOT NULL DEFAULT '*',
    name       text        NOT NULL PRIMARY KEY,
    value      text        NOT NULL,
    created_at timestamptz NOT NULL
);
