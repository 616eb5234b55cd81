package web

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// The org units pages (hr and admins, as /api/v1/admin/org-units): the municipality's tree with
// how many people each unit holds, creating a unit by its path, and per unit renaming it and
// deleting it when it is empty. Every change goes through identity (CreateOrgUnit,
// RenameOrgUnit, DeleteOrgUnit), which writes the same audit entries as the API.

// unitLine is one org unit of the tree.
type unitLine struct {
	model.OrgUnit
	Depth    int // 0 = top level; the page indents by it
	Members  int // people directly in the unit (deactivated ones too)
	People   int // people in the unit and its sub-units
	SubUnits int // direct sub-units
}

// Empty reports whether the unit may be deleted (the store's rule: no sub-units, no members).
func (u unitLine) Empty() bool { return u.Members == 0 && u.SubUnits == 0 }

type unitsData struct {
	Units  []unitLine
	Path   string            // the create form as typed
	Errors map[string]string // field → message key
}

type unitData struct {
	Unit   unitLine
	Name   string            // the rename form as typed
	Errors map[string]string // field → message key
}

// unitTree reads the municipality's units in path order (parents first) with their counts.
func (w *Web) unitTree(c *fiber.Ctx, scope store.Scope) ([]unitLine, error) {
	units, err := w.store.ListOrgUnits(c.UserContext(), scope)
	if err != nil {
		return nil, err
	}
	members, err := w.store.OrgUnitMembers(c.UserContext(), scope)
	if err != nil {
		return nil, err
	}
	lines := make([]unitLine, len(units))
	byID := make(map[string]int, len(units))
	for i, u := range units {
		lines[i] = unitLine{OrgUnit: u, Depth: strings.Count(u.Path, "/"), Members: members[u.ID]}
		byID[u.ID] = i
	}
	for i, u := range lines {
		if j, ok := byID[u.ParentID]; ok {
			lines[j].SubUnits++
		}
		// Every ancestor counts this unit's own members (paths list parents first).
		for id := lines[i].ID; id != ""; {
			j, ok := byID[id]
			if !ok {
				break
			}
			lines[j].People += u.Members
			id = lines[j].ParentID
		}
	}
	return lines, nil
}

func (w *Web) unitsView(c *fiber.Ctx, scope store.Scope, path string, errs map[string]string) (*View, error) {
	lines, err := w.unitTree(c, scope)
	if err != nil {
		return nil, err
	}
	v := w.pageView(c, unitsData{Units: lines, Path: path, Errors: errs})
	return v, nil
}

func (w *Web) orgUnitsPage(c *fiber.Ctx) error {
	_, scope, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	v, err := w.unitsView(c, scope, "", nil)
	if err != nil {
		return err
	}
	switch c.Query("done") {
	case "created":
		v.Notice = "units.created"
	case "exists":
		v.Notice = "units.exists"
	case "deleted":
		v.Notice = "units.deleted"
	}
	return w.renderUser(c, fiber.StatusOK, "admin_orgunits", "units.title", v)
}

// createOrgUnit creates the unit at the typed path with any missing parents; a path that
// exists already is no error, as in the API, but the page says so.
func (w *Web) createOrgUnit(c *fiber.Ctx) error {
	_, scope, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	path := strings.TrimSpace(c.FormValue("path"))
	_, created, err := w.identity.CreateOrgUnit(c.UserContext(), httpx.MustPrincipal(c), scope, path)
	var ve *model.ValidationError
	switch {
	case err == nil && created:
		return c.Redirect("/admin/org-units?done=created", fiber.StatusSeeOther)
	case err == nil:
		return c.Redirect("/admin/org-units?done=exists", fiber.StatusSeeOther)
	case !errors.As(err, &ve):
		return err
	}
	v, err := w.unitsView(c, scope, path, map[string]string{"path": "units.err.path"})
	if err != nil {
		return err
	}
	v.Error = "form.has_errors"
	return w.renderUser(c, fiber.StatusUnprocessableEntity, "admin_orgunits", "units.title", v)
}

// unitView finds one unit of the municipality with its counts; another municipality's unit is
// not found, like a missing one.
func (w *Web) unitView(c *fiber.Ctx, scope store.Scope, id, name string, errs map[string]string) (*View, error) {
	unit, err := w.store.OrgUnitByID(c.UserContext(), scope, id)
	if err != nil {
		return nil, err
	}
	lines, err := w.unitTree(c, scope)
	if err != nil {
		return nil, err
	}
	d := unitData{Unit: unitLine{OrgUnit: unit}, Name: name, Errors: errs}
	for _, l := range lines {
		if l.ID == unit.ID {
			d.Unit = l
		}
	}
	if name == "" && errs == nil {
		d.Name = unit.Name
	}
	v := w.pageView(c, d)
	v.Title = unit.Path
	return v, nil
}

func (w *Web) orgUnitPage(c *fiber.Ctx) error {
	_, scope, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	v, err := w.unitView(c, scope, c.Params("id"), "", nil)
	if err != nil {
		return err
	}
	if c.Query("done") == "renamed" {
		v.Notice = "units.renamed"
	}
	return w.renderUser(c, fiber.StatusOK, "admin_orgunit", "", v)
}

// renameOrgUnit gives the unit a new name; its sub-units and people move along.
func (w *Web) renameOrgUnit(c *fiber.Ctx) error {
	_, scope, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	id, name := c.Params("id"), strings.TrimSpace(c.FormValue("name"))
	_, err = w.identity.RenameOrgUnit(c.UserContext(), httpx.MustPrincipal(c), scope, id, name)
	var ve *model.ValidationError
	errs := map[string]string{}
	switch {
	case err == nil:
		return c.Redirect("/admin/org-units/"+url.PathEscape(id)+"?done=renamed", fiber.StatusSeeOther)
	case errors.As(err, &ve):
		errs["name"] = "units.err.name"
	case errors.Is(err, model.ErrConflict):
		errs["name"] = "units.err.name_taken"
	default:
		return err // another municipality's or a missing unit: 404
	}
	v, err := w.unitView(c, scope, id, name, errs)
	if err != nil {
		return err
	}
	v.Error = "form.has_errors"
	return w.renderUser(c, fiber.StatusUnprocessableEntity, "admin_orgunit", "", v)
}

// deleteOrgUnit removes an empty unit. The page offers it only for empty ones; should people
// have been added meanwhile, the unit's page says what is left, as the API's conflict does.
func (w *Web) deleteOrgUnit(c *fiber.Ctx) error {
	_, scope, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	id := c.Params("id")
	_, err = w.identity.DeleteOrgUnit(c.UserContext(), httpx.MustPrincipal(c), scope, id)
	switch {
	case err == nil:
		return c.Redirect("/admin/org-units?done=deleted", fiber.StatusSeeOther)
	case !errors.Is(err, model.ErrConflict):
		return err
	}
	v, err := w.unitView(c, scope, id, "", nil)
	if err != nil {
		return err
	}
	v.Error = "units.err.not_empty"
	return w.renderUser(c, fiber.StatusConflict, "admin_orgunit", "", v)
}
