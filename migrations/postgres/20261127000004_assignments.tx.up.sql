CREATE TABLE assignments (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    course_id   uuid NOT NULL REFERENCES courses (id),
    org_unit_id uuid REFERENCES org_units (id),
    user_id     uuid REFERENCES users (id),
    due_in_days integer CHECK (due_in_days IS NULL OR due_in_days >= 0),
    due_date    timestamptz,
    recurrence  text,
    created_by  uuid REFERENCES users (id),
    created_at  timestamptz NOT NULL,
    ended_at    timestamptz,
    CHECK (org_unit_id IS NULL OR user_id IS NULL),
    CHECK ((due_in_days IS NULL) <> (due_date IS NULL))
);
--bun:split
CREATE INDEX assignments_tenant ON assignments (tenant_id, course_id) WHERE ended_at IS NULL;
