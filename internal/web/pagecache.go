package web

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"text/template"
)

// pageCache keeps finished pages that are the same for everyone in the same situation — the
// lesson page of one course version, lesson, language and progress state — so that templates
// run once per situation instead of once per request. The few per-person parts of such a page
// (the CSRF token, the user's name, the municipality's name) are rendered as slots: random
// markers that the template output carries through unchanged, replaced on every request by
// the person's values, HTML-escaped as html/template would escape them.
//
// Executing the layout and the lesson template was about half of the server's CPU time per
// lesson page (docs/benchmarks.md); serving from the cache costs a map look-up and a copy.
type pageCache struct {
	marker string // slot markers are marker + one of the slot letters
	mu     sync.RWMutex
	pages  map[string]*cachedPage
}

// pageCacheSize bounds the cache; a lesson page is about 7 KB, so a few MB at most. A full
// cache starts afresh (the entries are cheap to make again).
const pageCacheSize = 512

// The slots, by the letter that follows the marker. The letters are outside the marker's
// hexadecimal alphabet, so a marker is always followed by exactly one of them.
const (
	slotCSRF   = 'x'
	slotName   = 'y'
	slotTenant = 'z'
)

// cachedPage is a page cut at its slots: parts[0] slot[0] parts[1] slot[1] … parts[n].
type cachedPage struct {
	parts [][]byte
	slots []byte
}

// slotValues are one request's values for the slots.
type slotValues struct {
	csrf, name, tenant string
}

func newPageCache() *pageCache {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return &pageCache{marker: "wslot" + hex.EncodeToString(b), pages: map[string]*cachedPage{}}
}

func (pc *pageCache) slot(letter byte) string { return pc.marker + string(letter) }

func (pc *pageCache) get(key string) *cachedPage {
	pc.mu.RLock()
	defer pc.mu.RUnlock()
	return pc.pages[key]
}

// put cuts a page rendered with slot markers and keeps it under key.
func (pc *pageCache) put(key string, page []byte) *cachedPage {
	cp := &cachedPage{}
	marker := []byte(pc.marker)
	for {
		i := bytes.Index(page, marker)
		if i < 0 || i+len(marker) >= len(page) {
			break
		}
		cp.parts = append(cp.parts, page[:i])
		cp.slots = append(cp.slots, page[i+len(marker)])
		page = page[i+len(marker)+1:]
	}
	cp.parts = append(cp.parts, page)
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if len(pc.pages) >= pageCacheSize {
		clear(pc.pages)
	}
	pc.pages[key] = cp
	return cp
}

// fill writes the page with the request's values in its slots.
func (cp *cachedPage) fill(v slotValues) []byte {
	values := map[byte]string{
		slotCSRF:   template.HTMLEscapeString(v.csrf),
		slotName:   template.HTMLEscapeString(v.name),
		slotTenant: template.HTMLEscapeString(v.tenant),
	}
	n := 0
	for _, p := range cp.parts {
		n += len(p)
	}
	for _, s := range cp.slots {
		n += len(values[s])
	}
	out := make([]byte, 0, n)
	for i, p := range cp.parts {
		out = append(out, p...)
		if i < len(cp.slots) {
			out = append(out, values[cp.slots[i]]...)
		}
	}
	return out
}
