package identity

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// APIKeyInput is what creating an API key takes.
type APIKeyInput struct {
	Name      string
	Scopes    []string
	ExpiresAt *time.Time // nil = until revoked
}

// keyTouchInterval bounds how often a key's last use is written.
const keyTouchInterval = time.Minute

// CreateAPIKey makes a key for the municipality in scope and returns it with its secret, which
// is shown this once: only its hash is stored. The creation is audited (without the secret).
func (s *Service) CreateAPIKey(ctx context.Context, scope store.Scope, actor auth.Principal, in APIKeyInput) (model.APIKey, string, error) {
	if scope.All() {
		return model.APIKey{}, "", model.Invalid("tenant", "choose the municipality with ?tenant=<slug>")
	}
	v := &model.ValidationError{}
	name := strings.TrimSpace(in.Name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		v.Add("name", "must be 1–100 characters that say which system uses the key, such as \"Personalverwaltung LOGA\"")
	}
	var scopes []string
	for _, sc := range in.Scopes {
		if !model.ValidScope(sc) {
			v.Add("scopes", "must list one or more of: "+strings.Join(model.AllScopes, ", ")+"; unknown: "+sc)
			break
		}
		if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	if len(in.Scopes) == 0 {
		v.Add("scopes", "must list one or more of: "+strings.Join(model.AllScopes, ", "))
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.After(s.store.Now()) {
		v.Add("expires_at", "must lie in the future (RFC 3339, such as 2027-12-31T23:59:59+01:00), or be left out for a key that lasts until revoked")
	}
	if err := v.OrNil(); err != nil {
		return model.APIKey{}, "", err
	}
	slices.SortFunc(scopes, func(a, b string) int { return slices.Index(model.AllScopes, a) - slices.Index(model.AllScopes, b) })
	secret, hash := auth.NewAPIKey()
	k := model.APIKey{TenantID: scope.TenantID(), Name: name, Prefix: auth.APIKeyDisplayPrefix(secret), Scopes: scopes,
		CreatedByID: actor.UserID, ExpiresAt: in.ExpiresAt}
	if in.ExpiresAt != nil {
		at := in.ExpiresAt.UTC().Truncate(time.Second)
		k.ExpiresAt = &at
	}
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.CreateAPIKey(ctx, &k, hash); err != nil {
			return err
		}
		details := map[string]string{"id": k.ID, "prefix": k.Prefix, "scopes": strings.Join(k.Scopes, " ")}
		if k.ExpiresAt != nil {
			details["expires_at"] = k.ExpiresAt.Format(time.RFC3339)
		}
		return s.WithStore(tx).audit(ctx, actor, k.TenantID, "api_key.create", k.Name, details)
	})
	if err != nil {
		return model.APIKey{}, "", err
	}
	created, err := s.store.APIKeyByID(ctx, scope, k.ID)
	return created, secret, err
}

// RevokeAPIKey ends a key at once. Revoking it again changes nothing (and is not audited
// again); a key of another municipality is model.ErrNotFound.
func (s *Service) RevokeAPIKey(ctx context.Context, scope store.Scope, actor auth.Principal, id string) (model.APIKey, error) {
	var k model.APIKey
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var changed bool
		var err error
		if k, changed, err = tx.RevokeAPIKey(ctx, scope, id, actor.UserID); err != nil || !changed {
			return err
		}
		return s.WithStore(tx).audit(ctx, actor, k.TenantID, "api_key.revoke", k.Name, map[string]string{"id": k.ID, "prefix": k.Prefix})
	})
	return k, err
}

// ErrAPIKeyInvalid is the one answer for an unknown, revoked or expired key.
var ErrAPIKeyInvalid = &model.DetailedError{Kind: model.ErrUnauthorized, Detail: "The API key is unknown, revoked or expired."}

// AuthenticateKey checks an API key against the database on every request, so a revocation
// or expiry takes effect with the next request. The key acts within its municipality only,
// with its scopes and no role.
func (s *Service) AuthenticateKey(ctx context.Context, key string) (auth.Principal, error) {
	k, err := s.store.APIKeyByHash(ctx, auth.HashAPIKey(key))
	if err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return auth.Principal{}, ErrAPIKeyInvalid
		}
		return auth.Principal{}, err
	}
	now := s.store.Now()
	if !k.Usable(now) {
		return auth.Principal{}, ErrAPIKeyInvalid
	}
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= keyTouchInterval {
		if err := s.store.TouchAPIKey(ctx, k.ID, now, keyTouchInterval); err != nil {
			return auth.Principal{}, err
		}
	}
	return auth.Principal{TenantID: k.TenantID, APIKeyID: k.ID, Scopes: k.Scopes}, nil
}
