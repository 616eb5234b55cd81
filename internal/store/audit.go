package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/uptrace/bun"

	"github.com/wachsam/wachsam/internal/model"
)

type auditRow struct {
	bun.BaseModel `bun:"table:audit_log,alias:a"`

	ID        string    `bun:"id,pk"`
	TenantID  string    `bun:"tenant_id,nullzero"`
	ActorID   string    `bun:"actor_id,nullzero"`
	Action    string    `bun:"action"`
	Target    string    `bun:"target"`
	Details   string    `bun:"details"`
	CreatedAt time.Time `bun:"created_at"`

	ActorName string `bun:"actor_name,scanonly"`
}

// Audit appends an entry to the audit log. Entries are never changed or deleted by the
// application.
func (s *Store) Audit(ctx context.Context, e model.AuditEntry) error {
	details := "{}"
	if len(e.Details) > 0 {
		b, err := json.Marshal(e.Details)
		if err != nil {
			return err
		}
		details = string(b)
	}
	row := auditRow{ID: newID(), TenantID: e.TenantID, ActorID: e.ActorID, Action: e.Action, Target: e.Target, Details: details, CreatedAt: s.now()}
	_, err := s.db.NewInsert().Model(&row).Exec(ctx)
	return dbErr("write audit log", err)
}

// ListAudit returns the scope's audit log, newest first, at most limit entries before the
// cursor (an entry id; "" = from the newest).
func (s *Store) ListAudit(ctx context.Context, scope Scope, limit int, before string) ([]model.AuditEntry, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var rows []auditRow
	q := s.db.NewSelect().Model(&rows).ColumnExpr("a.*").ColumnExpr("u.name AS actor_name").
		Join("LEFT JOIN users AS u ON u.id = a.actor_id").
		ApplyQueryBuilder(scope.where("a.tenant_id")).OrderExpr("a.id DESC").Limit(int64(limit))
	if before != "" {
		if err := checkID("audit entry", before); err != nil {
			return nil, model.Invalid("before", "is not the id of an audit entry")
		}
		// ids are UUIDv7, ordered by creation time, so they double as a cursor.
		q = q.Where("a.id < ?", before)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, dbErr("list audit log", err)
	}
	out := make([]model.AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = model.AuditEntry{ID: r.ID, TenantID: r.TenantID, ActorID: r.ActorID, ActorName: r.ActorName, Action: r.Action, Target: r.Target, CreatedAt: r.CreatedAt}
		if r.Details != "" && r.Details != "{}" {
			_ = json.Unmarshal([]byte(r.Details), &out[i].Details)
		}
	}
	return out, nil
}
