package store

import (
	"context"
	"database/sql"
	"time"
)

// LearnerExportFilter narrows the named export of a municipality's obligations.
type LearnerExportFilter struct {
	TenantID string
	CourseID string // "" = every mandatory course
	Status   string // ObligationOpen, ObligationInProgress, ObligationCompleted, ObligationOverdue; "" = all
	OrgUnit  string // normalised path; the unit and its sub-units; "" = everybody
}

// LearnerExportRow is one person's standing in one mandatory course. CompletedAt and
// ValidUntil are zero unless there is a completion; Status is ObligationStatus at the time
// of the query.
type LearnerExportRow struct {
	Name, Email, EmployeeNumber, OrgUnit string
	CourseID, CourseSlug                 string
	Status                               string
	DueAt, CompletedAt, ValidUntil       time.Time
}

// learnerExportColumns are the export's columns in the order they are scanned; the status is
// computed here, in SQL, so that the status filter can use the same expression. It takes now
// twice (statusSQL).
const learnerExportColumns = `u.name, u.email, COALESCE(u.employee_number, ''), COALESCE(ou.path, ''),
 ob.course_id, c.slug, (` + statusSQL + `), ob.due_at, ob.completed_at, ob.valid_until`

// EachLearnerObligation calls fn for every obligation that f selects, exempt people left
// out, ordered by org unit, name, person and course — the named list across courses. The
// rows come straight from the database cursor into one reused row, so memory stays flat
// however many there are: fn must not keep the row, and must not use the store meanwhile (on
// SQLite the one connection is busy reading until the last row).
func (s *Store) EachLearnerObligation(ctx context.Context, f LearnerExportFilter, now time.Time, fn func(*LearnerExportRow) error) error {
	q := s.db.NewSelect().TableExpr("obligations AS ob").ColumnExpr(learnerExportColumns, now, now).
		Join("JOIN users AS u ON u.id = ob.user_id").
		Join("JOIN courses AS c ON c.id = ob.course_id").
		Join("LEFT JOIN org_units AS ou ON ou.id = ob.org_unit_id").
		Where("ob.tenant_id = ? AND ob.state <> ?", f.TenantID, ObligationExempt)
	if f.CourseID != "" {
		q = q.Where("ob.course_id = ?", f.CourseID)
	}
	if f.Status != "" {
		q = q.Where("("+statusSQL+") = ?", now, now, f.Status)
	}
	if f.OrgUnit != "" {
		where, args := subtreeOf("ou.path", f.OrgUnit)
		q = q.Where(where, args...)
	}
	rows, err := q.OrderExpr("4, u.name, ob.user_id, c.slug").Rows(ctx)
	if err != nil {
		return dbErr("learner export", err)
	}
	defer rows.Close()
	var (
		r                     LearnerExportRow
		completed, validUntil sql.NullTime
	)
	for rows.Next() {
		if err := rows.Scan(&r.Name, &r.Email, &r.EmployeeNumber, &r.OrgUnit, &r.CourseID, &r.CourseSlug, &r.Status,
			&r.DueAt, &completed, &validUntil); err != nil {
			return dbErr("read learner export row", err)
		}
		r.CompletedAt, r.ValidUntil = completed.Time, validUntil.Time
		if err := fn(&r); err != nil {
			return err
		}
	}
	return dbErr("learner export", rows.Err())
}
