package pagecursor

import (
	"bytes"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/wachsam/wachsam/internal/model"
)

func codec(t *testing.T, secret string) *Codec {
	t.Helper()
	c, err := New([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const secret = "0123456789abcdef0123456789abcdef"

func TestRoundTrip(t *testing.T) {
	c := codec(t, secret)
	b := Binding("users", "tenant-1", "Fachbereich 1")
	cur := c.Seal(b, "Müller, Anna", "0190-id")
	got, err := c.Open(cur, b, 2)
	if err != nil || !slices.Equal(got, []string{"Müller, Anna", "0190-id"}) {
		t.Fatalf("Open = %v, %v", got, err)
	}
	// Opaque: the sort key is not readable in the cursor.
	if raw, err := base64.RawURLEncoding.DecodeString(cur); err != nil || bytes.Contains(raw, []byte("Müller")) || strings.Contains(cur, "Müller") {
		t.Errorf("the cursor %q shows its sort key (or is not base64url: %v)", cur, err)
	}
	if c.Seal(b, "Müller") == c.Seal(b, "Müller") {
		t.Error("two seals of the same key are equal; the nonce is missing")
	}
}

func TestRefusesWhatItDidNotGiveOut(t *testing.T) {
	c := codec(t, secret)
	b := Binding("users", "tenant-1", "")
	cur := c.Seal(b, "Anna", "id-1")
	flipped := []byte(cur)
	if flipped[10] == 'A' {
		flipped[10] = 'B'
	} else {
		flipped[10] = 'A'
	}
	cases := map[string]struct {
		codec   *Codec
		cursor  string
		binding string
		n       int
	}{
		"changed character": {c, string(flipped), b, 2},
		"truncated":         {c, cur[:len(cur)-2], b, 2},
		"not base64":        {c, "%%%", b, 2},
		"empty":             {c, "", b, 2},
		"other filters":     {c, cur, Binding("users", "tenant-1", "Bauhof"), 2},
		"other tenant":      {c, cur, Binding("users", "tenant-2", ""), 2},
		"other list":        {c, cur, Binding("audit", "tenant-1", ""), 2},
		"other secret":      {codec(t, "fedcba9876543210fedcba9876543210"), cur, b, 2},
		"wrong arity":       {c, cur, b, 3},
	}
	for name, tc := range cases {
		if _, err := tc.codec.Open(tc.cursor, tc.binding, tc.n); !errors.Is(err, model.ErrBadRequest) {
			t.Errorf("%s: err = %v, want ErrBadRequest", name, err)
		}
	}
}
