package identity

import (
	"context"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// Org units are changed here, for the API and the admin pages alike, so both write the same
// audit entries (org_unit.create, .rename, .delete) in the same transaction as the change.

// CreateOrgUnit creates the unit at path and any missing parents. created is false when the
// path existed already; then nothing is written, not even to the audit log.
func (s *Service) CreateOrgUnit(ctx context.Context, actor auth.Principal, scope store.Scope, path string) (unit model.OrgUnit, created bool, err error) {
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if _, err := tx.OrgUnitByPath(ctx, scope, path); err == nil {
			created = false
		} else {
			created = true
		}
		if unit, err = tx.EnsureOrgUnit(ctx, scope, path); err != nil {
			return err
		}
		if !created {
			return nil
		}
		return s.WithStore(tx).audit(ctx, actor, unit.TenantID, "org_unit.create", unit.Path, nil)
	})
	return unit, created, err
}

// RenameOrgUnit gives a unit a new name (its sub-units move along); the audit entry names the
// new path and the old one.
func (s *Service) RenameOrgUnit(ctx context.Context, actor auth.Principal, scope store.Scope, id, name string) (model.OrgUnit, error) {
	var unit model.OrgUnit
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		old, err := tx.OrgUnitByID(ctx, scope, id)
		if err != nil {
			return err
		}
		if unit, err = tx.RenameOrgUnit(ctx, scope, id, name); err != nil {
			return err
		}
		return s.WithStore(tx).audit(ctx, actor, unit.TenantID, "org_unit.rename", unit.Path, map[string]string{"from": old.Path})
	})
	return unit, err
}

// DeleteOrgUnit removes an empty unit; one with sub-units or members is a conflict that says
// how many of each are left.
func (s *Service) DeleteOrgUnit(ctx context.Context, actor auth.Principal, scope store.Scope, id string) (model.OrgUnit, error) {
	var unit model.OrgUnit
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if unit, err = tx.OrgUnitByID(ctx, scope, id); err != nil {
			return err
		}
		if err := tx.DeleteOrgUnit(ctx, scope, unit.ID); err != nil {
			return err
		}
		return s.WithStore(tx).audit(ctx, actor, unit.TenantID, "org_unit.delete", unit.Path, nil)
	})
	return unit, err
}
