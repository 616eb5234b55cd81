package store

import (
	"context"
	"sync"
	"time"

	"github.com/wachsam/wachsam/internal/model"
)

// TenantCacheTTL is how long CachedTenant trusts a tenant it read. Every page shows the
// municipality's name and takes its default language from the tenant's settings; tenants change
// rarely. A change made through this process is seen at once (UpdateTenant forgets the entry);
// one made through another instance within this time.
const TenantCacheTTL = 10 * time.Second

// tenantCache keeps recently read tenants for CachedTenant. Tenants are few (one per
// municipality), so it needs no bound beyond their number.
type tenantCache struct {
	ttl time.Duration
	mu  sync.RWMutex
	m   map[string]cachedTenant
}

type cachedTenant struct {
	t       model.Tenant
	expires time.Time
}

func newTenantCache(ttl time.Duration) *tenantCache {
	return &tenantCache{ttl: ttl, m: map[string]cachedTenant{}}
}

func (c *tenantCache) forget(id string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	delete(c.m, id)
	c.mu.Unlock()
}

// CachedTenant is TenantByID for display (page header, language, privacy settings): it may
// answer up to TenantCacheTTL out of date when another instance changed the tenant. Anything
// recorded (certificates, reports) reads the tenant with TenantByID.
func (s *Store) CachedTenant(ctx context.Context, id string) (model.Tenant, error) {
	now := time.Now()
	s.tenants.mu.RLock()
	e, ok := s.tenants.m[id]
	s.tenants.mu.RUnlock()
	if ok && now.Before(e.expires) {
		return e.t, nil
	}
	t, err := s.TenantByID(ctx, id)
	if err != nil {
		return t, err
	}
	s.tenants.mu.Lock()
	s.tenants.m[id] = cachedTenant{t: t, expires: now.Add(s.tenants.ttl)}
	s.tenants.mu.Unlock()
	return t, nil
}
