-- 0003: authentication, authorisation, tenants and the security logs.
-- 0001's users table was a placeholder nothing wrote to; it is recreated with the columns login needs.
-- Secrets are never stored: passwords as PasswordHasher (PBKDF2) hashes, API keys, refresh tokens and client secrets as
-- SHA-256 hashes of high-entropy random values (a slow hash buys nothing for 256-bit secrets).

DROP TABLE users;

CREATE TABLE tenants (
    tenant_id              TEXT    NOT NULL PRIMARY KEY,
    name                   TEXT    NOT NULL,
    -- Quotas and the request rate; NULL means the server's configured default.
    max_workflows          INTEGER CHECK (max_workflows >= 0),
    max_executions_per_day INTEGER CHECK (max_executions_per_day >= 0),
    requests_per_minute    INTEGER CHECK (requests_per_minute >= 1),
    created_at             INTEGER NOT NULL
) STRICT;

INSERT INTO tenants (tenant_id, name, created_at) VALUES ('default', 'Default', CAST(unixepoch('subsec') * 1000 AS INTEGER));

CREATE TABLE users (
    id                   TEXT    NOT NULL PRIMARY KEY,
    tenant_id            TEXT    NOT NULL REFERENCES tenants (tenant_id),
    username             TEXT    NOT NULL COLLATE NOCASE,
    email                TEXT    COLLATE NOCASE,
    password_hash        TEXT    NOT NULL,
    role                 TEXT    NOT NULL CHECK (role IN ('admin', 'editor', 'operator', 'viewer')),
    is_active            INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         INTEGER,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    UNIQUE (tenant_id, username)
) STRICT;

CREATE UNIQUE INDEX ux_users_tenant_email ON users (tenant_id, email) WHERE email IS NOT NULL;

-- One row per issued refresh token; a rotation marks the old one used and issues a new one in the same family.
-- Presenting a used token again is theft: the whole family is revoked.
CREATE TABLE refresh_tokens (
    id         TEXT    NOT NULL PRIMARY KEY,
    tenant_id  TEXT    NOT NULL,
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id  TEXT    NOT NULL,
    token_hash TEXT    NOT NULL UNIQUE,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    used_at    INTEGER,
    revoked_at INTEGER
) STRICT;

CREATE INDEX ix_refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX ix_refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE api_keys (
    id           TEXT    NOT NULL PRIMARY KEY,
    tenant_id    TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    -- The first characters of the key, shown in lists so a user can tell keys apart.
    prefix       TEXT    NOT NULL,
    key_hash     TEXT    NOT NULL UNIQUE,
    role         TEXT    NOT NULL CHECK (role IN ('admin', 'editor', 'operator', 'viewer')),
    scopes       TEXT    NOT NULL CHECK (json_valid(scopes)),
    created_by   TEXT,
    expires_at   INTEGER,
    last_used_at INTEGER,
    revoked_at   INTEGER,
    created_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX ix_api_keys_tenant ON api_keys (tenant_id, created_at);

CREATE TABLE oauth_clients (
    id          TEXT    NOT NULL PRIMARY KEY,
    tenant_id   TEXT    NOT NULL,
    client_id   TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    secret_hash TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role IN ('admin', 'editor', 'operator', 'viewer')),
    scopes      TEXT    NOT NULL CHECK (json_valid(scopes)),
    created_by  TEXT,
    revoked_at  INTEGER,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX ix_oauth_clients_tenant ON oauth_clients (tenant_id, created_at);

-- Rights on one workflow added to a user (or everyone with a role) beyond what their role grants tenant-wide.
CREATE TABLE workflow_shares (
    tenant_id      TEXT    NOT NULL,
    workflow_id    TEXT    NOT NULL,
    principal_type TEXT    NOT NULL CHECK (principal_type IN ('user', 'role')),
    principal_id   TEXT    NOT NULL,
    permission     TEXT    NOT NULL CHECK (permission IN ('read', 'run', 'edit')),
    created_by     TEXT,
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, workflow_id, principal_type, principal_id),
    FOREIGN KEY (tenant_id, workflow_id) REFERENCES workflows (tenant_id, id) ON DELETE CASCADE
) STRICT;

CREATE TABLE audit_records (
    id            TEXT    NOT NULL PRIMARY KEY,
    tenant_id     TEXT    NOT NULL,
    actor_id      TEXT    NOT NULL,
    actor_name    TEXT    NOT NULL,
    actor_kind    TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    resource_type TEXT    NOT NULL,
    resource_id   TEXT,
    before_json   TEXT    CHECK (before_json IS NULL OR json_valid(before_json)),
    after_json    TEXT    CHECK (after_json IS NULL OR json_valid(after_json)),
    ip            TEXT,
    user_agent    TEXT,
    request_id    TEXT,
    created_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX ix_audit_records_tenant_time ON audit_records (tenant_id, created_at DESC, id DESC);
CREATE INDEX ix_audit_records_resource ON audit_records (tenant_id, resource_type, resource_id);

-- Written in batches by a background writer, not per request on the hot path. tenant_id is NULL for anonymous requests.
CREATE TABLE access_log (
    id          TEXT    NOT NULL PRIMARY KEY,
    tenant_id   TEXT,
    method      TEXT    NOT NULL,
    path        TEXT    NOT NULL,
    status      INTEGER NOT NULL,
    duration_ms REAL    NOT NULL,
    caller_id   TEXT,
    caller_name TEXT,
    ip          TEXT,
    request_id  TEXT,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX ix_access_log_tenant_time ON access_log (tenant_id, created_at DESC, id DESC);

-- Failed logins, lockouts, permission denials, refresh-token reuse, sandbox violations. tenant_id is NULL when unknown.
CREATE TABLE security_events (
    id         TEXT    NOT NULL PRIMARY KEY,
    tenant_id  TEXT,
    kind       TEXT    NOT NULL,
    actor      TEXT,
    ip         TEXT,
    detail     TEXT    NOT NULL,
    data       TEXT    CHECK (data IS NULL OR json_valid(data)),
    created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX ix_security_events_tenant_time ON security_events (tenant_id, created_at DESC, id DESC);
CREATE INDEX ix_security_events_time ON security_events (created_at DESC, id DESC);

-- Server-wide secrets every node must share (the JWT signing key), created once by whichever node starts first.
CREATE TABLE server_keys (
    tenant_id  TEXT    NOT NULL DEFAULT '*',
    name       TEXT    NOT NULL PRIMARY KEY,
    value      TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
