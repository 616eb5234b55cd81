package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/wachsam/wachsam/internal/model"
)

type userRow struct {
	bun.BaseModel `bun:"table:users,alias:u"`

	ID             string     `bun:"id,pk"`
	TenantID       string     `bun:"tenant_id,nullzero"`
	Email          string     `bun:"email"`
	Name           string     `bun:"name"`
	EmployeeNumber string     `bun:"employee_number,nullzero"`
	OrgUnitID      string     `bun:"org_unit_id,nullzero"`
	Language       string     `bun:"language,nullzero"`
	Active         bool       `bun:"active"`
	PasswordHash   string     `bun:"password_hash,nullzero"`
	CreatedAt      time.Time  `bun:"created_at"`
	UpdatedAt      time.Time  `bun:"updated_at"`
	DeactivatedAt  *time.Time `bun:"deactivated_at"`
	AnonymisedAt   *time.Time `bun:"anonymised_at"`

	OrgUnitPath string `bun:"org_unit_path,scanonly"`
}

type userRoleRow struct {
	bun.BaseModel `bun:"table:user_roles,alias:ur"`

	UserID string `bun:"user_id,pk"`
	Role   string `bun:"role,pk"`
}

func (r *userRow) model(roles []model.Role) model.User {
	if roles == nil {
		roles = []model.Role{}
	}
	return model.User{
		ID: r.ID, TenantID: r.TenantID, Email: r.Email, Name: r.Name, EmployeeNumber: r.EmployeeNumber,
		OrgUnitID: r.OrgUnitID, OrgUnitPath: r.OrgUnitPath, Language: r.Language, Roles: roles,
		Active: r.Active, HasPassword: r.PasswordHash != "", CreatedAt: r.CreatedAt, DeactivatedAt: r.DeactivatedAt,
		AnonymisedAt: r.AnonymisedAt,
	}
}

// selectUsers starts a user query with the org unit path joined in.
func (s *Store) selectUsers(dst any) *bun.SelectQuery {
	return s.db.NewSelect().Model(dst).ColumnExpr("u.*").ColumnExpr("ou.path AS org_unit_path").
		Join("LEFT JOIN org_units AS ou ON ou.id = u.org_unit_id")
}

// withRoles loads the roles of rows in one query.
func (s *Store) withRoles(ctx context.Context, rows []userRow) ([]model.User, error) {
	out := make([]model.User, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	var roleRows []userRoleRow
	if err := s.db.NewSelect().Model(&roleRows).Where("user_id IN (?)", bun.In(ids)).Order("user_id", "role").Scan(ctx); err != nil {
		return nil, dbErr("load roles", err)
	}
	byUser := map[string][]model.Role{}
	for _, r := range roleRows {
		byUser[r.UserID] = append(byUser[r.UserID], model.Role(r.Role))
	}
	for i := range rows {
		roles := byUser[rows[i].ID]
		slices.SortFunc(roles, func(a, b model.Role) int { return slices.Index(model.AllRoles, a) - slices.Index(model.AllRoles, b) })
		out[i] = rows[i].model(roles)
	}
	return out, nil
}

// CreateUser stores a new user with their roles; passwordHash may be empty (invited users).
// A taken e-mail or employee number is model.ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u *model.User, passwordHash string) error {
	now := s.now()
	row := userRow{
		ID: newID(), TenantID: u.TenantID, Email: normEmail(u.Email), Name: u.Name, EmployeeNumber: u.EmployeeNumber,
		OrgUnitID: u.OrgUnitID, Language: u.Language, Active: true, PasswordHash: passwordHash, CreatedAt: now, UpdatedAt: now,
	}
	err := s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.db.NewInsert().Model(&row).Exec(ctx); err != nil {
			if isUniqueViolation(err) {
				return model.Conflict("a user with the e-mail address %s or the employee number %q exists already", row.Email, row.EmployeeNumber)
			}
			return dbErr("create user", err)
		}
		if err := tx.setRoles(ctx, row.ID, u.Roles); err != nil {
			return err
		}
		return tx.refreshObligations(ctx, row.TenantID, []string{row.ID}, nil) // later joiners get their unit's assignments
	})
	if err != nil {
		return err
	}
	created, err := s.UserByID(ctx, AllTenants(), row.ID)
	*u = created
	return err
}

func (s *Store) setRoles(ctx context.Context, userID string, roles []model.Role) error {
	if _, err := s.db.NewDelete().Model((*userRoleRow)(nil)).Where("user_id = ?", userID).Exec(ctx); err != nil {
		return dbErr("replace roles", err)
	}
	if len(roles) == 0 {
		return nil
	}
	rows := make([]userRoleRow, 0, len(roles))
	for _, r := range roles {
		rows = append(rows, userRoleRow{UserID: userID, Role: string(r)})
	}
	_, err := s.db.NewInsert().Model(&rows).Exec(ctx)
	return dbErr("set roles", err)
}

// UserByID finds a user inside the scope.
func (s *Store) UserByID(ctx context.Context, scope Scope, id string) (model.User, error) {
	if err := checkID("user", id); err != nil {
		return model.User{}, err
	}
	return s.oneUser(ctx, scope, "u.id = ?", id)
}

// oneUser finds the user inside the scope that where (with args) selects.
func (s *Store) oneUser(ctx context.Context, scope Scope, where string, args ...any) (model.User, error) {
	var rows []userRow
	err := s.selectUsers(&rows).ApplyQueryBuilder(scope.where("u.tenant_id")).Where(where, args...).Scan(ctx)
	if err != nil {
		return model.User{}, dbErr("user", err)
	}
	if len(rows) == 0 {
		return model.User{}, fmt.Errorf("store: user: %w", model.ErrNotFound)
	}
	users, err := s.withRoles(ctx, rows)
	if err != nil {
		return model.User{}, err
	}
	return users[0], nil
}

// Credentials finds a user by e-mail across all tenants (login) with their password hash.
func (s *Store) Credentials(ctx context.Context, email string) (model.User, string, error) {
	var rows []userRow
	if err := s.selectUsers(&rows).Where("u.email = ?", normEmail(email)).Scan(ctx); err != nil {
		return model.User{}, "", dbErr("credentials", err)
	}
	if len(rows) == 0 {
		return model.User{}, "", fmt.Errorf("store: credentials: %w", model.ErrNotFound)
	}
	users, err := s.withRoles(ctx, rows)
	if err != nil {
		return model.User{}, "", err
	}
	return users[0], rows[0].PasswordHash, nil
}

// UserFilter narrows ListUsers.
type UserFilter struct {
	Query   string // part of the name or e-mail
	OrgUnit string // path; sub-units included
	Active  *bool
	Limit   int
	// After is the sort key (name, id) of the last user of the previous page; the page starts
	// after it. Keyset pagination keeps pages stable while users are added.
	AfterName, AfterID string
}

// ListUsers returns one page of the scope's users ordered by name and id, and whether more
// follow.
func (s *Store) ListUsers(ctx context.Context, scope Scope, f UserFilter) ([]model.User, bool, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	var rows []userRow
	q := s.selectUsers(&rows).ApplyQueryBuilder(scope.where("u.tenant_id")).OrderExpr("u.name, u.id")
	if f.Query != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(f.Query)) + "%"
		q = q.Where(`(lower(u.name) LIKE ? ESCAPE '\' OR u.email LIKE ? ESCAPE '\')`, like, like)
	}
	if f.OrgUnit != "" {
		path, err := model.NormalizeOrgUnitPath(f.OrgUnit)
		if err != nil {
			return nil, false, err
		}
		where, args := subtreeOf("ou.path", path)
		q = q.Where(where, args...)
	}
	if f.Active != nil {
		q = q.Where("u.active = ?", *f.Active)
	}
	if f.AfterID != "" {
		q = q.Where("(u.name > ? OR (u.name = ? AND u.id > ?))", f.AfterName, f.AfterName, f.AfterID)
	}
	more, err := scanPage(ctx, q, &rows, f.Limit)
	if err != nil {
		return nil, false, dbErr("list users", err)
	}
	users, err := s.withRoles(ctx, rows)
	return users, more, err
}

// UpdateUser saves a user's profile, org unit, roles and active state. Deactivation keeps the
// user and their history; it only stops them from signing in.
func (s *Store) UpdateUser(ctx context.Context, scope Scope, u *model.User) error {
	err := s.InTx(ctx, func(tx *Store) error {
		old, err := tx.UserByID(ctx, scope, u.ID)
		if err != nil {
			return err
		}
		q := tx.db.NewUpdate().Model((*userRow)(nil)).
			Set("email = ?", normEmail(u.Email)).
			Set("name = ?", u.Name).
			Set("employee_number = ?", nullIfEmpty(u.EmployeeNumber)).
			Set("org_unit_id = ?", nullIfEmpty(u.OrgUnitID)).
			Set("language = ?", nullIfEmpty(u.Language)).
			Set("active = ?", u.Active).
			Set("updated_at = ?", tx.now()).
			Where("id = ?", u.ID)
		switch {
		case old.Active && !u.Active:
			q = q.Set("deactivated_at = ?", tx.now())
		case !old.Active && u.Active:
			q = q.Set("deactivated_at = NULL")
		}
		if _, err := q.Exec(ctx); err != nil {
			if isUniqueViolation(err) {
				return model.Conflict("another user has the e-mail address %s or the employee number %q", normEmail(u.Email), u.EmployeeNumber)
			}
			return dbErr("update user", err)
		}
		if err := tx.setRoles(ctx, u.ID, u.Roles); err != nil {
			return err
		}
		return tx.refreshObligations(ctx, old.TenantID, []string{u.ID}, nil) // moved, deactivated or back
	})
	if err != nil {
		return err
	}
	updated, err := s.UserByID(ctx, scope, u.ID)
	*u = updated
	return err
}

// SetPasswordHash replaces a user's password hash.
func (s *Store) SetPasswordHash(ctx context.Context, userID, hash string) error {
	res, err := s.db.NewUpdate().Model((*userRow)(nil)).Set("password_hash = ?", hash).Set("updated_at = ?", s.now()).
		Where("id = ?", userID).Exec(ctx)
	if err != nil {
		return dbErr("set password", err)
	}
	return expectOne(res, "set password")
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// UserByEmail finds a user inside the scope by e-mail address (stored lower-case, so any case
// matches).
func (s *Store) UserByEmail(ctx context.Context, scope Scope, email string) (model.User, error) {
	return s.oneUser(ctx, scope, "u.email = ?", normEmail(email))
}
