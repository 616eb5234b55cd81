package model

import (
	"slices"
	"time"
)

// Scopes an API key can hold. Keys serve HR systems that read reports; no scope writes.
const (
	// ScopeReportsRead reads aggregates: compliance tables and course statistics, in every
	// format, with the same suppression of small groups as for people.
	ScopeReportsRead = "reports:read"
	// ScopeReportsNamed reads the named list of mandatory training (evidence), where the
	// municipality allows named lists; every call is audited with the key as actor.
	ScopeReportsNamed = "reports:named"
)

// AllScopes lists the scopes in the order they are shown.
var AllScopes = []string{ScopeReportsRead, ScopeReportsNamed}

// ValidScope reports whether s names a scope.
func ValidScope(s string) bool { return slices.Contains(AllScopes, s) }

// APIKey is a municipality's key for an HR system. The secret itself is never stored or shown
// again after creation; Prefix (its first characters) tells keys apart.
type APIKey struct {
	ID          string     `json:"id"`
	TenantID    string     `json:"-"`
	Name        string     `json:"name"`
	Prefix      string     `json:"prefix"`
	Scopes      []string   `json:"scopes"`
	CreatedByID string     `json:"created_by_id,omitempty"`
	CreatedBy   string     `json:"created_by,omitempty"` // the creator's name
	CreatedAt   time.Time  `json:"created_at"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
	LastUsedAt  *time.Time `json:"last_used_at,omitempty"`
	RevokedAt   *time.Time `json:"revoked_at,omitempty"`
}

// Usable reports whether the key may authenticate at now: not revoked, not expired.
func (k APIKey) Usable(now time.Time) bool {
	return k.RevokedAt == nil && (k.ExpiresAt == nil || now.Before(*k.ExpiresAt))
}
