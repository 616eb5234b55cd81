// Package certificate issues, renders and verifies certificates of completion.
package certificate

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
	"time"
)

// codeEncoding is base32 without padding, lowercased on output: no 0/1/8/9 to confuse with
// O/I/B/g when a code is typed from paper.
var codeEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewCode returns a verification code of 160 random bits (32 characters). It is independent of
// every id, so knowing one certificate tells nothing about another's code.
func NewCode() string {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic("certificate: crypto/rand failed: " + err.Error())
	}
	return strings.ToLower(codeEncoding.EncodeToString(b))
}

// NormalizeCode accepts a code as printed (groups, upper case, spaces or hyphens).
func NormalizeCode(s string) string {
	return strings.ToLower(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(strings.TrimSpace(s)))
}

// Group formats a code in groups of four for print: "abcd-efgh-…".
func Group(code string) string {
	var parts []string
	for i := 0; i < len(code); i += 4 {
		parts = append(parts, code[i:min(i+4, len(code))])
	}
	return strings.Join(parts, "-")
}

// Status is what verification says about a certificate.
type Status string

const (
	Valid   Status = "valid"
	Expired Status = "expired"
	Revoked Status = "revoked"
)

// StatusAt tells whether a certificate is valid at now.
func StatusAt(now time.Time, expiresAt, revokedAt *time.Time) Status {
	switch {
	case revokedAt != nil:
		return Revoked
	case expiresAt != nil && !now.Before(*expiresAt):
		return Expired
	}
	return Valid
}
