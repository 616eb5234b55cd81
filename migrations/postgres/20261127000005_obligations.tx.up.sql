-- One row per person and mandatory course, kept current by the store on every write that
-- changes it (assignments, staff, enrolments, certificates, exemptions, manual completions).
-- "Overdue" is not stored: it is due_at < now for rows neither completed nor exempt, so
-- nothing has to be recomputed at night. The rows are filled by the store right after this
-- migration (store.Migrate), because the rules live in Go (internal/schedule).
CREATE TABLE obligations (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    user_id       uuid NOT NULL REFERENCES users (id),
    course_id     uuid NOT NULL REFERENCES courses (id),
    org_unit_id   uuid REFERENCES org_units (id),
    assignment_id uuid NOT NULL REFERENCES assignments (id),
    due_at        timestamptz NOT NULL,
    state         text NOT NULL CHECK (state IN ('open', 'in_progress', 'completed', 'exempt')),
    completed_at  timestamptz,
    valid_until   timestamptz,
    updated_at    timestamptz NOT NULL,
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
    id         uuid PRIMARY KEY,
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    user_id    uuid NOT NULL REFERENCES users (id),
    course_id  uuid NOT NULL REFERENCES courses (id),
    reason     text NOT NULL,
    created_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL,
    revoked_at timestamptz,
    revoked_by uuid REFERENCES users (id)
);
--bun:split
CREATE UNIQUE INDEX exemptions_active ON exemptions (user_id, course_id) WHERE revoked_at IS NULL;
--bun:split
CREATE INDEX exemptions_tenant ON exemptions (tenant_id, created_at);
--bun:split
CREATE TABLE manual_completions (
    id           uuid PRIMARY KEY,
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    user_id      uuid NOT NULL REFERENCES users (id),
    course_id    uuid NOT NULL REFERENCES courses (id),
    completed_at timestamptz NOT NULL,
    valid_until  timestamptz,
    note         text NOT NULL,
    recorded_by  uuid REFERENCES users (id),
    recorded_at  timestamptz NOT NULL,
    revoked_at   timestamptz,
    revoked_by   uuid REFERENCES users (id)
);
--bun:split
CREATE INDEX manual_completions_user ON manual_completions (user_id, course_id);
--bun:split
CREATE INDEX manual_completions_tenant ON manual_completions (tenant_id, recorded_at);
--bun:split
-- Refreshing one person's obligation in one course reads their certificates of that course.
CREATE INDEX certificates_user_course ON certificates (user_id, course_id, issued_at);
