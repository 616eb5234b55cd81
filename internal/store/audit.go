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
	APIKeyID  string    `bun:"api_key_id,nullzero"`
	Action    string    `bun:"action"`
	Target    string    `bun:"target"`
	Details   string    `bun:"details"`
	CreatedAt time.Time `bun:"created_at"`

	ActorName  string `bun:"actor_name,scanonly"`
	APIKeyName string `bun:"api_key_name,scanonly"`
}

// jsonObject is m as the JSON object stored in a details or data column; "{}" when empty. A map of
// strings always encodes (invalid UTF-8 becomes U+FFFD), so there is no error to return.
func jsonObject(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// Audit appends an entry to the audit log. Entries are never changed or deleted by the
// application.
func (s *Store) Audit(ctx context.Context, e model.AuditEntry) error {
	row := auditRow{ID: newID(), TenantID: e.TenantID, ActorID: e.ActorID, APIKeyID: e.APIKeyID, Action: e.Action, Target: e.Target,
		Details: jsonObject(e.Details), CreatedAt: s.now()}
	_, err := s.db.NewInsert().Model(&row).Exec(ctx)
	return dbErr("write audit log", err)
}

// AuditFilter narrows ListAudit.
type AuditFilter struct {
	Limit  int    // 1 to 500; 100 when 0
	Before string // an entry's id: only older entries (the page cursor)
	Action string // only this action, such as "report.learners"
}

// ListAudit returns the scope's audit log newest first, one page of it, and whether older
// entries follow. Ids are UUIDv7, ordered by creation time, so the id alone is a stable sort
// key and the last id shown is the cursor of the next page.
func (s *Store) ListAudit(ctx context.Context, scope Scope, f AuditFilter) ([]model.AuditEntry, bool, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	var rows []auditRow
	q := s.db.NewSelect().Model(&rows).ColumnExpr("a.*").ColumnExpr("u.name AS actor_name").ColumnExpr("ak.name AS api_key_name").
		Join("LEFT JOIN users AS u ON u.id = a.actor_id").
		Join("LEFT JOIN api_keys AS ak ON ak.id = a.api_key_id").
		ApplyQueryBuilder(scope.where("a.tenant_id")).OrderExpr("a.id DESC")
	if f.Before != "" {
		if err := checkID("audit entry", f.Before); err != nil {
			return nil, false, model.Invalid("before", "is not the id of an audit entry")
		}
		q = q.Where("a.id < ?", f.Before)
	}
	if f.Action != "" {
		q = q.Where("a.action = ?", f.Action)
	}
	more, err := scanPage(ctx, q, &rows, f.Limit)
	if err != nil {
		return nil, false, dbErr("list audit log", err)
	}
	out := make([]model.AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = model.AuditEntry{ID: r.ID, TenantID: r.TenantID, ActorID: r.ActorID, ActorName: r.ActorName,
			APIKeyID: r.APIKeyID, APIKeyName: r.APIKeyName, Action: r.Action, Target: r.Target, CreatedAt: r.CreatedAt}
		if r.Details != "" && r.Details != "{}" {
			_ = json.Unmarshal([]byte(r.Details), &out[i].Details)
		}
	}
	return out, more, nil
}

// AuditActions lists the actions that occur in the scope's audit log, in alphabetical order:
// the choices of the audit page's filter.
func (s *Store) AuditActions(ctx context.Context, scope Scope) ([]string, error) {
	var actions []string
	err := s.db.NewSelect().Model((*auditRow)(nil)).ColumnExpr("DISTINCT a.action").
		ApplyQueryBuilder(scope.where("a.tenant_id")).OrderExpr("a.action").Scan(ctx, &actions)
	return actions, dbErr("list audit actions", err)
}
