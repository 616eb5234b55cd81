CREATE TABLE enrolments (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL REFERENCES tenants (id),
    user_id          TEXT NOT NULL REFERENCES users (id),
    course_id        TEXT NOT NULL REFERENCES courses (id),
    version_id       TEXT NOT NULL REFERENCES course_versions (id),
    started_at       TIMESTAMP NOT NULL,
    last_activity_at TIMESTAMP NOT NULL,
    completed_at     TIMESTAMP
);
--bun:split
CREATE UNIQUE INDEX enrolments_open ON enrolments (user_id, course_id) WHERE completed_at IS NULL;
--bun:split
CREATE INDEX enrolments_user_course ON enrolments (user_id, course_id, started_at);
--bun:split
CREATE INDEX enrolments_tenant ON enrolments (tenant_id, course_id);
--bun:split
CREATE TABLE lesson_progress (
    enrolment_id  TEXT NOT NULL REFERENCES enrolments (id),
    lesson_slug   TEXT NOT NULL,
    opened_at     TIMESTAMP NOT NULL,
    completed_at  TIMESTAMP,
    seconds_spent INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (enrolment_id, lesson_slug)
);
--bun:split
CREATE TABLE quiz_attempts (
    id           TEXT PRIMARY KEY,
    enrolment_id TEXT NOT NULL REFERENCES enrolments (id),
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    version_id   TEXT NOT NULL REFERENCES course_versions (id),
    number       INTEGER NOT NULL,
    questions    TEXT NOT NULL,
    answers      TEXT NOT NULL DEFAULT '{}',
    started_at   TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    score        INTEGER,
    passed       BOOLEAN,
    UNIQUE (enrolment_id, number)
);
--bun:split
CREATE UNIQUE INDEX quiz_attempts_open ON quiz_attempts (enrolment_id) WHERE submitted_at IS NULL;
--bun:split
CREATE TABLE certificates (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants (id),
    user_id        TEXT NOT NULL REFERENCES users (id),
    course_id      TEXT NOT NULL REFERENCES courses (id),
    version_id     TEXT NOT NULL REFERENCES course_versions (id),
    enrolment_id   TEXT NOT NULL UNIQUE REFERENCES enrolments (id),
    code           TEXT NOT NULL UNIQUE,
    holder_name    TEXT NOT NULL,
    course_title   TEXT NOT NULL,
    municipality   TEXT NOT NULL,
    issued_at      TIMESTAMP NOT NULL,
    expires_at     TIMESTAMP,
    revoked_at     TIMESTAMP,
    revoked_reason TEXT,
    revoked_by     TEXT REFERENCES users (id)
);
--bun:split
CREATE INDEX certificates_user ON certificates (user_id, issued_at);
--bun:split
CREATE INDEX certificates_tenant ON certificates (tenant_id, issued_at);
