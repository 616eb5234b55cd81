package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/uptrace/bun"

	"github.com/wachsam/wachsam/internal/model"
)

// MailEvent is one reason to write one person an e-mail: an invitation, a reminder, a digest.
// EventKey is unique: the same reminder found twice is recorded once.
type MailEvent struct {
	bun.BaseModel `bun:"table:mail_events,alias:me"`

	ID        string            `bun:"id,pk"`
	TenantID  string            `bun:"tenant_id"`
	UserID    string            `bun:"user_id"`
	Kind      string            `bun:"kind"`
	EventKey  string            `bun:"event_key"`
	Data      map[string]string `bun:"-"`
	DataJSON  string            `bun:"data"`
	CreatedAt time.Time         `bun:"created_at"`
	SentAt    *time.Time        `bun:"sent_at"`
	Outcome   string            `bun:"outcome,nullzero"` // sent, skipped, failed
	Error     string            `bun:"error,nullzero"`
}

// Outcomes of a mail event.
const (
	MailSent    = "sent"
	MailSkipped = "skipped" // nothing to send any more (user deactivated, course done meanwhile)
	MailFailed  = "failed"  // the server refused for good
)

// RecordMailEvent stores e unless an event with the same key exists; created says which.
func (s *Store) RecordMailEvent(ctx context.Context, e *MailEvent) (created bool, err error) {
	e.ID, e.CreatedAt, e.DataJSON = newID(), s.now(), jsonObject(e.Data)
	res, err := s.db.NewInsert().Model(e).On("CONFLICT (event_key) DO NOTHING").Exec(ctx)
	if err != nil {
		return false, dbErr("record mail event", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// InsertMailEvents stores events whose keys are new by construction (invitations carry a
// fresh nonce), in batches of 500.
func (s *Store) InsertMailEvents(ctx context.Context, events []*MailEvent) error {
	now := s.now()
	for start := 0; start < len(events); start += 500 {
		chunk := events[start:min(start+500, len(events))]
		for _, e := range chunk {
			e.ID, e.CreatedAt, e.DataJSON = newID(), now, jsonObject(e.Data)
		}
		if _, err := s.db.NewInsert().Model(&chunk).Exec(ctx); err != nil {
			return dbErr("record mail events", err)
		}
	}
	return nil
}

// MailEventByID loads an event.
func (s *Store) MailEventByID(ctx context.Context, id string) (MailEvent, error) {
	var e MailEvent
	if err := checkID("mail event", id); err != nil {
		return e, err
	}
	if err := s.db.NewSelect().Model(&e).Where("me.id = ?", id).Scan(ctx); err != nil {
		return e, dbErr("mail event", err)
	}
	if err := json.Unmarshal([]byte(e.DataJSON), &e.Data); err != nil {
		return e, err
	}
	return e, nil
}

// FinishMailEvent records how an event ended; an event that has an outcome is never sent again.
func (s *Store) FinishMailEvent(ctx context.Context, id, outcome, errText string) error {
	q := s.db.NewUpdate().Model((*MailEvent)(nil)).Set("outcome = ?", outcome).Where("id = ?", id)
	if outcome == MailSent {
		q = q.Set("sent_at = ?", s.now())
	}
	if errText != "" {
		q = q.Set("error = ?", errText)
	}
	_, err := q.Exec(ctx)
	return dbErr("finish mail event", err)
}

// MailEventsOf lists a user's mail events, newest first (their data export, tests).
func (s *Store) MailEventsOf(ctx context.Context, userID string) ([]MailEvent, error) {
	var es []MailEvent
	err := s.db.NewSelect().Model(&es).Where("me.user_id = ?", userID).OrderExpr("me.created_at DESC, me.id DESC").Scan(ctx)
	return es, dbErr("mail events", err)
}

// DeleteMailEventsBefore removes events created before t; their keys only need to outlive
// the window in which the same reminder could be found again.
func (s *Store) DeleteMailEventsBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := s.db.NewDelete().Model((*MailEvent)(nil)).Where("created_at < ?", t).Exec(ctx)
	if err != nil {
		return 0, dbErr("delete mail events", err)
	}
	return res.RowsAffected()
}

// KnownMailEventKeys says which of keys are recorded already, so that a reminder scan writes
// only events that are new.
func (s *Store) KnownMailEventKeys(ctx context.Context, keys []string) (map[string]bool, error) {
	out := make(map[string]bool, len(keys))
	for start := 0; start < len(keys); start += 1000 {
		var found []string
		err := s.db.NewSelect().Model((*MailEvent)(nil)).Column("event_key").
			Where("event_key IN (?)", bun.In(keys[start:min(start+1000, len(keys))])).Scan(ctx, &found)
		if err != nil {
			return nil, dbErr("mail event keys", err)
		}
		for _, k := range found {
			out[k] = true
		}
	}
	return out, nil
}

// ActiveUsersWithRole lists a tenant's active users holding role (the digest's recipients).
func (s *Store) ActiveUsersWithRole(ctx context.Context, tenantID string, role model.Role) ([]model.User, error) {
	var rows []userRow
	err := s.selectUsers(&rows).Where("u.tenant_id = ? AND u.active", tenantID).
		Where("EXISTS (SELECT 1 FROM user_roles AS ur WHERE ur.user_id = u.id AND ur.role = ?)", string(role)).
		OrderExpr("u.name, u.id").Scan(ctx)
	if err != nil {
		return nil, dbErr("users with role", err)
	}
	return s.withRoles(ctx, rows)
}

// SQLDB is the connection pool, for libraries that work on database/sql (the job queue).
func (s *Store) SQLDB() *sql.DB { return s.root.DB }

// SQLTx is the transaction this Store is bound to, or nil outside InTx; the job queue inserts
// jobs in it so that a job exists exactly when the row it is about does.
func (s *Store) SQLTx() *sql.Tx {
	if tx, ok := s.db.(bun.Tx); ok {
		return tx.Tx
	}
	return nil
}
