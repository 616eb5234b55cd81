package httpx

import (
	"context"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

const principalKey = "principal"

// Authenticator verifies access tokens and API keys (identity.Service in production).
type Authenticator interface {
	Authenticate(token string) (auth.Principal, error)
	AuthenticateKey(ctx context.Context, key string) (auth.Principal, error)
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

// authenticate reads the `Authorization: Bearer` token: an API key (told apart by its
// prefix, so the JWT check is never tried on it) or an access token.
func authenticate(c *fiber.Ctx, a Authenticator) (auth.Principal, error) {
	token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok || token == "" {
		return auth.Principal{}, &model.DetailedError{Kind: model.ErrUnauthorized, Detail: "Sign in first: send an access token as `Authorization: Bearer <token>`."}
	}
	if auth.IsAPIKey(token) {
		return a.AuthenticateKey(c.UserContext(), token)
	}
	return a.Authenticate(token)
}

// ErrKeyNotAllowed answers an API key on a route that keys may not call.
var ErrKeyNotAllowed = &model.DetailedError{Kind: model.ErrForbidden,
	Detail: "API keys may only read reports (GET /api/v1/reports/…) their scopes allow; everything else needs a signed-in person."}

// Bearer authenticates API requests by their access token. It refuses API keys (after
// checking them, so an invalid key is 401 everywhere): keys reach only the routes that
// Authorize opens to them, which makes every other route closed to keys by default.
func Bearer(a Authenticator) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := authenticate(c, a)
		if err != nil {
			return err
		}
		SetPrincipal(c, p)
		if p.IsAPIKey() {
			return ErrKeyNotAllowed
		}
		return c.Next()
	}
}

// Authorize authenticates like Bearer and lets through a person holding one of roles, or an
// API key holding scope — the one way a key gets in. Use it only on GET report routes, and
// register them before the Bearer group, whose Bearer would refuse the key first.
func Authorize(a Authenticator, scope string, roles ...model.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := authenticate(c, a)
		if err != nil {
			return err
		}
		SetPrincipal(c, p)
		switch {
		case p.IsAPIKey() && !p.HasScope(scope):
			return model.Forbidden("this API key lacks the scope %s; create a key with it", scope)
		case !p.IsAPIKey() && !p.HasAny(roles...):
			return model.ErrForbidden
		}
		return c.Next()
	}
}

// Require lets the request through only if the caller is a person holding one of roles (an
// API key holds no role).
func Require(roles ...model.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, ok := PrincipalOf(c)
		if !ok {
			return model.ErrUnauthorized
		}
		if p.IsAPIKey() || !p.HasAny(roles...) {
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
