-- One row per person and mandatory course, kept current by the store on every write that
-- changes it (assignments, staff, enrolments, certificates, exemptions, manual completions).
-- "Overdue" is not stored: it is due_at < now for rows neither completed nor exempt, so
-- nothing has to be recomputed at night. The rows are filled by the store right after this
-- migration (store.Migrate), because the rules live in Go (internal/schedule).
CREATE TABLE obligations (
    tenant_id     TEXT NOT NULL REFERENCES tenants (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    course_id     TEXT NOT NULL REFERENCES courses (id),
    org_unit_id   TEXT REFERENCES org_units (id),
    assignment_id TEXT NOT NULL REFERENCES assignments (id),
    due_at        TIMESTAMP NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('open', 'in_progress', 'completed', 'exempt')),
    completed_at  TIMESTAMP,
    valid_until   TIMESTAMP,
    updated_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, course_id)
);
--bun:split
CREATE INDEX obligations_report ON obligations (tenant_id, course_id, org_unit_id);
--bun:split
CREATE INDEX obligations_due ON obligations (due_at);
--bun:split
CREATE INDEX obligations_valid_until ON obligations (valid_until) WHERE valid_until IS NOT NULL;
--bun:split
CREATE TABLE exemptions (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    course_id  TEXT NOT NULL REFERENCES courses (id),
    reason     TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    revoked_by TEXT REFERENCES users (id)
);
--bun:split
CREATE UNIQUE INDEX exemptions_active ON exemptions (user_id, course_id) WHERE revoked_at IS NULL;
--bun:split
CREATE INDEX exemptions_tenant ON exemptions (tenant_id, created_at);
--bun:split
CREATE TABLE manual_completions (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    course_id    TEXT NOT NULL REFERENCES courses (id),
    completed_at TIMESTAMP NOT NULL,
    valid_until  TIMESTAMP,
    note         TEXT NOT NULL,
    recorded_by  TEXT REFERENCES users (id),
    recorded_at  TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP,
    revoked_by   TEXT REFERENCES users (id)
);
--bun:split
CREATE INDEX manual_completions_user ON manual_completions (user_id, course_id);
--bun:split
CREATE INDEX manual_completions_tenant ON manual_completions (tenant_id, recorded_at);
--bun:split
-- Refreshing one person's obligation in one course reads their certificates of that course.
CREATE INDEX certificates_user_course ON certificates (user_id, course_id, issued_at);
