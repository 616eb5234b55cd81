-- Anonymisation after the retention period: users keep their row (progress, attempts and
-- certificates stay countable for statistics) but lose everything that names them.
ALTER TABLE users ADD COLUMN anonymised_at timestamptz;
--bun:split
-- Days after deactivation until a person is anonymised; 0 = never (the municipality deletes by hand).
ALTER TABLE tenants ADD COLUMN retention_days integer NOT NULL DEFAULT 1095;
--bun:split
CREATE INDEX users_deactivated ON users (tenant_id, deactivated_at) WHERE anonymised_at IS NULL AND deactivated_at IS NOT NULL;
