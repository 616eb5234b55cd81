-- One row per reason to write someone an e-mail. The unique key is what makes a reminder go
-- out once: the scanner may find the same due date every hour, but only the first insert of
-- its key creates a row and a send job (in the same transaction).
CREATE TABLE mail_events (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    kind       TEXT NOT NULL,
    event_key  TEXT NOT NULL UNIQUE,
    data       TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL,
    sent_at    TIMESTAMP,
    outcome    TEXT,
    error      TEXT
);
--bun:split
CREATE INDEX mail_events_user ON mail_events (user_id, created_at);
--bun:split
CREATE INDEX mail_events_created ON mail_events (created_at);
--bun:split
-- The staff council may not have agreed to reminders: a tenant can switch them off.
ALTER TABLE tenants ADD COLUMN reminder_mails BOOLEAN NOT NULL DEFAULT 1;
