CREATE TABLE tenants (
    id               TEXT PRIMARY KEY,
    slug             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    demo             BOOLEAN NOT NULL DEFAULT false,
    default_language TEXT NOT NULL DEFAULT 'de',
    min_group_size   INTEGER NOT NULL DEFAULT 5 CHECK (min_group_size >= 1),
    named_reports    BOOLEAN NOT NULL DEFAULT true,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
--bun:split
CREATE TABLE org_units (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    parent_id  TEXT REFERENCES org_units (id),
    name       TEXT NOT NULL,
    path       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, path)
);
--bun:split
CREATE INDEX org_units_parent ON org_units (parent_id);
--bun:split
CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT REFERENCES tenants (id),
    email           TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    employee_number TEXT,
    org_unit_id     TEXT REFERENCES org_units (id),
    language        TEXT,
    active          BOOLEAN NOT NULL DEFAULT true,
    password_hash   TEXT,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    deactivated_at  TIMESTAMP
);
--bun:split
CREATE UNIQUE INDEX users_employee_number ON users (tenant_id, employee_number) WHERE employee_number IS NOT NULL;
--bun:split
CREATE INDEX users_tenant ON users (tenant_id, name);
--bun:split
CREATE INDEX users_org_unit ON users (org_unit_id);
--bun:split
CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('learner', 'hr', 'admin', 'operator')),
    PRIMARY KEY (user_id, role)
);
--bun:split
CREATE TABLE refresh_tokens (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id  TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    rotated_at TIMESTAMP,
    revoked_at TIMESTAMP
);
--bun:split
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
--bun:split
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
--bun:split
CREATE TABLE password_tokens (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
--bun:split
CREATE TABLE audit_log (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT REFERENCES tenants (id),
    actor_id   TEXT REFERENCES users (id) ON DELETE SET NULL,
    action     TEXT NOT NULL,
    target     TEXT NOT NULL DEFAULT '',
    details    TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL
);
--bun:split
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, created_at DESC);
