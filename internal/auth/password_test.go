package auth

import (
	"strings"
	"testing"
	"time"
)

var cheap = Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}

func TestPasswordHashRoundTrip(t *testing.T) {
	h := NewHasher(cheap)
	hash := h.Hash("ein langer Satz als Passwort")
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q is not PHC argon2id", hash)
	}
	if !h.Verify("ein langer Satz als Passwort", hash) {
		t.Error("right password refused")
	}
	if h.Verify("ein langer Satz als passwort", hash) {
		t.Error("wrong password accepted")
	}
	if h.Hash("x") == h.Hash("x") {
		t.Error("two hashes of the same password are equal: salt missing")
	}
	// A hash made with other parameters still verifies (parameters live in the hash).
	if !NewHasher(Argon2Params{MemoryKiB: 128, Time: 2, Threads: 1}).Verify("ein langer Satz als Passwort", hash) {
		t.Error("hash with different parameters refused")
	}
}

func TestVerifyRejectsMalformedHashes(t *testing.T) {
	h := NewHasher(cheap)
	for _, bad := range []string{"$argon2i$v=19$m=64,t=1,p=1$AAAA$AAAA", "plain", "$argon2id$v=19$m=64,t=1,p=1$!!$AAAA", "$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA"} {
		if h.Verify("x", bad) {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

// An empty hash (unknown user or no password yet) must cost as much as a real check, so that
// timing does not reveal which e-mail addresses exist.
func TestVerifyOfEmptyHashTakesAsLongAsARealCheck(t *testing.T) {
	h := NewHasher(Argon2Params{MemoryKiB: 8 * 1024, Time: 1, Threads: 1})
	real := h.Hash("something else entirely")
	// Interleaved, best of many: on a loaded machine (CI runs packages in parallel) a burst of
	// other work then hits both sides alike instead of one of them.
	withUser, withoutUser := time.Hour, time.Hour
	for range 11 {
		for _, m := range []struct {
			hash string
			best *time.Duration
		}{{real, &withUser}, {"", &withoutUser}} {
			start := time.Now()
			h.Verify("guess", m.hash)
			*m.best = min(*m.best, time.Since(start))
		}
	}
	if ratio := float64(withoutUser) / float64(withUser); ratio < 0.5 || ratio > 2 {
		t.Errorf("unknown user check took %s, known user %s (ratio %.2f)", withoutUser, withUser, ratio)
	}
}

func TestPasswordPolicy(t *testing.T) {
	for pw, ok := range map[string]bool{"kurz": false, "genau zehn": true, strings.Repeat(" ", 12): false, strings.Repeat("a", 300): false, "Bürgeramt Musterstadt": true} {
		if err := CheckPolicy(pw); (err == nil) != ok {
			t.Errorf("CheckPolicy(%q) = %v, want ok=%v", pw, err, ok)
		}
	}
}

func TestLimiterWindow(t *testing.T) {
	now := time.Unix(1000, 0)
	l := NewLimiter(3, time.Minute)
	l.SetClock(func() time.Time { return now })
	for i := range 3 {
		if !l.Allow("a") {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if l.Allow("a") {
		t.Fatal("4th attempt in the window allowed")
	}
	if !l.Allow("b") {
		t.Fatal("another key is limited too")
	}
	now = now.Add(time.Minute)
	if !l.Allow("a") {
		t.Fatal("attempt after the window refused")
	}
	l.Reset("a")
	for range 3 {
		l.Allow("a")
	}
	if l.Allow("a") {
		t.Fatal("reset did not start a fresh window")
	}
}
