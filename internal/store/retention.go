package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/wachsam/wachsam/internal/model"
)

// AnonymisedName replaces the name of an anonymised person everywhere it was stored.
const AnonymisedName = "—"

// AnonymiseUser removes everything that names a deactivated user, in one transaction: name,
// e-mail address (replaced by a unique placeholder), employee number, language and password;
// sessions and set-password links; the e-mail events; the name on their certificates; the
// reasons of exemptions and the notes of manual completions (they may hold health or family
// matters); and their e-mail address as the target of audit entries. What remains — progress,
// attempts, certificates' dates, the audit entries' actions — no longer points at a person,
// and keeps statistics and audit trails whole.
func (s *Store) AnonymiseUser(ctx context.Context, scope Scope, id string) (model.User, error) {
	var out model.User
	err := s.InTx(ctx, func(tx *Store) error {
		u, err := tx.UserByID(ctx, scope, id)
		if err != nil {
			return err
		}
		if u.Active {
			return model.Conflict("deactivate the user before anonymising them")
		}
		if u.AnonymisedAt != nil {
			out = u
			return nil
		}
		now := tx.now()
		if _, err := tx.db.NewUpdate().Model((*userRow)(nil)).
			Set("name = ?", AnonymisedName).Set("email = ?", "anonymised-"+u.ID+"@anonymised.invalid").
			Set("employee_number = NULL").Set("language = NULL").Set("password_hash = NULL").
			Set("anonymised_at = ?", now).Set("updated_at = ?", now).
			Where("id = ?", u.ID).Exec(ctx); err != nil {
			return dbErr("anonymise user", err)
		}
		for _, q := range []struct{ sql, what string }{
			{"DELETE FROM refresh_tokens WHERE user_id = ?", "sessions"},
			{"DELETE FROM password_tokens WHERE user_id = ?", "set-password links"},
			{"DELETE FROM mail_events WHERE user_id = ?", "mail events"},
			{"UPDATE certificates SET holder_name = '" + AnonymisedName + "' WHERE user_id = ?", "certificates"},
			{"UPDATE exemptions SET reason = '' WHERE user_id = ?", "exemptions"},
			{"UPDATE manual_completions SET note = '' WHERE user_id = ?", "manual completions"},
		} {
			if _, err := tx.db.ExecContext(ctx, q.sql, u.ID); err != nil {
				return dbErr("anonymise "+q.what, err)
			}
		}
		if err := tx.anonymiseAudit(ctx, u); err != nil {
			return err
		}
		out, err = tx.UserByID(ctx, scope, id)
		return err
	})
	return out, err
}

// DueForAnonymisation lists up to limit users of a tenant deactivated before cutoff and not
// yet anonymised, longest deactivated first.
func (s *Store) DueForAnonymisation(ctx context.Context, tenantID string, cutoff time.Time, limit int) ([]model.User, error) {
	var rows []userRow
	err := s.selectUsers(&rows).
		Where("u.tenant_id = ? AND u.active = ? AND u.anonymised_at IS NULL AND u.deactivated_at < ?", tenantID, false, cutoff).
		OrderExpr("u.deactivated_at, u.id").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, dbErr("users due for anonymisation", err)
	}
	return s.withRoles(ctx, rows)
}

// anonymiseAudit rewrites the audit entries about u: those whose target is u's e-mail address
// (user.*), or names u as "<course> → <name>" (assignments to one person, exemptions, manual
// completions) or "<name> – <course>" (certificates). Their details go too: they may quote an
// exemption's reason or a completion's note. The action, actor and time stay, so the trail
// still shows what was done, without whom it was about. (An address u had before a change is
// not recognised; the entries of that change name it.)
func (s *Store) anonymiseAudit(ctx context.Context, u model.User) error {
	var rows []auditRow
	like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(u.Name) + "%"
	err := s.db.NewSelect().Model(&rows).Column("a.id", "a.target", "a.details").
		Where("a.tenant_id = ? AND (a.target = ? OR a.target LIKE ? ESCAPE '\\' OR a.details LIKE ?)", u.TenantID, u.Email, like, `%"user_id":"`+u.ID+`"%`).
		Scan(ctx)
	if err != nil {
		return dbErr("audit entries about a user", err)
	}
	var ids []string
	for _, r := range rows {
		// An entry that names its person by id is decided by the id alone: another person of
		// the same name keeps theirs. Older entries without one go by address or name.
		var details map[string]string
		_ = json.Unmarshal([]byte(r.Details), &details) // written by Audit; an odd one just has no id
		if id, ok := details["user_id"]; ok {
			if id == u.ID {
				ids = append(ids, r.ID)
			}
			continue
		}
		if r.Target == u.Email || strings.HasSuffix(r.Target, " → "+u.Name) || strings.HasPrefix(r.Target, u.Name+" – ") {
			ids = append(ids, r.ID)
		}
	}
	for start := 0; start < len(ids); start += 500 {
		_, err := s.db.NewUpdate().Model((*auditRow)(nil)).Set("target = ?", "anonymised:"+u.ID).Set("details = '{}'").
			Where("id IN (?)", bun.In(ids[start:min(start+500, len(ids))])).Exec(ctx)
		if err != nil {
			return dbErr("anonymise audit entries", err)
		}
	}
	return nil
}
