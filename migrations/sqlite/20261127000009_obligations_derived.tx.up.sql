-- Obligations are derived rows without foreign keys; see the PostgreSQL migration of the same
-- name for why. SQLite cannot drop a constraint, so the table is rebuilt (it holds nothing that
-- cannot be recomputed, but its rows are carried over anyway).
CREATE TABLE obligations_derived (
    tenant_id     TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    course_id     TEXT NOT NULL,
    org_unit_id   TEXT,
    assignment_id TEXT NOT NULL,
    due_at        TIMESTAMP NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('open', 'in_progress', 'completed', 'exempt')),
    completed_at  TIMESTAMP,
    valid_until   TIMESTAMP,
    updated_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, course_id)
);
--bun:split
INSERT INTO obligations_derived SELECT tenant_id, user_id, course_id, org_unit_id, assignment_id, due_at, state, completed_at, valid_until, updated_at FROM obligations;
--bun:split
DROP TABLE obligations;
--bun:split
ALTER TABLE obligations_derived RENAME TO obligations;
--bun:split
CREATE INDEX obligations_report ON obligations (tenant_id, course_id, org_unit_id);
--bun:split
CREATE INDEX obligations_due ON obligations (due_at);
--bun:split
CREATE INDEX obligations_valid_until ON obligations (valid_until) WHERE valid_until IS NOT NULL;
