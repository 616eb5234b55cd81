package auth

import (
	"sync"
	"time"
)

// Limiter counts events per key in fixed windows: Allow says whether another attempt is
// permitted. It lives in memory, which suits one instance; several instances behind a load
// balancer each count separately (documented in docs/configuration.md).
type Limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	now    func() time.Time
	hits   map[string]*window
	sweep  time.Time
}

type window struct {
	start time.Time
	n     int
}

// NewLimiter allows max events per key per window.
func NewLimiter(max int, per time.Duration) *Limiter {
	return &Limiter{max: max, window: per, now: time.Now, hits: map[string]*window{}}
}

// SetClock replaces the clock (tests).
func (l *Limiter) SetClock(now func() time.Time) { l.now = now }

// Allow records an attempt for key and reports whether it is within the limit.
func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.sweep) > l.window {
		// Forget finished windows now and then, so memory stays bounded by recent keys.
		for k, w := range l.hits {
			if now.Sub(w.start) >= l.window {
				delete(l.hits, k)
			}
		}
		l.sweep = now
	}
	w := l.hits[key]
	if w == nil || now.Sub(w.start) >= l.window {
		w = &window{start: now}
		l.hits[key] = w
	}
	w.n++
	return w.n <= l.max
}

// Reset forgets key's attempts (after a successful login).
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	delete(l.hits, key)
	l.mu.Unlock()
}
