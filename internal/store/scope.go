package store

import "github.com/uptrace/bun"

// Scope limits every tenant-owned query to one tenant. It is the single place where tenant
// isolation is enforced: every store method that reads or writes tenant data takes a Scope and
// applies it with where, so a handler cannot forget it. The zero Scope matches nothing.
type Scope struct {
	tenantID string
	all      bool
}

// TenantScope confines queries to one tenant.
func TenantScope(tenantID string) Scope { return Scope{tenantID: tenantID} }

// AllTenants is the operator's view across tenants.
func AllTenants() Scope { return Scope{all: true} }

// TenantID returns the tenant the scope is confined to ("" for AllTenants).
func (s Scope) TenantID() string { return s.tenantID }

// All reports whether the scope spans every tenant.
func (s Scope) All() bool { return s.all }

// where returns a query-builder filter on column (such as "u.tenant_id").
func (s Scope) where(column string) func(bun.QueryBuilder) bun.QueryBuilder {
	return func(q bun.QueryBuilder) bun.QueryBuilder {
		switch {
		case s.all:
			return q
		case s.tenantID == "":
			return q.Where("1 = 0")
		default:
			return q.Where("? = ?", bun.Ident(column), s.tenantID)
		}
	}
}

// owns reports whether a row of tenantID is inside the scope.
func (s Scope) owns(tenantID string) bool {
	return s.all || (s.tenantID != "" && s.tenantID == tenantID)
}
