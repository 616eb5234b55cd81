package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
)

func (a *API) listOrgUnits(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	units, err := a.Store.ListOrgUnits(c.UserContext(), scope)
	if err != nil {
		return err
	}
	return c.JSON(units)
}

// createOrgUnit creates the unit at path and any missing parents; an existing path answers 200
// with the unit, so scripts can call it repeatedly.
func (a *API) createOrgUnit(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	var in struct {
		Path string `json:"path"`
	}
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	unit, created, err := a.Identity.CreateOrgUnit(c.UserContext(), httpx.MustPrincipal(c), scope, in.Path)
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(unit)
}

func (a *API) renameOrgUnit(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	var in struct {
		Name string `json:"name"`
	}
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	unit, err := a.Identity.RenameOrgUnit(c.UserContext(), httpx.MustPrincipal(c), scope, c.Params("id"), in.Name)
	if err != nil {
		return err
	}
	return c.JSON(unit)
}

func (a *API) deleteOrgUnit(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	if _, err := a.Identity.DeleteOrgUnit(c.UserContext(), httpx.MustPrincipal(c), scope, c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
