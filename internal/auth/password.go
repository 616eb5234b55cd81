// Package auth holds Wachsam's security primitives: password hashing, signed access tokens,
// opaque refresh and link tokens, login rate limits and the caller's identity. It knows nothing
// of HTTP or the database.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the argon2id cost parameters.
type Argon2Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultArgon2 follows OWASP's argon2id recommendation (19 MiB, 2 iterations, 1 thread).
var DefaultArgon2 = Argon2Params{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

// MinPasswordLength follows BSI and NIST advice: length matters more than composition rules.
const MinPasswordLength = 10

// MaxPasswordLength bounds the work a single login can cause.
const MaxPasswordLength = 256

// Hasher hashes and checks passwords with argon2id in the PHC string format, so parameters can
// be raised later without invalidating stored hashes.
type Hasher struct {
	params Argon2Params
	dummy  string // hash of a random password: checked for unknown e-mails to equalise timing
}

// NewHasher returns a Hasher using params.
func NewHasher(params Argon2Params) *Hasher {
	h := &Hasher{params: params}
	h.dummy = h.Hash(base64.RawStdEncoding.EncodeToString(randomBytes(16)))
	return h
}

// CheckPolicy says what is wrong with a new password, or nil.
func CheckPolicy(password string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLength:
		return fmt.Errorf("the password must have at least %d characters; a sentence of several words is easy to remember", MinPasswordLength)
	case len(password) > MaxPasswordLength:
		return fmt.Errorf("the password must not be longer than %d bytes", MaxPasswordLength)
	case strings.TrimSpace(password) == "":
		return errors.New("the password must not be only spaces")
	}
	return nil
}

// Hash returns the PHC-formatted argon2id hash of password with a fresh salt.
func (h *Hasher) Hash(password string) string {
	salt := randomBytes(16)
	key := argon2.IDKey([]byte(password), salt, h.params.Time, h.params.MemoryKiB, h.params.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.params.MemoryKiB, h.params.Time,
		h.params.Threads, base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// Verify reports whether password matches hash. An empty hash (a user who has not set a
// password yet) is checked against a dummy so that the time taken gives nothing away.
func (h *Hasher) Verify(password, hash string) bool {
	if hash == "" {
		h.verify(password, h.dummy)
		return false
	}
	return h.verify(password, hash)
}

func (h *Hasher) verify(password, hash string) bool {
	var version int
	var p Argon2Params
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || p.MemoryKiB > 1<<20 || p.Time > 16 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("auth: crypto/rand failed: " + err.Error()) // the OS has no randomness; nothing is safe
	}
	return b
}
