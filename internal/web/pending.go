package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"sync"
	"time"

	"github.com/wachsam/wachsam/internal/identity"
)

// pendingImports keeps each previewed staff list on the server until it is confirmed, so that
// the confirmed import is exactly the file the preview showed. The alternatives were worse:
// asking HR to pick the file again (with its checksum to compare) is an easy step to get wrong,
// and a form field carrying the whole file doubles the upload. The file never leaves the
// server between preview and import; the confirm form names it by a random id and states its
// SHA-256, which must match.
//
// The store lives in memory, like the CSRF tokens: a restart or another instance behind a
// load balancer without sticky sessions means uploading again, which the page says. It is
// bounded: each user holds one preview (a new upload replaces it), previews expire after
// pendingTTL, and the oldest go when the total passes maxBytes.
type pendingImports struct {
	mu       sync.Mutex
	entries  map[string]*pendingImport
	maxBytes int
	now      func() time.Time
}

type pendingImport struct {
	ID       string
	TenantID string
	UserID   string
	Name     string // the uploaded file's name, for display
	Data     []byte
	Sum      string // hex SHA-256 of Data
	Options  identity.ImportOptions
	Preview  identity.ImportReport
	Created  time.Time
}

const pendingTTL = 30 * time.Minute

func newPendingImports(maxBytes int) *pendingImports {
	return &pendingImports{entries: map[string]*pendingImport{}, maxBytes: maxBytes, now: time.Now}
}

// put stores a previewed file and returns its entry (with a fresh id).
func (p *pendingImports) put(e pendingImport) *pendingImport {
	var id [16]byte
	_, _ = rand.Read(id[:]) // crypto/rand.Read never fails (Go 1.24+)
	sum := sha256.Sum256(e.Data)
	e.ID, e.Sum = hex.EncodeToString(id[:]), hex.EncodeToString(sum[:])
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	e.Created = now
	total := 0
	for k, o := range p.entries {
		if now.Sub(o.Created) > pendingTTL || (o.UserID == e.UserID && o.TenantID == e.TenantID) {
			delete(p.entries, k)
			continue
		}
		total += len(o.Data)
	}
	for total+len(e.Data) > p.maxBytes && len(p.entries) > 0 {
		var oldest *pendingImport
		for _, o := range p.entries {
			if oldest == nil || o.Created.Before(oldest.Created) {
				oldest = o
			}
		}
		total -= len(oldest.Data)
		delete(p.entries, oldest.ID)
	}
	p.entries[e.ID] = &e
	return &e
}

// get finds a preview of this user in this municipality; anyone else's is not found.
func (p *pendingImports) get(id, tenantID, userID string) (*pendingImport, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.entries[id]
	if !ok || e.TenantID != tenantID || e.UserID != userID || p.now().Sub(e.Created) > pendingTTL {
		return nil, false
	}
	return e, true
}

// take removes and returns the preview when the checksum matches: a confirmation is used once.
func (p *pendingImports) take(id, tenantID, userID, sum string) (*pendingImport, bool) {
	e, ok := p.get(id, tenantID, userID)
	if !ok || subtle.ConstantTimeCompare([]byte(e.Sum), []byte(sum)) != 1 {
		return nil, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, still := p.entries[id]; !still { // a double click: the other request took it
		return nil, false
	}
	delete(p.entries, id)
	return e, true
}
