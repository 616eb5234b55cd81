// Package model holds Wachsam's plain domain types and sentinel errors. It imports nothing
// internal, so every other package can depend on it.
package model

import (
	"errors"
	"strings"
	"time"
)

// Sentinel errors. Domain and store code wraps them with context; the HTTP layers map them to
// status codes in one place.
var (
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
	ErrForbidden    = errors.New("forbidden")
	ErrUnauthorized = errors.New("unauthorized")
	ErrRateLimited  = errors.New("too many attempts")
	// ErrBadRequest: the request cannot be understood as sent (a changed page cursor).
	ErrBadRequest = errors.New("bad request")
)

// Role is what a user may do. learner, hr and admin belong to a tenant; operator to the platform.
type Role string

const (
	RoleLearner  Role = "learner"
	RoleHR       Role = "hr"
	RoleAdmin    Role = "admin"
	RoleOperator Role = "operator"
)

// AllRoles lists the roles in order of increasing reach.
var AllRoles = []Role{RoleLearner, RoleHR, RoleAdmin, RoleOperator}

// ParseRole accepts the role's name as written in the contract.
func ParseRole(s string) (Role, bool) {
	for _, r := range AllRoles {
		if string(r) == s {
			return r, true
		}
	}
	return "", false
}

// JoinRoles writes roles as the CLI and the audit log show them: "learner,hr".
func JoinRoles(roles []Role) string {
	parts := make([]string, len(roles))
	for i, r := range roles {
		parts[i] = string(r)
	}
	return strings.Join(parts, ",")
}

// Tenant is a municipality.
type Tenant struct {
	ID        string    `json:"id"`
	Slug      string    `json:"slug"`
	Name      string    `json:"name"`
	Demo      bool      `json:"demo"`
	Settings  Settings  `json:"settings"`
	CreatedAt time.Time `json:"created_at"`
}

// Settings are a tenant's own choices.
type Settings struct {
	// DefaultLanguage is used for users who have not chosen one.
	DefaultLanguage string `json:"default_language"`
	// MinGroupSize is the smallest group an aggregate report may show (staff council rule).
	MinGroupSize int `json:"min_group_size"`
	// NamedReports allows named lists (evidence of mandatory training) for hr and admin.
	NamedReports bool `json:"named_reports"`
	// ReminderMails sends learners reminders about mandatory training and HR a weekly digest
	// (invitations go out regardless). Off where the staff council has not agreed to them.
	ReminderMails bool `json:"reminder_mails"`
	// RetentionDays is how long after deactivation a person's data is kept before Wachsam
	// anonymises it; 0 = never (the municipality anonymises by hand).
	RetentionDays int `json:"retention_days"`
}

// DefaultSettings are what a new tenant starts with.
func DefaultSettings() Settings {
	return Settings{DefaultLanguage: "de", MinGroupSize: 5, NamedReports: true, ReminderMails: true, RetentionDays: 1095}
}

// OrgUnit is a node in a tenant's organisation tree, addressed by its path
// ("Fachbereich 1/Bürgeramt").
type OrgUnit struct {
	ID       string `json:"id"`
	TenantID string `json:"-"`
	ParentID string `json:"parent_id,omitempty"`
	Name     string `json:"name"`
	Path     string `json:"path"`
}

// User is a person with a login. Operators have no tenant.
type User struct {
	ID             string     `json:"id"`
	TenantID       string     `json:"-"`
	Email          string     `json:"email"`
	Name           string     `json:"name"`
	EmployeeNumber string     `json:"employee_number,omitempty"`
	OrgUnitID      string     `json:"org_unit_id,omitempty"`
	OrgUnitPath    string     `json:"org_unit,omitempty"`
	Language       string     `json:"language,omitempty"`
	Roles          []Role     `json:"roles"`
	Active         bool       `json:"active"`
	HasPassword    bool       `json:"has_password"`
	CreatedAt      time.Time  `json:"created_at"`
	DeactivatedAt  *time.Time `json:"deactivated_at,omitempty"`
	AnonymisedAt   *time.Time `json:"anonymised_at,omitempty"`
}

// HasRole reports whether u holds r.
func (u *User) HasRole(r Role) bool {
	for _, have := range u.Roles {
		if have == r {
			return true
		}
	}
	return false
}

// AuditEntry records a named access or a change made by a person, or by an API key (APIKeyID
// and APIKeyName then name the key, and ActorID is empty).
type AuditEntry struct {
	ID         string            `json:"id"`
	TenantID   string            `json:"-"`
	ActorID    string            `json:"actor_id,omitempty"`
	ActorName  string            `json:"actor,omitempty"`
	APIKeyID   string            `json:"api_key_id,omitempty"`
	APIKeyName string            `json:"api_key,omitempty"`
	Action     string            `json:"action"`
	Target     string            `json:"target,omitempty"`
	Details    map[string]string `json:"details,omitempty"`
	CreatedAt  time.Time         `json:"created_at"`
}
