CREATE TABLE assignments (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    course_id   TEXT NOT NULL REFERENCES courses (id),
    org_unit_id TEXT REFERENCES org_units (id),
    user_id     TEXT REFERENCES users (id),
    due_in_days INTEGER CHECK (due_in_days IS NULL OR due_in_days >= 0),
    due_date    TIMESTAMP,
    recurrence  TEXT,
    created_by  TEXT REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    ended_at    TIMESTAMP,
    CHECK (org_unit_id IS NULL OR user_id IS NULL),
    CHECK ((due_in_days IS NULL) <> (due_date IS NULL))
);
--bun:split
CREATE INDEX assignments_tenant ON assignments (tenant_id, course_id) WHERE ended_at IS NULL;
