package auth

import (
	"slices"

	"github.com/wachsam/wachsam/internal/model"
)

// Principal is the authenticated caller as the access token describes them.
type Principal struct {
	UserID   string
	TenantID string // "" for operators
	Roles    []model.Role
	// Language is the user's own setting ("" = none) as of sign-in; carried in the token so
	// that content negotiation needs no database lookup.
	Language string
	// Name is the user's display name as of sign-in or the last refresh, for page headers
	// ("" in tokens issued before names were carried; pages then look the user up).
	Name string
	// APIKeyID is set when an API key, not a person, is calling; UserID and Roles are then
	// empty and Scopes says what the key may read.
	APIKeyID string
	Scopes   []string // model.ScopeReportsRead, …
}

// IsAPIKey reports whether the caller is an API key.
func (p Principal) IsAPIKey() bool { return p.APIKeyID != "" }

// HasScope reports whether the caller is an API key holding scope.
func (p Principal) HasScope(scope string) bool {
	return p.IsAPIKey() && slices.Contains(p.Scopes, scope)
}

// Has reports whether the caller holds role.
func (p Principal) Has(role model.Role) bool { return slices.Contains(p.Roles, role) }

// HasAny reports whether the caller holds one of roles.
func (p Principal) HasAny(roles ...model.Role) bool {
	return slices.ContainsFunc(roles, p.Has)
}

// IsOperator reports whether the caller runs the platform.
func (p Principal) IsOperator() bool { return p.Has(model.RoleOperator) }

// CanManage reports whether p may change, deactivate or hand out access (set-password links,
// invitations) to someone holding roles: only when p could grant every one of them. Otherwise
// hr could take over an administrator's account through a link it sets the password of.
func (p Principal) CanManage(roles []model.Role) bool {
	for _, r := range roles {
		if !p.CanGrant(r) {
			return false
		}
	}
	return true
}

// CanGrant reports whether the caller may give or take role: operators any role, tenant
// admins the tenant roles, hr only learner (they keep the staff list, not the permissions).
func (p Principal) CanGrant(role model.Role) bool {
	switch {
	case p.IsOperator():
		return true
	case p.Has(model.RoleAdmin):
		return role != model.RoleOperator
	case p.Has(model.RoleHR):
		return role == model.RoleLearner
	}
	return false
}
