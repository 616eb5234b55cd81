// Package identity is who may sign in and as whom: login, token refresh and logout,
// set-password links, and the tenants and users that identities belong to. It combines the
// primitives of auth with the records of store.
package identity

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/wachsam/wachsam/internal/auth"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// Service is the identity domain.
type Service struct {
	store      *store.Store
	hasher     *auth.Hasher
	keys       *auth.Keyring
	accessTTL  time.Duration
	refreshTTL time.Duration
	perIP      *auth.Limiter
	perAccount *auth.Limiter
	baseURL    *url.URL
	linkTTL    time.Duration
	messages   Messages
}

// Messages looks up a catalogue entry in a language and fills in its parameters, as
// i18n.Catalog.T does.
type Messages interface {
	T(lang, key string, args ...any) string
}

// Options configure a Service.
type Options struct {
	Store              *store.Store
	Hasher             *auth.Hasher
	Keys               *auth.Keyring
	AccessTTL          time.Duration
	RefreshTTL         time.Duration
	LoginLimitPerIP    int
	LoginLimitPerUser  int
	LoginLimitWindow   time.Duration
	BaseURL            *url.URL
	SetPasswordLinkTTL time.Duration // default 7 days
	// Messages hold the texts of the staff import's problems (frontend/i18n); required.
	Messages Messages
}

// New builds the service.
func New(o Options) *Service {
	if o.Messages == nil {
		panic("identity: Options.Messages is required") // a wiring mistake, not a user's
	}
	if o.SetPasswordLinkTTL == 0 {
		o.SetPasswordLinkTTL = 7 * 24 * time.Hour
	}
	return &Service{
		store: o.Store, hasher: o.Hasher, keys: o.Keys, accessTTL: o.AccessTTL, refreshTTL: o.RefreshTTL,
		perIP:      auth.NewLimiter(o.LoginLimitPerIP, o.LoginLimitWindow),
		perAccount: auth.NewLimiter(o.LoginLimitPerUser, o.LoginLimitWindow),
		baseURL:    o.BaseURL, linkTTL: o.SetPasswordLinkTTL, messages: o.Messages,
	}
}

// Tokens is what a login or refresh hands out.
type Tokens struct {
	AccessToken    string
	RefreshToken   string
	AccessExpires  time.Time
	RefreshExpires time.Time
	ExpiresIn      int // seconds until the access token expires
}

// ErrBadCredentials is the one answer for a wrong password, an unknown e-mail, a user without
// a password and a deactivated user, so that the answer reveals nothing.
var ErrBadCredentials = &model.DetailedError{Kind: model.ErrUnauthorized, Detail: "E-mail address or password is wrong."}

// ErrTooManyAttempts is returned when a login limit is reached.
var ErrTooManyAttempts = &model.DetailedError{Kind: model.ErrRateLimited, Detail: "Too many login attempts; wait a few minutes and try again."}

// Login checks e-mail and password and opens a new session (a new refresh-token family).
func (s *Service) Login(ctx context.Context, email, password, clientIP string) (Tokens, model.User, error) {
	if !s.perIP.Allow(clientIP) || !s.perAccount.Allow(normEmail(email)) {
		return Tokens{}, model.User{}, ErrTooManyAttempts
	}
	user, hash, err := s.store.Credentials(ctx, email)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return Tokens{}, model.User{}, err
	}
	// Verify runs even for unknown e-mails (against a dummy hash) so timing tells nothing.
	if len(password) > auth.MaxPasswordLength {
		password = password[:auth.MaxPasswordLength]
	}
	if !s.hasher.Verify(password, hash) || !user.Active {
		return Tokens{}, model.User{}, ErrBadCredentials
	}
	s.perAccount.Reset(normEmail(email))
	t, err := s.newSession(ctx, user)
	return t, user, err
}

// newSession signs an access token and stores the first refresh token of a new family.
func (s *Service) newSession(ctx context.Context, u model.User) (Tokens, error) {
	t, err := s.signAccess(u)
	if err != nil {
		return Tokens{}, err
	}
	var hash string
	t.RefreshToken, hash = auth.NewOpaqueToken()
	t.RefreshExpires = time.Now().Add(s.refreshTTL)
	if _, err := s.store.StoreRefreshToken(ctx, u.ID, "", hash, t.RefreshExpires); err != nil {
		return Tokens{}, err
	}
	return t, nil
}

func (s *Service) signAccess(u model.User) (Tokens, error) {
	access, exp, err := s.keys.Issue(principalOf(u), s.accessTTL)
	if err != nil {
		return Tokens{}, fmt.Errorf("identity: sign access token: %w", err)
	}
	return Tokens{AccessToken: access, AccessExpires: exp, ExpiresIn: int(s.accessTTL.Seconds())}, nil
}

func principalOf(u model.User) auth.Principal {
	return auth.Principal{UserID: u.ID, TenantID: u.TenantID, Roles: u.Roles, Language: u.Language, Name: u.Name}
}

// ErrSessionEnded is the answer to an unknown, expired, revoked or reused refresh token.
var ErrSessionEnded = &model.DetailedError{Kind: model.ErrUnauthorized, Detail: "The session has ended; please sign in again."}

// ErrRefreshRaced answers a refresh token that another request spent moments ago; the
// session continues with the successor that request received.
var ErrRefreshRaced = &model.DetailedError{Kind: model.ErrUnauthorized, Detail: "This refresh token was used a moment ago; continue with the tokens that request received."}

// Refresh spends a refresh token and returns a new pair. Presenting a token that was already
// spent revokes its whole family: either the user or a thief holds a copy, and we cannot tell
// which, so both must sign in again.
func (s *Service) Refresh(ctx context.Context, refreshToken string) (Tokens, error) {
	if refreshToken == "" {
		return Tokens{}, ErrSessionEnded
	}
	next, nextHash := auth.NewOpaqueToken()
	refreshExp := time.Now().Add(s.refreshTTL)
	userID, outcome, err := s.store.RotateRefreshToken(ctx, auth.HashOpaque(refreshToken), nextHash, refreshExp)
	if err != nil {
		return Tokens{}, err
	}
	switch outcome {
	case store.RefreshRaced:
		return Tokens{}, ErrRefreshRaced
	case store.RefreshInvalid, store.RefreshReused:
		return Tokens{}, ErrSessionEnded
	}
	user, err := s.store.UserByID(ctx, store.AllTenants(), userID)
	if err != nil || !user.Active {
		_ = s.store.RevokeUserTokens(ctx, userID)
		return Tokens{}, ErrSessionEnded
	}
	// The successor is stored already, in the rotation's transaction; sign the access token.
	t, err := s.signAccess(user)
	if err != nil {
		return Tokens{}, err
	}
	t.RefreshToken, t.RefreshExpires = next, refreshExp
	return t, nil
}

// Logout ends the session the refresh token belongs to.
func (s *Service) Logout(ctx context.Context, refreshToken string) error {
	if refreshToken == "" {
		return nil
	}
	return s.store.RevokeRefreshFamily(ctx, auth.HashOpaque(refreshToken))
}

// Authenticate verifies an access token.
func (s *Service) Authenticate(accessToken string) (auth.Principal, error) {
	p, err := s.keys.Verify(accessToken)
	if err != nil {
		return auth.Principal{}, &model.DetailedError{Kind: model.ErrUnauthorized, Detail: "Missing, invalid or expired access token."}
	}
	return p, nil
}

// DeriveKey returns a secret for one purpose derived from the token-signing key (page cursors).
func (s *Service) DeriveKey(purpose string) []byte { return s.keys.DeriveKey(purpose) }

// SetPasswordLink creates a single-use link with which a user sets their password.
func (s *Service) SetPasswordLink(ctx context.Context, userID string) (string, error) {
	token, hash := auth.NewOpaqueToken()
	if err := s.store.StorePasswordToken(ctx, userID, hash, time.Now().Add(s.linkTTL)); err != nil {
		return "", err
	}
	return s.baseURL.String() + "/set-password?token=" + url.QueryEscape(token), nil
}

// ErrLinkInvalid is the answer to a used, expired or unknown set-password link.
var ErrLinkInvalid = &model.DetailedError{Kind: model.ErrNotFound, Detail: "This link has been used or has expired. Ask your administrator for a new one."}

// CheckSetPasswordLink reports whether a set-password link can still be used.
func (s *Service) CheckSetPasswordLink(ctx context.Context, token string) error {
	if _, err := s.store.PasswordTokenUser(ctx, auth.HashOpaque(token)); err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return ErrLinkInvalid
		}
		return err
	}
	return nil
}

// SetPassword spends a set-password link and sets the password; every session of the user ends.
func (s *Service) SetPassword(ctx context.Context, token, password string) (model.User, error) {
	if err := auth.CheckPolicy(password); err != nil {
		return model.User{}, model.Invalid("password", err.Error())
	}
	userID, err := s.store.UsePasswordToken(ctx, auth.HashOpaque(token), s.hasher.Hash(password))
	if errors.Is(err, model.ErrNotFound) {
		return model.User{}, ErrLinkInvalid
	}
	if err != nil {
		return model.User{}, err
	}
	return s.store.UserByID(ctx, store.AllTenants(), userID)
}

// SetTokenClock replaces the clock access tokens are issued and checked by (tests of expiry).
func (s *Service) SetTokenClock(now func() time.Time) { s.keys.SetClock(now) }

// WithStore returns a copy of the service that works on st (a transaction), so that several
// steps commit or roll back together.
func (s *Service) WithStore(st *store.Store) *Service {
	c := *s
	c.store = st
	return &c
}

// SetPasswordLinkTTL is how long a set-password link stays valid (shown in invitations).
func (s *Service) SetPasswordLinkTTL() time.Duration { return s.linkTTL }
