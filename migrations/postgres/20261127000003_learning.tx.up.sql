CREATE TABLE enrolments (
    id               uuid PRIMARY KEY,
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    user_id          uuid NOT NULL REFERENCES users (id),
    course_id        uuid NOT NULL REFERENCES courses (id),
    version_id       uuid NOT NULL REFERENCES course_versions (id),
    started_at       timestamptz NOT NULL,
    last_activity_at timestamptz NOT NULL,
    completed_at     timestamptz
);
--bun:split
CREATE UNIQUE INDEX enrolments_open ON enrolments (user_id, course_id) WHERE completed_at IS NULL;
--bun:split
CREATE INDEX enrolments_user_course ON enrolments (user_id, course_id, started_at);
--bun:split
CREATE INDEX enrolments_tenant ON enrolments (tenant_id, course_id);
--bun:split
CREATE TABLE lesson_progress (
    enrolment_id  uuid NOT NULL REFERENCES enrolments (id),
    lesson_slug   text NOT NULL,
    opened_at     timestamptz NOT NULL,
    completed_at  timestamptz,
    seconds_spent integer NOT NULL DEFAULT 0,
    PRIMARY KEY (enrolment_id, lesson_slug)
);
--bun:split
CREATE TABLE quiz_attempts (
    id           uuid PRIMARY KEY,
    enrolment_id uuid NOT NULL REFERENCES enrolments (id),
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    user_id      uuid NOT NULL REFERENCES users (id),
    version_id   uuid NOT NULL REFERENCES course_versions (id),
    number       integer NOT NULL,
    questions    text NOT NULL,
    answers      text NOT NULL DEFAULT '{}',
    started_at   timestamptz NOT NULL,
    submitted_at timestamptz,
    score        integer,
    passed       boolean,
    UNIQUE (enrolment_id, number)
);
--bun:split
CREATE UNIQUE INDEX quiz_attempts_open ON quiz_attempts (enrolment_id) WHERE submitted_at IS NULL;
--bun:split
CREATE TABLE certificates (
    id             uuid PRIMARY KEY,
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    user_id        uuid NOT NULL REFERENCES users (id),
    course_id      uuid NOT NULL REFERENCES courses (id),
    version_id     uuid NOT NULL REFERENCES course_versions (id),
    enrolment_id   uuid NOT NULL UNIQUE REFERENCES enrolments (id),
    code           text NOT NULL UNIQUE,
    holder_name    text NOT NULL,
    course_title   text NOT NULL,
    municipality   text NOT NULL,
    issued_at      timestamptz NOT NULL,
    expires_at     timestamptz,
    revoked_at     timestamptz,
    revoked_reason text,
    revoked_by     uuid REFERENCES users (id)
);
--bun:split
CREATE INDEX certificates_user ON certificates (user_id, issued_at);
--bun:split
CREATE INDEX certificates_tenant ON certificates (tenant_id, issued_at);
