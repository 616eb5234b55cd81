package web

import (
	"sync"
	"time"
)

// secretsShownOnce hands a new API key's secret from the form that made it to the one page that
// shows it. The form answers with a redirect, so that reloading the page cannot send the form
// again and make a second key; the page after the redirect takes the secret out, so a reload
// shows the list without it. Wachsam keeps only the key's hash, so the secret lives here for
// minutes at most, in memory like the CSRF tokens: after a restart, or on another instance
// without sticky sessions, the page says the secret is gone and a new key must be made.
type secretsShownOnce struct {
	mu      sync.Mutex
	entries map[string]shownOnce // user id → the key that user made last
	now     func() time.Time
}

type shownOnce struct {
	keyID, secret string
	until         time.Time
}

// secretTTL is how long a secret waits for its page: the redirect follows at once.
const secretTTL = 5 * time.Minute

func newSecretsShownOnce(now func() time.Time) *secretsShownOnce {
	return &secretsShownOnce{entries: map[string]shownOnce{}, now: now}
}

// put keeps the secret of the key userID just made, replacing any earlier one of theirs.
func (s *secretsShownOnce) put(userID, keyID, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for u, e := range s.entries { // forget the ones nobody came for
		if now.After(e.until) {
			delete(s.entries, u)
		}
	}
	s.entries[userID] = shownOnce{keyID: keyID, secret: secret, until: now.Add(secretTTL)}
}

// take returns the secret of key keyID that userID made, once; ok is false when it was shown
// already, expired, or belongs to somebody else.
func (s *secretsShownOnce) take(userID, keyID string) (secret string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, found := s.entries[userID]
	if !found || e.keyID != keyID || s.now().After(e.until) {
		return "", false
	}
	delete(s.entries, userID)
	return e.secret, true
}
