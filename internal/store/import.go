package store

import (
	"context"
	"errors"

	"github.com/uptrace/bun"

	"github.com/wachsam/wachsam/internal/model"
)

// StaffRecord is what a staff import compares against: one user of the tenant.
type StaffRecord struct {
	ID             string
	Email          string
	Name           string
	EmployeeNumber string
	OrgUnitID      string
	Active         bool
	Anonymised     bool
	Roles          []model.Role
}

// StaffOf loads every user of a tenant for an import: one query for users, one for roles.
func (s *Store) StaffOf(ctx context.Context, tenantID string) ([]StaffRecord, error) {
	var rows []userRow
	if err := s.db.NewSelect().Model(&rows).Column("id", "email", "name", "employee_number", "org_unit_id", "active", "anonymised_at").
		Where("tenant_id = ?", tenantID).Scan(ctx); err != nil {
		return nil, dbErr("load staff", err)
	}
	var roles []userRoleRow
	if err := s.db.NewSelect().Model(&roles).Where("user_id IN (SELECT id FROM users WHERE tenant_id = ?)", tenantID).Scan(ctx); err != nil {
		return nil, dbErr("load staff roles", err)
	}
	byUser := map[string][]model.Role{}
	for _, r := range roles {
		byUser[r.UserID] = append(byUser[r.UserID], model.Role(r.Role))
	}
	out := make([]StaffRecord, len(rows))
	for i, r := range rows {
		out[i] = StaffRecord{ID: r.ID, Email: r.Email, Name: r.Name, EmployeeNumber: r.EmployeeNumber, OrgUnitID: r.OrgUnitID, Active: r.Active,
			Anonymised: r.AnonymisedAt != nil, Roles: byUser[r.ID]}
	}
	return out, nil
}

// EmailsTakenElsewhere returns which of the e-mail addresses belong to users outside the
// tenant (e-mail addresses are unique platform-wide).
func (s *Store) EmailsTakenElsewhere(ctx context.Context, tenantID string, emails []string) (map[string]bool, error) {
	taken := map[string]bool{}
	for start := 0; start < len(emails); start += 1000 {
		chunk := emails[start:min(start+1000, len(emails))]
		var found []string
		err := s.db.NewSelect().Model((*userRow)(nil)).Column("email").
			Where("email IN (?) AND (tenant_id IS NULL OR tenant_id <> ?)", bun.In(chunk), tenantID).Scan(ctx, &found)
		if err != nil {
			return nil, dbErr("check e-mail addresses", err)
		}
		for _, e := range found {
			taken[e] = true
		}
	}
	return taken, nil
}

// InsertStaff creates learners in batches (a 100,000-row import must not take 100,000 round
// trips), with the obligations their municipality's assignments give them. Ids are set on the
// records.
func (s *Store) InsertStaff(ctx context.Context, tenantID string, staff []*StaffRecord) error {
	now := s.now()
	users := make([]userRow, len(staff))
	roles := make([]userRoleRow, len(staff))
	for i, r := range staff {
		r.ID = newID()
		users[i] = userRow{ID: r.ID, TenantID: tenantID, Email: normEmail(r.Email), Name: r.Name, EmployeeNumber: r.EmployeeNumber,
			OrgUnitID: r.OrgUnitID, Active: true, CreatedAt: now, UpdatedAt: now}
		roles[i] = userRoleRow{UserID: r.ID, Role: string(model.RoleLearner)}
	}
	err := s.copyStaff(ctx, users, roles)
	if errors.Is(err, errNoCopy) {
		err = s.insertStaff(ctx, users, roles)
	}
	if isUniqueViolation(err) {
		return model.Conflict("an e-mail address or employee number of the file is taken by another account")
	}
	if err != nil {
		return dbErr("import staff", err)
	}
	return s.obligationsOfNewPeople(ctx, tenantID, users)
}

// copyStaff writes new users and their roles with COPY (PostgreSQL).
func (s *Store) copyStaff(ctx context.Context, users []userRow, roles []userRoleRow) error {
	if s.conn == nil {
		return errNoCopy
	}
	rows := make([][]any, len(users))
	for i, u := range users {
		ids, err := copyUUIDs(u.ID, u.TenantID, u.OrgUnitID)
		if err != nil {
			return err
		}
		rows[i] = []any{ids[0], ids[1], u.Email, u.Name, nullIfEmpty(u.EmployeeNumber), ids[2], u.Active, u.CreatedAt, u.UpdatedAt}
	}
	if err := s.copyFrom(ctx, "users", []string{"id", "tenant_id", "email", "name", "employee_number", "org_unit_id", "active", "created_at", "updated_at"}, rows); err != nil {
		return err
	}
	for i, r := range roles {
		rows[i] = []any{rows[i][0], r.Role} // the user's id, parsed above
	}
	return s.copyFrom(ctx, "user_roles", []string{"user_id", "role"}, rows)
}

// insertStaff writes new users and their roles in multi-row INSERTs of 500 (SQLite).
func (s *Store) insertStaff(ctx context.Context, users []userRow, roles []userRoleRow) error {
	for start := 0; start < len(users); start += 500 {
		end := min(start+500, len(users))
		u, r := users[start:end], roles[start:end]
		if _, err := s.db.NewInsert().Model(&u).Exec(ctx); err != nil {
			return err
		}
		if _, err := s.db.NewInsert().Model(&r).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// UpdateStaff writes the imported fields of existing users; re-activates those who were
// deactivated and are on the list again. It leaves obligations alone, because an import
// updates many people one by one: the caller refreshes them once for all updated people
// (RefreshObligations).
func (s *Store) UpdateStaff(ctx context.Context, r StaffRecord) error {
	_, err := s.db.NewUpdate().Model((*userRow)(nil)).
		Set("email = ?", normEmail(r.Email)).Set("name = ?", r.Name).
		Set("employee_number = ?", nullIfEmpty(r.EmployeeNumber)).Set("org_unit_id = ?", nullIfEmpty(r.OrgUnitID)).
		Set("active = ?", true).Set("deactivated_at = NULL").Set("updated_at = ?", s.now()).
		Where("id = ?", r.ID).Exec(ctx)
	if isUniqueViolation(err) {
		return model.Conflict("the e-mail address %s or the employee number %q is taken by another account", r.Email, r.EmployeeNumber)
	}
	return dbErr("update staff", err)
}

// DeactivateStaff deactivates users (kept with their history) and ends their sessions.
func (s *Store) DeactivateStaff(ctx context.Context, ids []string) error {
	now := s.now()
	for start := 0; start < len(ids); start += 1000 {
		chunk := ids[start:min(start+1000, len(ids))]
		if _, err := s.db.NewUpdate().Model((*userRow)(nil)).Set("active = ?", false).Set("deactivated_at = ?", now).
			Set("updated_at = ?", now).Where("id IN (?)", bun.In(chunk)).Exec(ctx); err != nil {
			return dbErr("deactivate staff", err)
		}
		if _, err := s.db.NewUpdate().Model((*refreshTokenRow)(nil)).Set("revoked_at = ?", now).
			Where("user_id IN (?) AND revoked_at IS NULL", bun.In(chunk)).Exec(ctx); err != nil {
			return dbErr("end sessions", err)
		}
		// Deactivated people owe nothing any more; their certificates and history stay.
		if _, err := s.db.NewDelete().Model((*obligationRow)(nil)).Where("user_id IN (?)", bun.In(chunk)).Exec(ctx); err != nil {
			return dbErr("remove obligations", err)
		}
	}
	return nil
}
