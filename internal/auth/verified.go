package auth

import (
	"sync"
	"time"
)

// verifiedCacheSize bounds the verified-token cache: about 100 bytes per entry, so well under
// a megabyte. It holds the tokens of that many sessions active within one access-token lifetime;
// beyond that, tokens are verified as if there were no cache.
const verifiedCacheSize = 8192

// verifiedCache remembers the principals of access tokens that passed Verify, keyed by the
// SHA-256 of the token (the token itself is not kept), until each token's expiry. A hit is the
// very same bytes that were verified before, so it stands for the same result. Entries are
// never trusted past their token's expiry; a full cache first drops expired entries and, if
// still full, starts afresh.
type verifiedCache struct {
	mu      sync.RWMutex
	entries map[[32]byte]verifiedEntry
}

type verifiedEntry struct {
	p   Principal
	exp time.Time
}

func (c *verifiedCache) get(key [32]byte, now time.Time) (Principal, bool) {
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok || !now.Before(e.exp) {
		return Principal{}, false
	}
	return e.p, true
}

func (c *verifiedCache) put(key [32]byte, p Principal, exp, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = make(map[[32]byte]verifiedEntry)
	}
	if len(c.entries) >= verifiedCacheSize {
		for k, e := range c.entries {
			if !now.Before(e.exp) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= verifiedCacheSize {
			clear(c.entries)
		}
	}
	c.entries[key] = verifiedEntry{p: p, exp: exp}
}
