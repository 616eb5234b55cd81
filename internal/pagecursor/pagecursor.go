// Package pagecursor seals the position of a list page into an opaque, tamper-proof cursor.
//
// A cursor holds the sort key of the last row a page showed (keyset pagination: the next page
// starts after it, so rows added meanwhile neither repeat nor shift a page). It is encrypted and
// authenticated with AES-GCM, and bound to the query it belongs to (list, municipality,
// filters) as additional data: a client cannot read it, change it, or reuse it with other
// filters or for another municipality; any of these is model.ErrBadRequest. Imports only model.
package pagecursor

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/wachsam/wachsam/internal/model"
)

// Codec seals and opens cursors with one secret.
type Codec struct {
	aead cipher.AEAD
}

// New returns a codec for a 16-, 24- or 32-byte secret (auth.Keyring.DeriveKey gives one).
func New(secret []byte) (*Codec, error) {
	block, err := aes.NewCipher(secret)
	if err != nil {
		return nil, fmt.Errorf("pagecursor: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("pagecursor: %w", err)
	}
	return &Codec{aead: aead}, nil
}

// ErrInvalid answers a cursor that this server did not give out for this query.
var ErrInvalid = &model.DetailedError{Kind: model.ErrBadRequest,
	Detail: "The cursor was not given out for this query, or it was changed: use the Next-Cursor header of the previous page unchanged, with the same filters, or start again without a cursor."}

// Binding describes the query a cursor belongs to: a list name followed by the values that
// select its rows (municipality, filters). Page size is not part of it.
func Binding(list string, parts ...string) string {
	b, _ := json.Marshal(append([]string{list}, parts...)) // unambiguous, whatever the values hold
	return string(b)
}

// Seal returns the cursor for the page that follows the row with sort key key.
func (c *Codec) Seal(binding string, key ...string) string {
	plain, _ := json.Marshal(key) // []string always marshals
	nonce := make([]byte, c.aead.NonceSize())
	_, _ = rand.Read(nonce) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(c.aead.Seal(nonce, nonce, plain, []byte(binding)))
}

// Open returns the sort key sealed in cursor, which must have n parts and belong to binding.
func (c *Codec) Open(cursor, binding string, n int) ([]string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(raw) < c.aead.NonceSize() {
		return nil, ErrInvalid
	}
	nonce, sealed := raw[:c.aead.NonceSize()], raw[c.aead.NonceSize():]
	plain, err := c.aead.Open(nil, nonce, sealed, []byte(binding))
	if err != nil {
		return nil, ErrInvalid
	}
	var key []string
	if err := json.Unmarshal(plain, &key); err != nil || len(key) != n {
		return nil, ErrInvalid
	}
	return key, nil
}
