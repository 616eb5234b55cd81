CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    scopes       TEXT NOT NULL,
    created_by   TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP,
    revoked_by   TEXT REFERENCES users (id) ON DELETE SET NULL
);
--bun:split
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at);
--bun:split
ALTER TABLE audit_log ADD COLUMN api_key_id TEXT REFERENCES api_keys (id);
