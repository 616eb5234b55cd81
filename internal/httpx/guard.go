package httpx

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

const principalKey = "principal"

// Authenticator verifies access tokens (identity.Service in production).
type Authenticator interface {
	Authenticate(token string) (auth.Principal, error)
}

// SetPrincipal records the authenticated caller for the rest of the request.
func SetPrincipal(c *fiber.Ctx, p auth.Principal) { c.Locals(principalKey, p) }

// PrincipalOf returns the authenticated caller, if any.
func PrincipalOf(c *fiber.Ctx) (auth.Principal, bool) {
	p, ok := c.Locals(principalKey).(auth.Principal)
	return p, ok
}

// MustPrincipal returns the caller on routes behind Bearer or the web session middleware.
func MustPrincipal(c *fiber.Ctx) auth.Principal {
	p, _ := PrincipalOf(c)
	return p
}

// Bearer authenticates API requests by their `Authorization: Bearer` access token.
func Bearer(a Authenticator) fiber.Handler {
	return func(c *fiber.Ctx) error {
		h := c.Get(fiber.HeaderAuthorization)
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || token == "" {
			return &model.DetailedError{Kind: model.ErrUnauthorized, Detail: "Sign in first: send an access token as `Authorization: Bearer <token>`."}
		}
		p, err := a.Authenticate(token)
		if err != nil {
			return err
		}
		SetPrincipal(c, p)
		return c.Next()
	}
}

// Require lets the request through only if the caller holds one of roles.
func Require(roles ...model.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, ok := PrincipalOf(c)
		if !ok {
			return model.ErrUnauthorized
		}
		if !p.HasAny(roles...) {
			return model.ErrForbidden
		}
		return c.Next()
	}
}

// ScopeOf decides which tenant's data the request may touch — the one place where that is
// decided. Tenant users get their own tenant; naming another with ?tenant= answers 404, as if it
// did not exist. Operators get the tenant they name, or all tenants.
func ScopeOf(c *fiber.Ctx, st *store.Store) (store.Scope, error) {
	p, ok := PrincipalOf(c)
	if !ok {
		return store.Scope{}, model.ErrUnauthorized
	}
	slug := c.Query("tenant")
	if !p.IsOperator() {
		if p.TenantID == "" {
			return store.Scope{}, model.ErrForbidden
		}
		if slug != "" {
			t, err := st.TenantBySlug(c.UserContext(), slug)
			if err != nil || t.ID != p.TenantID {
				return store.Scope{}, model.ErrNotFound
			}
		}
		return store.TenantScope(p.TenantID), nil
	}
	if slug == "" {
		return store.AllTenants(), nil
	}
	t, err := st.TenantBySlug(c.UserContext(), slug)
	if errors.Is(err, model.ErrNotFound) {
		return store.Scope{}, &model.DetailedError{Kind: model.ErrNotFound, Detail: "There is no municipality with the slug \"" + slug + "\"."}
	}
	if err != nil {
		return store.Scope{}, err
	}
	return store.TenantScope(t.ID), nil
}
