package auth

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/wachsam/wachsam/internal/model"
)

const issuer = "wachsam"

// ErrInvalidToken covers every reason an access token is refused; callers answer 401 and need
// not know which check failed.
var ErrInvalidToken = errors.New("invalid or expired access token")

// Keyring signs access tokens with the current Ed25519 key and verifies tokens of the current
// and previous keys, chosen by the token's kid header. The algorithm is pinned to EdDSA, so
// `none` and algorithm-switching tokens (HS256 signed with the public key) are refused.
type Keyring struct {
	kid      string
	signer   ed25519.PrivateKey
	keys     map[string]ed25519.PublicKey
	now      func() time.Time
	verified verifiedCache
}

// GenerateKey returns a new signing key in the form WACHSAM_TOKEN_KEY expects (base64 seed).
func GenerateKey() string {
	return base64.StdEncoding.EncodeToString(randomBytes(ed25519.SeedSize))
}

// NewKeyring builds a keyring from the current key and earlier ones that still verify.
func NewKeyring(current string, previous ...string) (*Keyring, error) {
	priv, err := parseSeed(current)
	if err != nil {
		return nil, fmt.Errorf("WACHSAM_TOKEN_KEY: %w", err)
	}
	k := &Keyring{signer: priv, keys: map[string]ed25519.PublicKey{}, now: time.Now}
	k.kid = k.add(priv.Public().(ed25519.PublicKey))
	for i, s := range previous {
		p, err := parseSeed(s)
		if err != nil {
			return nil, fmt.Errorf("WACHSAM_TOKEN_PREVIOUS_KEYS, key %d: %w", i+1, err)
		}
		k.add(p.Public().(ed25519.PublicKey))
	}
	return k, nil
}

func parseSeed(s string) (ed25519.PrivateKey, error) {
	seed, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, errors.New("must be 32 random bytes in base64 (generate one with `wachsam token-key`)")
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// add registers a public key under its id: a digest of the key itself, so ids never collide
// and need no configuration.
func (k *Keyring) add(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	kid := hex.EncodeToString(sum[:8])
	k.keys[kid] = pub
	return kid
}

// SetClock replaces the clock (tests of expiry).
func (k *Keyring) SetClock(now func() time.Time) { k.now = now }

type claims struct {
	jwt.RegisteredClaims
	TenantID string       `json:"tid,omitempty"`
	Roles    []model.Role `json:"roles"`
	Language string       `json:"lang,omitempty"`
	Name     string       `json:"name,omitempty"`
}

// Issue signs an access token for p valid for ttl.
func (k *Keyring) Issue(p Principal, ttl time.Duration) (string, time.Time, error) {
	now := k.now()
	exp := now.Add(ttl)
	c := claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: issuer, Subject: p.UserID, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(exp),
		},
		TenantID: p.TenantID, Roles: p.Roles, Language: p.Language, Name: p.Name,
	}
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	t.Header["kid"] = k.kid
	s, err := t.SignedString(k.signer)
	return s, exp, err
}

// Verify checks a token's signature, algorithm, issuer and expiry and returns its principal.
//
// A token verified once is remembered until it expires (see verifiedCache), so a browser or
// API client sending the same token with every request pays for the Ed25519 check once. This
// changes nothing about revocation: an access token cannot be revoked anyway, it lives until
// its expiry, which the cache checks on every hit.
func (k *Keyring) Verify(token string) (Principal, error) {
	now := k.now()
	key := sha256.Sum256([]byte(token))
	if p, ok := k.verified.get(key, now); ok {
		return p, nil
	}
	p, exp, err := k.verify(token)
	if err != nil {
		return Principal{}, err
	}
	k.verified.put(key, p, exp, now)
	return p, nil
}

func (k *Keyring) verify(token string) (Principal, time.Time, error) {
	var c claims
	_, err := jwt.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		pub, ok := k.keys[kid]
		if !ok {
			return nil, errors.New("unknown key id")
		}
		return pub, nil
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(k.now),
	)
	if err != nil || c.Subject == "" || c.ExpiresAt == nil {
		return Principal{}, time.Time{}, ErrInvalidToken
	}
	return Principal{UserID: c.Subject, TenantID: c.TenantID, Roles: c.Roles, Language: c.Language, Name: c.Name}, c.ExpiresAt.Time, nil
}
