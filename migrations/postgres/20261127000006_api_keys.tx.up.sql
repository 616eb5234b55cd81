CREATE TABLE api_keys (
    id           uuid PRIMARY KEY,
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    name         text NOT NULL,
    prefix       text NOT NULL,
    secret_hash  text NOT NULL UNIQUE,
    scopes       text NOT NULL,
    created_by   uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    revoked_by   uuid REFERENCES users (id) ON DELETE SET NULL
);
--bun:split
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at);
--bun:split
ALTER TABLE audit_log ADD COLUMN api_key_id uuid REFERENCES api_keys (id);
