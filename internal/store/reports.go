package store

import (
	"context"
	"time"
)

// StaffMember is a person as reports see them.
type StaffMember struct {
	ID             string    `bun:"id"`
	Name           string    `bun:"name"`
	Email          string    `bun:"email"`
	EmployeeNumber string    `bun:"employee_number"`
	OrgUnitPath    string    `bun:"org_unit_path"`
	CreatedAt      time.Time `bun:"created_at"`
}

// ActiveStaff returns a tenant's active users with their org unit paths.
func (s *Store) ActiveStaff(ctx context.Context, tenantID string) ([]StaffMember, error) {
	var rows []StaffMember
	err := s.db.NewSelect().TableExpr("users AS u").
		ColumnExpr("u.id, u.name, u.email, COALESCE(u.employee_number, '') AS employee_number, COALESCE(ou.path, '') AS org_unit_path, u.created_at").
		Join("LEFT JOIN org_units AS ou ON ou.id = u.org_unit_id").
		Where("u.tenant_id = ? AND u.active = ?", tenantID, true).Scan(ctx, &rows)
	return rows, dbErr("active staff", err)
}

// CourseAssignments returns a tenant's current assignments of one course.
func (s *Store) CourseAssignments(ctx context.Context, tenantID, courseID string) ([]Assignment, error) {
	var rows []Assignment
	err := s.selectAssignments(&rows).Where("asg.tenant_id = ? AND asg.course_id = ? AND asg.ended_at IS NULL", tenantID, courseID).Scan(ctx)
	return rows, dbErr("course assignments", err)
}

// LatestCertificates returns each user's newest certificate of the course, by user id.
func (s *Store) LatestCertificates(ctx context.Context, tenantID, courseID string) (map[string]Certificate, error) {
	var rows []Certificate
	if err := s.selectCertificates(&rows).Where("cert.tenant_id = ? AND cert.course_id = ?", tenantID, courseID).
		OrderExpr("cert.issued_at").Scan(ctx); err != nil {
		return nil, dbErr("certificates of course", err)
	}
	out := make(map[string]Certificate, len(rows))
	for _, c := range rows {
		out[c.UserID] = c // ordered by issue date: the last one wins
	}
	return out, nil
}

// UsersInProgress returns who has an open enrolment in the course.
func (s *Store) UsersInProgress(ctx context.Context, tenantID, courseID string) (map[string]bool, error) {
	var ids []string
	err := s.db.NewSelect().Model((*Enrolment)(nil)).Column("user_id").
		Where("tenant_id = ? AND course_id = ? AND completed_at IS NULL", tenantID, courseID).Scan(ctx, &ids)
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, dbErr("enrolments of course", err)
}
