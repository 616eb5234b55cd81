package httpapi

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/model"
)

type apiKeyBody struct {
	Name      string     `json:"name"`
	Scopes    []string   `json:"scopes"`
	ExpiresAt *time.Time `json:"expires_at"`
}

type createdAPIKey struct {
	model.APIKey
	// Key is the secret, in this answer only; Wachsam keeps just its hash.
	Key string `json:"key"`
}

// listAPIKeys answers the municipality's keys, newest first, revoked ones included; never
// their secrets.
func (a *API) listAPIKeys(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	keys, err := a.Store.ListAPIKeys(c.UserContext(), scope)
	if err != nil {
		return err
	}
	return c.JSON(keys)
}

// createAPIKey makes a key and shows its secret this once.
func (a *API) createAPIKey(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	var in apiKeyBody
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	k, secret, err := a.Identity.CreateAPIKey(c.UserContext(), scope, httpx.MustPrincipal(c),
		identity.APIKeyInput{Name: in.Name, Scopes: in.Scopes, ExpiresAt: in.ExpiresAt})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(createdAPIKey{APIKey: k, Key: secret})
}

// revokeAPIKey ends a key; its next request is refused.
func (a *API) revokeAPIKey(c *fiber.Ctx) error {
	scope, err := httpx.ScopeOf(c, a.Store)
	if err != nil {
		return err
	}
	if _, err := a.Identity.RevokeAPIKey(c.UserContext(), scope, httpx.MustPrincipal(c), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
