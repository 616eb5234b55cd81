package web

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/identity"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// The municipality's API keys (administrators): the list, a form to create one — its secret is
// shown on the answer page once, Wachsam keeps only its hash — and revocation after a
// confirmation. identity creates, revokes and audits them exactly as for the API.

// apiKeyForm is the create form as the user filled it in, so that an error shows it again.
type apiKeyForm struct {
	Name      string
	Scopes    map[string]bool
	ExpiresOn string // YYYY-MM-DD; "" = until revoked
}

type apiKeysData struct {
	Keys    []model.APIKey
	Scopes  []string // the scopes a key can have, in order
	Form    apiKeyForm
	Errors  map[string]string // field → message key
	Created *model.APIKey     // the key just made, with Secret
	Secret  string
	Now     time.Time
	MinDate string // tomorrow, the earliest expiry the date field offers
}

func (w *Web) apiKeysView(c *fiber.Ctx, scope store.Scope, f apiKeyForm, errs map[string]string) (*View, error) {
	keys, err := w.store.ListAPIKeys(c.UserContext(), scope)
	if err != nil {
		return nil, err
	}
	now := w.store.Now()
	d := &apiKeysData{Keys: keys, Scopes: model.AllScopes, Form: f, Errors: errs, Now: now,
		MinDate: now.In(model.Berlin).AddDate(0, 0, 1).Format(time.DateOnly)}
	v := w.pageView(c, d)
	return v, nil
}

func (w *Web) apiKeysPage(c *fiber.Ctx) error {
	_, scope, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	v, err := w.apiKeysView(c, scope, apiKeyForm{Scopes: map[string]bool{model.ScopeReportsRead: true}}, nil)
	if err != nil {
		return err
	}
	if c.Query("done") == "revoked" {
		v.Notice = "keys.revoked"
	}
	if made := c.Query("made"); made != "" {
		d := v.Data.(*apiKeysData)
		v.Notice = "keys.secret_gone" // reloaded, or another instance: made, but its secret is gone
		if secret, ok := w.keySecrets.take(httpx.MustPrincipal(c).UserID, made); ok {
			for i := range d.Keys {
				if d.Keys[i].ID == made {
					d.Created, d.Secret, v.Notice = &d.Keys[i], secret, "keys.made"
				}
			}
		}
	}
	return w.renderUser(c, fiber.StatusOK, "admin_apikeys", "keys.title", v)
}

// createAPIKey makes a key and redirects to the page that shows its secret, this once
// (secretsShownOnce), so that reloading that page cannot make a second key.
func (w *Web) createAPIKey(c *fiber.Ctx) error {
	_, scope, err := w.adminTenant(c)
	if err != nil {
		return err
	}
	f := apiKeyForm{Name: strings.TrimSpace(c.FormValue("name")), Scopes: map[string]bool{}, ExpiresOn: strings.TrimSpace(c.FormValue("expires_on"))}
	in := identity.APIKeyInput{Name: f.Name}
	for _, s := range c.Request().PostArgs().PeekMulti("scopes") {
		if sc := string(s); slices.Contains(model.AllScopes, sc) {
			f.Scopes[sc] = true
			in.Scopes = append(in.Scopes, sc)
		}
	}
	errs := map[string]string{}
	if f.ExpiresOn != "" {
		// The key works until the end of the chosen day, German time.
		day, err := time.ParseInLocation(time.DateOnly, f.ExpiresOn, model.Berlin)
		if err != nil {
			errs["expires_on"] = "keys.err.expires_on"
		} else {
			end := day.AddDate(0, 0, 1).Add(-time.Second)
			in.ExpiresAt = &end
		}
	}
	if len(errs) == 0 {
		k, secret, err := w.identity.CreateAPIKey(c.UserContext(), scope, httpx.MustPrincipal(c), in)
		var ve *model.ValidationError
		switch {
		case err == nil:
			w.keySecrets.put(httpx.MustPrincipal(c).UserID, k.ID, secret)
			return c.Redirect("/admin/api-keys?made="+url.QueryEscape(k.ID), fiber.StatusSeeOther)
		case errors.As(err, &ve):
			for field := range ve.Fields {
				switch field {
				case "name", "scopes":
					errs[field] = "keys.err." + field
				default: // expires_at: in the past
					errs["expires_on"] = "keys.err.expires_on"
				}
			}
		default:
			return err
		}
	}
	v, err := w.apiKeysView(c, scope, f, errs)
	if err != nil {
		return err
	}
	v.Error = "form.has_errors"
	return w.renderUser(c, fiber.StatusUnprocessableEntity, "admin_apikeys", "keys.title", v)
}

// apiKey is the key of the URL in the municipality; another municipality's is 404.
func (w *Web) apiKey(c *fiber.Ctx) (model.APIKey, store.Scope, error) {
	_, scope, err := w.adminTenant(c)
	if err != nil {
		return model.APIKey{}, store.Scope{}, err
	}
	k, err := w.store.APIKeyByID(c.UserContext(), scope, c.Params("id"))
	return k, scope, err
}

// revokeAPIKeyPage asks for confirmation: a revoked key stops working at once, for good.
func (w *Web) revokeAPIKeyPage(c *fiber.Ctx) error {
	k, _, err := w.apiKey(c)
	if err != nil {
		return err
	}
	v := w.pageView(c, k)
	return w.renderUser(c, fiber.StatusOK, "admin_apikey_revoke", "keys.revoke_title", v)
}

func (w *Web) revokeAPIKey(c *fiber.Ctx) error {
	k, scope, err := w.apiKey(c)
	if err != nil {
		return err
	}
	if _, err := w.identity.RevokeAPIKey(c.UserContext(), scope, httpx.MustPrincipal(c), k.ID); err != nil {
		return err
	}
	return c.Redirect("/admin/api-keys?done=revoked", fiber.StatusSeeOther)
}
