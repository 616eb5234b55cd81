package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

type tenantRef struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

type meResponse struct {
	ID       string       `json:"id"`
	Email    string       `json:"email"`
	Name     string       `json:"name"`
	Language string       `json:"language"`
	Roles    []model.Role `json:"roles"`
	Tenant   *tenantRef   `json:"tenant"`
	OrgUnit  string       `json:"org_unit,omitempty"`
}

func (a *API) me(c *fiber.Ctx) error {
	p := httpx.MustPrincipal(c)
	u, err := a.Store.UserByID(c.UserContext(), store.AllTenants(), p.UserID)
	if err != nil {
		return err
	}
	out := meResponse{ID: u.ID, Email: u.Email, Name: u.Name, Language: u.Language, Roles: u.Roles, OrgUnit: u.OrgUnitPath}
	if u.TenantID != "" {
		t, err := a.Store.TenantByID(c.UserContext(), u.TenantID)
		if err != nil {
			return err
		}
		out.Tenant = &tenantRef{Slug: t.Slug, Name: t.Name}
		if out.Language == "" {
			out.Language = t.Settings.DefaultLanguage
		}
	}
	if out.Language == "" {
		out.Language = "de"
	}
	return c.JSON(out)
}

// updateMe lets users change their own language; everything else is for administrators.
func (a *API) updateMe(c *fiber.Ctx) error {
	var in struct {
		Language *string `json:"language"`
	}
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	p := httpx.MustPrincipal(c)
	// The id is the caller's own, so the all-tenants scope exposes nothing of anyone else.
	if _, err := a.Identity.UpdateUser(c.UserContext(), store.AllTenants(), p, p.UserID, identity.UserInput{Language: in.Language}); err != nil {
		return err
	}
	return a.me(c)
}
