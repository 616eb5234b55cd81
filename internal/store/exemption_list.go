package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/wachsam/wachsam/internal/model"
)

// The list of exemptions and manual completions across every course of a municipality, newest
// first, for HR's evidence (audits, the staff council). Both tables are read in one UNION ALL
// so that one keyset page can hold both kinds in the order they were recorded.

// Kinds of entries in ListExemptionsAndCompletions.
const (
	KindExemption        = "exemption"
	KindManualCompletion = "manual_completion"
)

// ExemptionOrCompletion is one exemption or manual completion with the person, the course and
// the names of who recorded and who revoked it joined in.
type ExemptionOrCompletion struct {
	Kind           string     `bun:"kind"` // KindExemption or KindManualCompletion
	ID             string     `bun:"id"`
	UserID         string     `bun:"user_id"`
	UserName       string     `bun:"user_name"`
	UserEmail      string     `bun:"user_email"`
	EmployeeNumber string     `bun:"employee_number"`
	OrgUnitPath    string     `bun:"org_unit_path"` // the person's unit now; "" = none
	CourseSlug     string     `bun:"course_slug"`
	Text           string     `bun:"text"`         // the exemption's reason or the completion's note
	CompletedAt    *time.Time `bun:"completed_at"` // manual completion: the day of the training
	ValidUntil     *time.Time `bun:"valid_until"`  // manual completion: when it lapses; nil = never
	RecordedBy     string     `bun:"recorded_by"`  // user id; "" when unknown
	RecordedByName string     `bun:"recorded_by_name"`
	RecordedAt     time.Time  `bun:"recorded_at"`
	RevokedAt      *time.Time `bun:"revoked_at"`
	RevokedBy      string     `bun:"revoked_by"`
	RevokedByName  string     `bun:"revoked_by_name"`
}

// ExemptionListFilter narrows ListExemptionsAndCompletions.
type ExemptionListFilter struct {
	Kind    string // KindExemption, KindManualCompletion; "" = both
	Revoked *bool  // true: revoked only, false: active only, nil: both
	Course  string // slug; "" = every course
	OrgUnit string // the person's org unit path, sub-units included; "" = everyone
	Limit   int
	// AfterAt and AfterID are the sort key (recorded at, id) of the last entry of the previous
	// page; the page starts after it.
	AfterAt time.Time
	AfterID string
}

// Key is the entry's place in the list: when it was recorded, then its id (ids are unique
// across both tables).
func (e ExemptionOrCompletion) Key() (time.Time, string) { return e.RecordedAt, e.ID }

// ListExemptionsAndCompletions returns one page of the scope's exemptions and manual
// completions, revoked ones included unless filtered out, newest first, and whether more
// follow. People who are deactivated stay on it: the entries are evidence.
func (s *Store) ListExemptionsAndCompletions(ctx context.Context, scope Scope, f ExemptionListFilter) ([]ExemptionOrCompletion, bool, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	unit := ""
	if f.OrgUnit != "" {
		var err error
		if unit, err = model.NormalizeOrgUnitPath(f.OrgUnit); err != nil {
			return nil, false, err
		}
	}
	if f.AfterID != "" {
		if err := checkID("entry", f.AfterID); err != nil {
			return nil, false, model.Invalid("cursor", "does not name an entry of this list")
		}
	}
	branch := func(kind, alias, table, text, completed, validUntil, by, at string) *bun.SelectQuery {
		col := func(c string) string { return alias + "." + c }
		q := s.db.NewSelect().TableExpr(table+" AS "+alias).
			ColumnExpr("? AS kind", kind).
			ColumnExpr(col("id") + " AS id, " + col("user_id") + " AS user_id").
			ColumnExpr("u.name AS user_name, u.email AS user_email, COALESCE(u.employee_number, '') AS employee_number, COALESCE(ou.path, '') AS org_unit_path").
			ColumnExpr("c.slug AS course_slug, " + text + " AS text, " + completed + " AS completed_at, " + validUntil + " AS valid_until").
			ColumnExpr(by + " AS recorded_by, COALESCE(rec.name, '') AS recorded_by_name, " + at + " AS recorded_at").
			ColumnExpr(col("revoked_at") + " AS revoked_at, " + col("revoked_by") + " AS revoked_by, COALESCE(rev.name, '') AS revoked_by_name").
			Join("JOIN users AS u ON u.id = " + col("user_id")).
			Join("JOIN courses AS c ON c.id = " + col("course_id")).
			Join("LEFT JOIN org_units AS ou ON ou.id = u.org_unit_id").
			// Who recorded or revoked is named only if they belong to the same municipality,
			// as on the per-course pages.
			Join("LEFT JOIN users AS rec ON rec.id = " + by + " AND rec.tenant_id = " + col("tenant_id")).
			Join("LEFT JOIN users AS rev ON rev.id = " + col("revoked_by") + " AND rev.tenant_id = " + col("tenant_id")).
			ApplyQueryBuilder(scope.where(col("tenant_id")))
		if f.Revoked != nil {
			if *f.Revoked {
				q = q.Where(col("revoked_at") + " IS NOT NULL")
			} else {
				q = q.Where(col("revoked_at") + " IS NULL")
			}
		}
		if f.Course != "" {
			q = q.Where("c.slug = ?", f.Course)
		}
		if unit != "" {
			where, args := subtreeOf("ou.path", unit)
			q = q.Where(where, args...)
		}
		if f.AfterID != "" {
			q = q.Where("("+at+" < ? OR ("+at+" = ? AND "+col("id")+" < ?))", f.AfterAt, f.AfterAt, f.AfterID)
		}
		return q
	}
	exemptions := branch(KindExemption, "ex", "exemptions", "ex.reason", "NULL", "NULL", "ex.created_by", "ex.created_at")
	completions := branch(KindManualCompletion, "mc", "manual_completions", "mc.note", "mc.completed_at", "mc.valid_until", "mc.recorded_by", "mc.recorded_at")
	var union *bun.SelectQuery
	switch f.Kind {
	case "":
		union = exemptions.UnionAll(completions)
	case KindExemption:
		union = exemptions
	case KindManualCompletion:
		union = completions
	default:
		return nil, false, model.Invalid("kind", "must be "+KindExemption+" or "+KindManualCompletion)
	}
	var rows []ExemptionOrCompletion
	q := s.db.NewSelect().Model(&rows).ModelTableExpr("(?) AS x", union).ColumnExpr("x.*").OrderExpr("x.recorded_at DESC, x.id DESC")
	more, err := scanPage(ctx, q, &rows, f.Limit)
	if err != nil {
		return nil, false, dbErr("list exemptions and manual completions", err)
	}
	return rows, more, nil
}

// ExemptionCourses lists the slugs of the courses that have exemptions or manual completions
// in the scope, in alphabetical order: the choices of the list's course filter.
func (s *Store) ExemptionCourses(ctx context.Context, scope Scope) ([]string, error) {
	ids := s.db.NewSelect().TableExpr("exemptions AS ex").ColumnExpr("ex.course_id").ApplyQueryBuilder(scope.where("ex.tenant_id")).
		UnionAll(s.db.NewSelect().TableExpr("manual_completions AS mc").ColumnExpr("mc.course_id").ApplyQueryBuilder(scope.where("mc.tenant_id")))
	var slugs []string
	err := s.db.NewSelect().TableExpr("courses AS c").ColumnExpr("c.slug").Where("c.id IN (?)", ids).OrderExpr("c.slug").Scan(ctx, &slugs)
	return slugs, dbErr("courses with exemptions or manual completions", err)
}
