package auth

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/wachsam/wachsam/internal/model"
)

func newTestKeyring(t *testing.T) *Keyring {
	t.Helper()
	k, err := NewKeyring(GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var alice = Principal{UserID: "u1", TenantID: "t1", Roles: []model.Role{model.RoleLearner}}

func TestIssuedTokenVerifies(t *testing.T) {
	k := newTestKeyring(t)
	tok, exp, err := k.Issue(alice, 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(exp); d < 14*time.Minute || d > 15*time.Minute {
		t.Errorf("expiry in %s, want about 15m", d)
	}
	p, err := k.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	if p.UserID != "u1" || p.TenantID != "t1" || !p.Has(model.RoleLearner) {
		t.Errorf("principal = %+v", p)
	}
}

func TestForgedTokensAreRefused(t *testing.T) {
	k := newTestKeyring(t)
	good, _, _ := k.Issue(alice, time.Minute)
	parts := strings.Split(good, ".")
	enc := base64.RawURLEncoding.EncodeToString

	other := newTestKeyring(t)
	wrongKey, _, _ := other.Issue(alice, time.Minute)

	// alg none with the real kid.
	noneHeader := enc([]byte(`{"alg":"none","typ":"JWT","kid":"` + k.kid + `"}`))
	noneToken := noneHeader + "." + parts[1] + "."

	// Algorithm switching: HS256 signed with the (public) verification key as the HMAC secret.
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": issuer, "sub": "u1", "exp": time.Now().Add(time.Minute).Unix(), "iat": time.Now().Unix(), "roles": []string{"operator"}})
	hs.Header["kid"] = k.kid
	switched, _ := hs.SignedString([]byte(k.keys[k.kid]))

	// Tampered payload: the signature no longer matches.
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	tampered := parts[0] + "." + enc([]byte(strings.Replace(string(payload), `"learner"`, `"operator"`, 1))) + "." + parts[2]

	// Expired.
	past := newTestKeyring(t)
	past.SetClock(func() time.Time { return time.Now().Add(-time.Hour) })
	expiredKeys := &Keyring{kid: past.kid, signer: past.signer, keys: past.keys, now: time.Now}
	expired, _, _ := past.Issue(alice, 15*time.Minute)

	// No kid.
	noKid := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{"iss": issuer, "sub": "u1", "exp": time.Now().Add(time.Minute).Unix()})
	noKidToken, _ := noKid.SignedString(k.signer)

	// Wrong issuer.
	wrongIss := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{"iss": "someone", "sub": "u1", "exp": time.Now().Add(time.Minute).Unix()})
	wrongIss.Header["kid"] = k.kid
	wrongIssToken, _ := wrongIss.SignedString(k.signer)

	// No expiry at all.
	noExp := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{"iss": issuer, "sub": "u1"})
	noExp.Header["kid"] = k.kid
	noExpToken, _ := noExp.SignedString(k.signer)

	cases := map[string]struct {
		keys  *Keyring
		token string
	}{
		"alg none":          {k, noneToken},
		"algorithm switch":  {k, switched},
		"tampered payload":  {k, tampered},
		"wrong key":         {k, wrongKey},
		"expired":           {expiredKeys, expired},
		"missing kid":       {k, noKidToken},
		"wrong issuer":      {k, wrongIssToken},
		"no expiry":         {k, noExpToken},
		"garbage":           {k, "not.a.token"},
		"empty":             {k, ""},
		"signature removed": {k, parts[0] + "." + parts[1] + "."},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if p, err := c.keys.Verify(c.token); err == nil {
				t.Fatalf("forged token accepted as %+v", p)
			}
		})
	}
}

func TestPreviousKeysStillVerifyAfterRotation(t *testing.T) {
	oldKey, newKey := GenerateKey(), GenerateKey()
	before, _ := NewKeyring(oldKey)
	tok, _, _ := before.Issue(alice, time.Minute)

	after, err := NewKeyring(newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := after.Verify(tok); err != nil {
		t.Fatalf("token of the previous key refused after rotation: %v", err)
	}
	dropped, _ := NewKeyring(newKey)
	if _, err := dropped.Verify(tok); err == nil {
		t.Fatal("token of a retired key still accepted")
	}
}

func TestKeyringRefusesBadKeys(t *testing.T) {
	for _, key := range []string{"", "short", base64.StdEncoding.EncodeToString(make([]byte, 16))} {
		if _, err := NewKeyring(key); err == nil {
			t.Errorf("key %q accepted", key)
		}
	}
	if _, err := NewKeyring(GenerateKey(), "bad"); err == nil || !strings.Contains(err.Error(), "PREVIOUS") {
		t.Errorf("bad previous key: err = %v", err)
	}
}

// The display name travels in the token, so pages need no lookup for the header.
func TestTokenCarriesTheDisplayName(t *testing.T) {
	k := newTestKeyring(t)
	named := alice
	named.Name, named.Language = "Alice Amsel", "en"
	tok, _, _ := k.Issue(named, time.Minute)
	p, err := k.Verify(tok)
	if err != nil || p.Name != "Alice Amsel" || p.Language != "en" {
		t.Fatalf("principal = %+v, %v", p, err)
	}
}

// A token verified once is answered from the cache, but never past its expiry, and a
// different token (even with one byte changed) is verified on its own.
func TestVerifiedTokensStillExpire(t *testing.T) {
	k := newTestKeyring(t)
	now := time.Now()
	k.SetClock(func() time.Time { return now })
	tok, _, _ := k.Issue(alice, time.Minute)
	for range 2 { // the second is a cache hit
		if _, err := k.Verify(tok); err != nil {
			t.Fatal(err)
		}
	}
	tampered := tok[:len(tok)-2] + map[bool]string{true: "A", false: "B"}[tok[len(tok)-2] != 'A'] + tok[len(tok)-1:]
	if _, err := k.Verify(tampered); err == nil {
		t.Error("a token with a changed signature verified")
	}
	k.SetClock(func() time.Time { return now.Add(61 * time.Second) })
	if _, err := k.Verify(tok); err == nil {
		t.Error("an expired token verified from the cache")
	}
}

// The cache stays bounded however many tokens pass.
func TestVerifiedCacheIsBounded(t *testing.T) {
	var c verifiedCache
	now := time.Now()
	for i := range verifiedCacheSize + 10 {
		c.put([32]byte{byte(i), byte(i >> 8), byte(i >> 16)}, alice, now.Add(time.Minute), now)
	}
	if n := len(c.entries); n > verifiedCacheSize {
		t.Fatalf("%d entries, bound %d", n, verifiedCacheSize)
	}
}
