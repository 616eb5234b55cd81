package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/wachsam/wachsam/internal/model"
)

// Exemption releases one person from one mandatory course, with the reason, who decided and
// when. Revoking keeps it on record.
type Exemption struct {
	bun.BaseModel `bun:"table:exemptions,alias:ex"`

	ID        string     `bun:"id,pk"`
	TenantID  string     `bun:"tenant_id"`
	UserID    string     `bun:"user_id"`
	CourseID  string     `bun:"course_id"`
	Reason    string     `bun:"reason"`
	CreatedBy string     `bun:"created_by,nullzero"`
	CreatedAt time.Time  `bun:"created_at"`
	RevokedAt *time.Time `bun:"revoked_at"`
	RevokedBy string     `bun:"revoked_by,nullzero"`

	CourseSlug string `bun:"course_slug,scanonly"`
	UserName   string `bun:"user_name,scanonly"`
}

// ManualCompletion records a course done outside Wachsam (an in-person training): the day, a
// note and who recorded it. It counts like a certificate issued that day, until ValidUntil.
type ManualCompletion struct {
	bun.BaseModel `bun:"table:manual_completions,alias:mc"`

	ID          string     `bun:"id,pk"`
	TenantID    string     `bun:"tenant_id"`
	UserID      string     `bun:"user_id"`
	CourseID    string     `bun:"course_id"`
	CompletedAt time.Time  `bun:"completed_at"`
	ValidUntil  *time.Time `bun:"valid_until"`
	Note        string     `bun:"note"`
	RecordedBy  string     `bun:"recorded_by,nullzero"`
	RecordedAt  time.Time  `bun:"recorded_at"`
	RevokedAt   *time.Time `bun:"revoked_at"`
	RevokedBy   string     `bun:"revoked_by,nullzero"`

	CourseSlug string `bun:"course_slug,scanonly"`
	UserName   string `bun:"user_name,scanonly"`
}

// CreateExemption stores an exemption in a one-tenant scope and updates the person's
// obligation. A second active exemption of the same person and course is model.ErrConflict.
func (s *Store) CreateExemption(ctx context.Context, scope Scope, e *Exemption) error {
	if scope.all || scope.tenantID == "" {
		return errNeedsTenant
	}
	return s.InTx(ctx, func(tx *Store) error {
		e.ID, e.TenantID, e.CreatedAt = newID(), scope.tenantID, tx.now()
		if _, err := tx.db.NewInsert().Model(e).Exec(ctx); err != nil {
			if isUniqueViolation(err) {
				return model.Conflict("this person is exempt from the course already; revoke that exemption first to record a new one")
			}
			return dbErr("create exemption", err)
		}
		return tx.refreshObligations(ctx, e.TenantID, []string{e.UserID}, []string{e.CourseID})
	})
}

// ExemptionByID finds an exemption inside the scope.
func (s *Store) ExemptionByID(ctx context.Context, scope Scope, id string) (Exemption, error) {
	if err := checkID("exemption", id); err != nil {
		return Exemption{}, err
	}
	var e Exemption
	err := s.selectExemptions(&e).ApplyQueryBuilder(scope.where("ex.tenant_id")).Where("ex.id = ?", id).Scan(ctx)
	return e, dbErr("exemption", err)
}

func (s *Store) selectExemptions(dst any) *bun.SelectQuery {
	return s.db.NewSelect().Model(dst).ColumnExpr("ex.*").ColumnExpr("c.slug AS course_slug, u.name AS user_name").
		Join("JOIN courses AS c ON c.id = ex.course_id").Join("JOIN users AS u ON u.id = ex.user_id")
}

// ListExemptions returns the scope's exemptions, newest first, revoked ones included.
func (s *Store) ListExemptions(ctx context.Context, scope Scope) ([]Exemption, error) {
	var rows []Exemption
	err := s.selectExemptions(&rows).ApplyQueryBuilder(scope.where("ex.tenant_id")).OrderExpr("ex.created_at DESC, ex.id DESC").Scan(ctx)
	return rows, dbErr("list exemptions", err)
}

// CountActiveExemptions counts the scope's exemptions from one course that are not revoked
// (the course report's link to its exemptions), in SQL rather than over the whole list.
func (s *Store) CountActiveExemptions(ctx context.Context, scope Scope, courseID string) (int, error) {
	if err := checkID("course", courseID); err != nil {
		return 0, err
	}
	n, err := s.db.NewSelect().Model((*Exemption)(nil)).ApplyQueryBuilder(scope.where("ex.tenant_id")).
		Where("ex.course_id = ?", courseID).Where("ex.revoked_at IS NULL").Count(ctx)
	return int(n), dbErr("count exemptions", err)
}

// PersonExemptions returns one person's exemptions inside the scope, newest first, revoked ones
// included: of the course with the given slug, or of every course when slug is "". It serves
// revoking by the person's address (at most one of a course is active, by a unique index) and
// the person's own data export.
func (s *Store) PersonExemptions(ctx context.Context, scope Scope, userID, slug string) ([]Exemption, error) {
	if err := checkID("user", userID); err != nil {
		return nil, err
	}
	var rows []Exemption
	q := s.selectExemptions(&rows).ApplyQueryBuilder(scope.where("ex.tenant_id")).Where("ex.user_id = ?", userID)
	if slug != "" {
		q = q.Where("c.slug = ?", slug)
	}
	err := q.OrderExpr("ex.created_at DESC, ex.id DESC").Scan(ctx)
	return rows, dbErr("exemptions of a person", err)
}

// RevokeExemption ends an exemption inside the scope; the course is mandatory again at once.
func (s *Store) RevokeExemption(ctx context.Context, scope Scope, id, by string) (Exemption, error) {
	var e Exemption
	err := s.InTx(ctx, func(tx *Store) error {
		var err error
		if e, err = tx.ExemptionByID(ctx, scope, id); err != nil {
			return err
		}
		res, err := tx.db.NewUpdate().Model((*Exemption)(nil)).Set("revoked_at = ?", tx.now()).Set("revoked_by = ?", nullIfEmpty(by)).
			Where("id = ? AND revoked_at IS NULL", id).Exec(ctx)
		if err != nil {
			return dbErr("revoke exemption", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Conflict("the exemption was revoked already")
		}
		return tx.refreshObligations(ctx, e.TenantID, []string{e.UserID}, []string{e.CourseID})
	})
	return e, err
}

// CreateManualCompletion stores a manual completion in a one-tenant scope and updates the
// person's obligation.
func (s *Store) CreateManualCompletion(ctx context.Context, scope Scope, m *ManualCompletion) error {
	if scope.all || scope.tenantID == "" {
		return errNeedsTenant
	}
	return s.InTx(ctx, func(tx *Store) error {
		m.ID, m.TenantID, m.RecordedAt = newID(), scope.tenantID, tx.now()
		if _, err := tx.db.NewInsert().Model(m).Exec(ctx); err != nil {
			return dbErr("record manual completion", err)
		}
		return tx.refreshObligations(ctx, m.TenantID, []string{m.UserID}, []string{m.CourseID})
	})
}

func (s *Store) selectManualCompletions(dst any) *bun.SelectQuery {
	return s.db.NewSelect().Model(dst).ColumnExpr("mc.*").ColumnExpr("c.slug AS course_slug, u.name AS user_name").
		Join("JOIN courses AS c ON c.id = mc.course_id").Join("JOIN users AS u ON u.id = mc.user_id")
}

// ManualCompletionByID finds a manual completion inside the scope.
func (s *Store) ManualCompletionByID(ctx context.Context, scope Scope, id string) (ManualCompletion, error) {
	if err := checkID("manual completion", id); err != nil {
		return ManualCompletion{}, err
	}
	var m ManualCompletion
	err := s.selectManualCompletions(&m).ApplyQueryBuilder(scope.where("mc.tenant_id")).Where("mc.id = ?", id).Scan(ctx)
	return m, dbErr("manual completion", err)
}

// ListManualCompletions returns the scope's manual completions, newest first.
func (s *Store) ListManualCompletions(ctx context.Context, scope Scope) ([]ManualCompletion, error) {
	var rows []ManualCompletion
	err := s.selectManualCompletions(&rows).ApplyQueryBuilder(scope.where("mc.tenant_id")).OrderExpr("mc.recorded_at DESC, mc.id DESC").Scan(ctx)
	return rows, dbErr("list manual completions", err)
}

// CountActiveManualCompletions counts the scope's manual completions of one course that are
// not revoked, like CountActiveExemptions.
func (s *Store) CountActiveManualCompletions(ctx context.Context, scope Scope, courseID string) (int, error) {
	if err := checkID("course", courseID); err != nil {
		return 0, err
	}
	n, err := s.db.NewSelect().Model((*ManualCompletion)(nil)).ApplyQueryBuilder(scope.where("mc.tenant_id")).
		Where("mc.course_id = ?", courseID).Where("mc.revoked_at IS NULL").Count(ctx)
	return int(n), dbErr("count manual completions", err)
}

// PersonManualCompletions returns one person's manual completions inside the scope, the latest
// recorded first, revoked ones included: of the course with the given slug, or of every course
// when slug is "".
func (s *Store) PersonManualCompletions(ctx context.Context, scope Scope, userID, slug string) ([]ManualCompletion, error) {
	if err := checkID("user", userID); err != nil {
		return nil, err
	}
	var rows []ManualCompletion
	q := s.selectManualCompletions(&rows).ApplyQueryBuilder(scope.where("mc.tenant_id")).Where("mc.user_id = ?", userID)
	if slug != "" {
		q = q.Where("c.slug = ?", slug)
	}
	err := q.OrderExpr("mc.recorded_at DESC, mc.id DESC").Scan(ctx)
	return rows, dbErr("manual completions of a person", err)
}

// RevokeManualCompletion withdraws a manual completion recorded in error; it stays on record.
func (s *Store) RevokeManualCompletion(ctx context.Context, scope Scope, id, by string) (ManualCompletion, error) {
	var m ManualCompletion
	err := s.InTx(ctx, func(tx *Store) error {
		var err error
		if m, err = tx.ManualCompletionByID(ctx, scope, id); err != nil {
			return err
		}
		res, err := tx.db.NewUpdate().Model((*ManualCompletion)(nil)).Set("revoked_at = ?", tx.now()).Set("revoked_by = ?", nullIfEmpty(by)).
			Where("id = ? AND revoked_at IS NULL", id).Exec(ctx)
		if err != nil {
			return dbErr("revoke manual completion", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Conflict("the manual completion was revoked already")
		}
		return tx.refreshObligations(ctx, m.TenantID, []string{m.UserID}, []string{m.CourseID})
	})
	return m, err
}
