package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// Assignment makes a course mandatory for a whole municipality (no org unit, no user), an org
// unit with its sub-units, or one person, with a due date.
type Assignment struct {
	bun.BaseModel `bun:"table:assignments,alias:asg"`

	ID         string     `bun:"id,pk"`
	TenantID   string     `bun:"tenant_id"`
	CourseID   string     `bun:"course_id"`
	OrgUnitID  string     `bun:"org_unit_id,nullzero"`
	UserID     string     `bun:"user_id,nullzero"`
	DueInDays  *int       `bun:"due_in_days"`
	DueDate    *time.Time `bun:"due_date"`
	Recurrence string     `bun:"recurrence,nullzero"`
	CreatedBy  string     `bun:"created_by,nullzero"`
	CreatedAt  time.Time  `bun:"created_at"`
	EndedAt    *time.Time `bun:"ended_at"`

	CourseSlug  string `bun:"course_slug,scanonly"`
	OrgUnitPath string `bun:"org_unit_path,scanonly"`
	UserName    string `bun:"user_name,scanonly"`
}

func (s *Store) selectAssignments(dst any) *bun.SelectQuery {
	return s.db.NewSelect().Model(dst).ColumnExpr("asg.*").
		ColumnExpr("c.slug AS course_slug").ColumnExpr("ou.path AS org_unit_path").ColumnExpr("u.name AS user_name").
		Join("JOIN courses AS c ON c.id = asg.course_id").
		Join("LEFT JOIN org_units AS ou ON ou.id = asg.org_unit_id").
		Join("LEFT JOIN users AS u ON u.id = asg.user_id")
}

// CreateAssignment stores an assignment in a one-tenant scope and creates the obligations of
// everybody it reaches.
func (s *Store) CreateAssignment(ctx context.Context, scope Scope, a *Assignment) error {
	if scope.all || scope.tenantID == "" {
		return errNeedsTenant
	}
	return s.InTx(ctx, func(tx *Store) error {
		a.ID, a.TenantID, a.CreatedAt = newID(), scope.tenantID, tx.now()
		if _, err := tx.db.NewInsert().Model(a).Exec(ctx); err != nil {
			return dbErr("create assignment", err)
		}
		return tx.refreshAssignment(ctx, *a)
	})
}

// refreshAssignment recomputes the obligations of the people an assignment reaches.
func (s *Store) refreshAssignment(ctx context.Context, a Assignment) error {
	// The tenant's obligations lock comes before reading who is in the org unit: a staff
	// import (or a new or moved person) that holds it commits first and is then among the
	// members read here; read before the lock, a person created meanwhile would be neither
	// here nor in the import's refresh, which could not see this assignment yet.
	if err := s.lockObligations(ctx, a.TenantID); err != nil {
		return err
	}
	var users []string
	switch {
	case a.UserID != "":
		users = []string{a.UserID}
	case a.OrgUnitID != "":
		unit, err := s.OrgUnitByID(ctx, TenantScope(a.TenantID), a.OrgUnitID)
		if err != nil {
			return err
		}
		where, args := subtreeOf("ou.path", unit.Path)
		users = []string{}
		if err := s.db.NewSelect().TableExpr("users AS u").Column("u.id").Join("JOIN org_units AS ou ON ou.id = u.org_unit_id").
			Where("u.tenant_id = ?", a.TenantID).Where(where, args...).Order("u.id").Scan(ctx, &users); err != nil {
			return dbErr("staff of org unit", err)
		}
	}
	return s.refreshObligations(ctx, a.TenantID, users, []string{a.CourseID})
}

// AssignmentByID finds an assignment inside the scope.
func (s *Store) AssignmentByID(ctx context.Context, scope Scope, id string) (Assignment, error) {
	if err := checkID("assignment", id); err != nil {
		return Assignment{}, err
	}
	var a Assignment
	err := s.selectAssignments(&a).ApplyQueryBuilder(scope.where("asg.tenant_id")).Where("asg.id = ?", id).Scan(ctx)
	return a, dbErr("assignment", err)
}

// ListAssignments returns the scope's current assignments, newest first.
func (s *Store) ListAssignments(ctx context.Context, scope Scope) ([]Assignment, error) {
	var rows []Assignment
	err := s.selectAssignments(&rows).ApplyQueryBuilder(scope.where("asg.tenant_id")).Where("asg.ended_at IS NULL").
		OrderExpr("asg.created_at DESC").Scan(ctx)
	return rows, dbErr("list assignments", err)
}

// EndAssignment stops an assignment; it stays on record. The obligations it made go, unless
// another assignment of the course still reaches the person.
func (s *Store) EndAssignment(ctx context.Context, scope Scope, id string) error {
	return s.InTx(ctx, func(tx *Store) error {
		a, err := tx.AssignmentByID(ctx, scope, id)
		if err != nil {
			return err
		}
		res, err := tx.db.NewUpdate().Model((*Assignment)(nil)).Set("ended_at = ?", tx.now()).Where("id = ? AND ended_at IS NULL", id).Exec(ctx)
		if err != nil {
			return dbErr("end assignment", err)
		}
		if err := expectOne(res, "end assignment"); err != nil {
			return err
		}
		return tx.refreshAssignment(ctx, a)
	})
}
