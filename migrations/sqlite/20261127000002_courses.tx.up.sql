CREATE TABLE courses (
    id                 TEXT PRIMARY KEY,
    slug               TEXT NOT NULL UNIQUE,
    archived           BOOLEAN NOT NULL DEFAULT false,
    current_version_id TEXT REFERENCES course_versions (id),
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
--bun:split
CREATE TABLE course_versions (
    id           TEXT PRIMARY KEY,
    course_id    TEXT NOT NULL REFERENCES courses (id),
    content_hash TEXT NOT NULL,
    git_commit   TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL,
    language     TEXT NOT NULL,
    draft        BOOLEAN NOT NULL,
    content      TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (course_id, content_hash)
);
--bun:split
CREATE TABLE course_lessons (
    version_id       TEXT NOT NULL REFERENCES course_versions (id),
    number           INTEGER NOT NULL,
    slug             TEXT NOT NULL,
    title            TEXT NOT NULL,
    duration_seconds INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (version_id, slug)
);
--bun:split
CREATE TABLE quiz_questions (
    version_id   TEXT NOT NULL REFERENCES course_versions (id),
    question_id  TEXT NOT NULL,
    position     INTEGER NOT NULL,
    type         TEXT NOT NULL CHECK (type IN ('single', 'multiple')),
    option_count INTEGER NOT NULL,
    PRIMARY KEY (version_id, question_id)
);
--bun:split
CREATE TABLE course_media (
    version_id TEXT NOT NULL REFERENCES course_versions (id),
    media_key  TEXT NOT NULL,
    path       TEXT NOT NULL,
    PRIMARY KEY (version_id, media_key)
);
--bun:split
CREATE INDEX course_media_key ON course_media (media_key);
--bun:split
CREATE TABLE course_syncs (
    id          TEXT PRIMARY KEY,
    source      TEXT NOT NULL,
    git_commit  TEXT NOT NULL DEFAULT '',
    ok          BOOLEAN NOT NULL,
    published   INTEGER NOT NULL DEFAULT 0,
    archived    INTEGER NOT NULL DEFAULT 0,
    diagnostics TEXT NOT NULL DEFAULT '[]',
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL
);
