package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/wachsam/wachsam/internal/model"
)

type orgUnitRow struct {
	bun.BaseModel `bun:"table:org_units,alias:ou"`

	ID        string    `bun:"id,pk"`
	TenantID  string    `bun:"tenant_id"`
	ParentID  string    `bun:"parent_id,nullzero"`
	Name      string    `bun:"name"`
	Path      string    `bun:"path"`
	CreatedAt time.Time `bun:"created_at"`
}

func (r *orgUnitRow) model() model.OrgUnit {
	return model.OrgUnit{ID: r.ID, TenantID: r.TenantID, ParentID: r.ParentID, Name: r.Name, Path: r.Path}
}

// errNeedsTenant is returned when an operator's all-tenants scope tries to create tenant data.
var errNeedsTenant = model.Invalid("tenant", "choose the municipality to change with ?tenant=<slug>")

// ListOrgUnits returns the scope's org units ordered by path (parents before children).
func (s *Store) ListOrgUnits(ctx context.Context, scope Scope) ([]model.OrgUnit, error) {
	var rows []orgUnitRow
	if err := s.db.NewSelect().Model(&rows).ApplyQueryBuilder(scope.where("ou.tenant_id")).Order("path").Scan(ctx); err != nil {
		return nil, dbErr("list org units", err)
	}
	out := make([]model.OrgUnit, len(rows))
	for i := range rows {
		out[i] = rows[i].model()
	}
	return out, nil
}

// OrgUnitByID finds an org unit inside the scope.
func (s *Store) OrgUnitByID(ctx context.Context, scope Scope, id string) (model.OrgUnit, error) {
	if err := checkID("org unit", id); err != nil {
		return model.OrgUnit{}, err
	}
	var row orgUnitRow
	err := s.db.NewSelect().Model(&row).ApplyQueryBuilder(scope.where("ou.tenant_id")).Where("ou.id = ?", id).Scan(ctx)
	return row.model(), dbErr("org unit", err)
}

// OrgUnitByPath finds an org unit by its path inside a one-tenant scope.
func (s *Store) OrgUnitByPath(ctx context.Context, scope Scope, path string) (model.OrgUnit, error) {
	norm, err := model.NormalizeOrgUnitPath(path)
	if err != nil {
		return model.OrgUnit{}, err
	}
	var row orgUnitRow
	err = s.db.NewSelect().Model(&row).ApplyQueryBuilder(scope.where("ou.tenant_id")).Where("ou.path = ?", norm).Scan(ctx)
	return row.model(), dbErr(fmt.Sprintf("org unit %q", norm), err)
}

// EnsureOrgUnit returns the org unit at path, creating it and any missing parents.
func (s *Store) EnsureOrgUnit(ctx context.Context, scope Scope, path string) (model.OrgUnit, error) {
	if scope.all || scope.tenantID == "" {
		return model.OrgUnit{}, errNeedsTenant
	}
	parts, err := model.SplitOrgUnitPath(path)
	if err != nil {
		return model.OrgUnit{}, err
	}
	var unit model.OrgUnit
	err = s.InTx(ctx, func(tx *Store) error {
		parentID := ""
		for i, name := range parts {
			p := strings.Join(parts[:i+1], "/")
			var row orgUnitRow
			err := tx.db.NewSelect().Model(&row).Where("tenant_id = ? AND path = ?", scope.tenantID, p).Scan(ctx)
			if err = dbErr("org unit", err); err != nil && !isNotFound(err) {
				return err
			} else if err != nil {
				row = orgUnitRow{ID: newID(), TenantID: scope.tenantID, ParentID: parentID, Name: name, Path: p, CreatedAt: tx.now()}
				if _, err := tx.db.NewInsert().Model(&row).Exec(ctx); err != nil {
					return dbErr("create org unit "+p, err)
				}
			}
			parentID = row.ID
			unit = row.model()
		}
		return nil
	})
	return unit, err
}

// OrgUnitPlan hands out org unit ids for paths, as EnsureOrgUnit would, without writing: a
// staff import names thousands of units and asks for each row's unit while it decides about
// the rows; Create then writes the units it handed out that did not exist, parents first, in a
// few multi-row inserts instead of a few statements per unit. Units of rows that were
// rejected before asking are never created.
type OrgUnitPlan struct {
	tenantID string
	byPath   map[string]string // canonical path → id, existing and planned
	ids      map[string]string // path as asked → id
	fresh    []orgUnitRow      // planned, in the order parents first
}

// PlanOrgUnits reads the scope's org units for an OrgUnitPlan.
func (s *Store) PlanOrgUnits(ctx context.Context, scope Scope) (*OrgUnitPlan, error) {
	if scope.all || scope.tenantID == "" {
		return nil, errNeedsTenant
	}
	var existing []orgUnitRow
	if err := s.db.NewSelect().Model(&existing).Column("id", "path").Where("tenant_id = ?", scope.tenantID).Scan(ctx); err != nil {
		return nil, dbErr("org units", err)
	}
	p := &OrgUnitPlan{tenantID: scope.tenantID, byPath: make(map[string]string, len(existing)), ids: map[string]string{}}
	for _, u := range existing {
		p.byPath[u.Path] = u.ID
	}
	return p, nil
}

// ID returns the id of the unit at path, planning it and its missing parents; an invalid path
// is a model.ValidationError.
func (p *OrgUnitPlan) ID(path string) (string, error) {
	if id, ok := p.ids[path]; ok {
		return id, nil
	}
	parts, err := model.SplitOrgUnitPath(path)
	if err != nil {
		return "", err
	}
	parentID := ""
	for i, name := range parts {
		full := strings.Join(parts[:i+1], "/")
		id, ok := p.byPath[full]
		if !ok {
			id = newID()
			p.byPath[full] = id
			p.fresh = append(p.fresh, orgUnitRow{ID: id, TenantID: p.tenantID, ParentID: parentID, Name: name, Path: full})
		}
		parentID = id
	}
	p.ids[path] = parentID
	return parentID, nil
}

// Existing returns the id of the unit at path if it exists or is planned already, "" if not,
// without planning anything: to compare a row with what is stored before deciding to take it. An
// invalid path is a model.ValidationError.
func (p *OrgUnitPlan) Existing(path string) (string, error) {
	if id, ok := p.ids[path]; ok {
		return id, nil
	}
	full, err := model.NormalizeOrgUnitPath(path)
	if err != nil {
		return "", err
	}
	return p.byPath[full], nil
}

// New lists the paths of the units planned that do not exist yet, parents first: what Create
// will write.
func (p *OrgUnitPlan) New() []string {
	paths := make([]string, len(p.fresh))
	for i, u := range p.fresh {
		paths[i] = u.Path
	}
	return paths
}

// Create writes the planned units; call it before writing anybody who belongs to one.
func (p *OrgUnitPlan) Create(ctx context.Context, tx *Store) error {
	now := tx.now()
	for start := 0; start < len(p.fresh); start += 500 {
		batch := p.fresh[start:min(start+500, len(p.fresh))]
		for i := range batch {
			batch[i].CreatedAt = now
		}
		if _, err := tx.db.NewInsert().Model(&batch).Exec(ctx); err != nil {
			if isUniqueViolation(err) { // planned from a read that someone else's new unit postdates
				return model.Conflict("an org unit named in the file was created by someone else at the same time; nothing was written; import the file again")
			}
			return dbErr("create org units", err)
		}
	}
	p.fresh = nil
	return nil
}

// RenameOrgUnit gives an org unit a new name and rewrites its own and its descendants' paths.
func (s *Store) RenameOrgUnit(ctx context.Context, scope Scope, id, newName string) (model.OrgUnit, error) {
	parts, err := model.SplitOrgUnitPath(newName)
	if err != nil {
		return model.OrgUnit{}, err
	}
	if len(parts) != 1 {
		return model.OrgUnit{}, model.Invalid("name", "must not contain \"/\"; to move a unit, create it under its new parent")
	}
	var unit model.OrgUnit
	err = s.InTx(ctx, func(tx *Store) error {
		old, err := tx.OrgUnitByID(ctx, scope, id)
		if err != nil {
			return err
		}
		newPath := parts[0]
		if i := strings.LastIndex(old.Path, "/"); i >= 0 {
			newPath = old.Path[:i+1] + parts[0]
		}
		var units []orgUnitRow
		where, args := subtreeOf("path", old.Path)
		if err := tx.db.NewSelect().Model(&units).Where("tenant_id = ?", old.TenantID).Where(where, args...).Scan(ctx); err != nil {
			return dbErr("rename org unit", err)
		}
		for _, u := range units {
			q := tx.db.NewUpdate().Model((*orgUnitRow)(nil)).Set("path = ?", newPath+u.Path[len(old.Path):]).Where("id = ?", u.ID)
			if u.ID == id {
				q = q.Set("name = ?", parts[0])
			}
			if _, err := q.Exec(ctx); err != nil {
				return dbErr("rename org unit to "+newPath, err)
			}
		}
		unit, err = tx.OrgUnitByID(ctx, scope, id)
		return err
	})
	return unit, err
}

// DeleteOrgUnit removes an empty org unit; one with sub-units or members is model.ErrConflict.
func (s *Store) DeleteOrgUnit(ctx context.Context, scope Scope, id string) error {
	return s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.OrgUnitByID(ctx, scope, id); err != nil {
			return err
		}
		children, err := tx.db.NewSelect().Model((*orgUnitRow)(nil)).Where("parent_id = ?", id).Count(ctx)
		if err != nil {
			return dbErr("count sub-units", err)
		}
		members, err := tx.db.NewSelect().Model((*userRow)(nil)).Where("org_unit_id = ?", id).Count(ctx)
		if err != nil {
			return dbErr("count members", err)
		}
		if children > 0 || members > 0 {
			return model.Conflict("the org unit still has %d sub-units and %d members; move or remove them first", children, members)
		}
		_, err = tx.db.NewDelete().Model((*orgUnitRow)(nil)).Where("id = ?", id).Exec(ctx)
		return dbErr("delete org unit", err)
	})
}

// OrgUnitMembers counts the people directly in each of the scope's org units (deactivated ones
// too, since they also keep a unit from being deleted), by unit id; units without people are
// missing from the map.
func (s *Store) OrgUnitMembers(ctx context.Context, scope Scope) (map[string]int, error) {
	var rows []struct {
		OrgUnitID string `bun:"org_unit_id"`
		N         int    `bun:"n"`
	}
	err := s.db.NewSelect().Model((*userRow)(nil)).ColumnExpr("u.org_unit_id").ColumnExpr("COUNT(*) AS n").
		ApplyQueryBuilder(scope.where("u.tenant_id")).Where("u.org_unit_id IS NOT NULL").GroupExpr("u.org_unit_id").Scan(ctx, &rows)
	if err != nil {
		return nil, dbErr("count org unit members", err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.OrgUnitID] = r.N
	}
	return out, nil
}
