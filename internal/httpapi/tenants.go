package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/model"
)

type tenantPatch struct {
	Name     *string `json:"name"`
	Settings *struct {
		DefaultLanguage *string `json:"default_language"`
		MinGroupSize    *int    `json:"min_group_size"`
		NamedReports    *bool   `json:"named_reports"`
		ReminderMails   *bool   `json:"reminder_mails"`
		RetentionDays   *int    `json:"retention_days"`
	} `json:"settings"`
}

func (p tenantPatch) apply(t *model.Tenant) {
	if p.Name != nil {
		t.Name = *p.Name
	}
	if s := p.Settings; s != nil {
		if s.DefaultLanguage != nil {
			t.Settings.DefaultLanguage = *s.DefaultLanguage
		}
		if s.MinGroupSize != nil {
			t.Settings.MinGroupSize = *s.MinGroupSize
		}
		if s.NamedReports != nil {
			t.Settings.NamedReports = *s.NamedReports
		}
		if s.ReminderMails != nil {
			t.Settings.ReminderMails = *s.ReminderMails
		}
		if s.RetentionDays != nil {
			t.Settings.RetentionDays = *s.RetentionDays
		}
	}
}

// ownTenant is the caller's tenant: their own, or for operators the one named by ?tenant=.
func (a *API) ownTenant(c *fiber.Ctx) (model.Tenant, error) {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return model.Tenant{}, err
	}
	if scope.All() {
		return model.Tenant{}, model.Invalid("tenant", "choose the municipality with ?tenant=<slug>")
	}
	return a.Store.TenantByID(c.UserContext(), scope.TenantID())
}

func (a *API) getOwnTenant(c *fiber.Ctx) error {
	t, err := a.ownTenant(c)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (a *API) updateOwnTenant(c *fiber.Ctx) error {
	t, err := a.ownTenant(c)
	if err != nil {
		return err
	}
	return a.patchTenant(c, t)
}

func (a *API) patchTenant(c *fiber.Ctx, t model.Tenant) error {
	var in tenantPatch
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	in.apply(&t)
	updated, err := a.Identity.UpdateTenant(c.UserContext(), httpx.MustPrincipal(c), t)
	if err != nil {
		return err
	}
	return c.JSON(updated)
}

func (a *API) listTenants(c *fiber.Ctx) error {
	ts, err := a.Store.ListTenants(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(ts)
}

func (a *API) createTenant(c *fiber.Ctx) error {
	var in struct {
		Slug     string          `json:"slug"`
		Name     string          `json:"name"`
		Settings *model.Settings `json:"settings"`
	}
	defaults := model.DefaultSettings()
	in.Settings = &defaults // settings left out of the body keep their defaults
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	t, err := a.Identity.CreateTenant(c.UserContext(), httpx.MustPrincipal(c), identity.TenantInput{Slug: in.Slug, Name: in.Name, Settings: in.Settings})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(t)
}

func (a *API) getTenant(c *fiber.Ctx) error {
	t, err := a.Store.TenantBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (a *API) updateTenant(c *fiber.Ctx) error {
	t, err := a.Store.TenantBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	return a.patchTenant(c, t)
}
