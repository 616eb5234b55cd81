CREATE TABLE tenants (
    id               uuid PRIMARY KEY,
    slug             text NOT NULL UNIQUE,
    name             text NOT NULL,
    demo             boolean NOT NULL DEFAULT false,
    default_language text NOT NULL DEFAULT 'de',
    min_group_size   integer NOT NULL DEFAULT 5 CHECK (min_group_size >= 1),
    named_reports    boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
--bun:split
CREATE TABLE org_units (
    id         uuid PRIMARY KEY,
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    parent_id  uuid REFERENCES org_units (id),
    name       text NOT NULL,
    path       text NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (tenant_id, path)
);
--bun:split
CREATE INDEX org_units_parent ON org_units (parent_id);
--bun:split
CREATE TABLE users (
    id              uuid PRIMARY KEY,
    tenant_id       uuid REFERENCES tenants (id),
    email           text NOT NULL UNIQUE,
    name            text NOT NULL,
    employee_number text,
    org_unit_id     uuid REFERENCES org_units (id),
    language        text,
    active          boolean NOT NULL DEFAULT true,
    password_hash   text,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    deactivated_at  timestamptz
);
--bun:split
CREATE UNIQUE INDEX users_employee_number ON users (tenant_id, employee_number) WHERE employee_number IS NOT NULL;
--bun:split
CREATE INDEX users_tenant ON users (tenant_id, name);
--bun:split
CREATE INDEX users_org_unit ON users (org_unit_id);
--bun:split
CREATE TABLE user_roles (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    text NOT NULL CHECK (role IN ('learner', 'hr', 'admin', 'operator')),
    PRIMARY KEY (user_id, role)
);
--bun:split
CREATE TABLE refresh_tokens (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id  uuid NOT NULL,
    token_hash text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    rotated_at timestamptz,
    revoked_at timestamptz
);
--bun:split
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
--bun:split
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
--bun:split
CREATE TABLE password_tokens (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
--bun:split
CREATE TABLE audit_log (
    id         uuid PRIMARY KEY,
    tenant_id  uuid REFERENCES tenants (id),
    actor_id   uuid REFERENCES users (id) ON DELETE SET NULL,
    action     text NOT NULL,
    target     text NOT NULL DEFAULT '',
    details    text NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL
);
--bun:split
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, created_at DESC);
