CREATE TABLE courses (
    id                 uuid PRIMARY KEY,
    slug               text NOT NULL UNIQUE,
    archived           boolean NOT NULL DEFAULT false,
    current_version_id uuid,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);
--bun:split
CREATE TABLE course_versions (
    id           uuid PRIMARY KEY,
    course_id    uuid NOT NULL REFERENCES courses (id),
    content_hash text NOT NULL,
    git_commit   text NOT NULL DEFAULT '',
    title        text NOT NULL,
    language     text NOT NULL,
    draft        boolean NOT NULL,
    content      text NOT NULL,
    created_at   timestamptz NOT NULL,
    UNIQUE (course_id, content_hash)
);
--bun:split
ALTER TABLE courses ADD CONSTRAINT courses_current_version FOREIGN KEY (current_version_id) REFERENCES course_versions (id);
--bun:split
CREATE TABLE course_lessons (
    version_id       uuid NOT NULL REFERENCES course_versions (id),
    number           integer NOT NULL,
    slug             text NOT NULL,
    title            text NOT NULL,
    duration_seconds integer NOT NULL DEFAULT 0,
    PRIMARY KEY (version_id, slug)
);
--bun:split
CREATE TABLE quiz_questions (
    version_id   uuid NOT NULL REFERENCES course_versions (id),
    question_id  text NOT NULL,
    position     integer NOT NULL,
    type         text NOT NULL CHECK (type IN ('single', 'multiple')),
    option_count integer NOT NULL,
    PRIMARY KEY (version_id, question_id)
);
--bun:split
CREATE TABLE course_media (
    version_id uuid NOT NULL REFERENCES course_versions (id),
    media_key  text NOT NULL,
    path       text NOT NULL,
    PRIMARY KEY (version_id, media_key)
);
--bun:split
CREATE INDEX course_media_key ON course_media (media_key);
--bun:split
CREATE TABLE course_syncs (
    id          uuid PRIMARY KEY,
    source      text NOT NULL,
    git_commit  text NOT NULL DEFAULT '',
    ok          boolean NOT NULL,
    published   integer NOT NULL DEFAULT 0,
    archived    integer NOT NULL DEFAULT 0,
    diagnostics text NOT NULL DEFAULT '[]',
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL
);
