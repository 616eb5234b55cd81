package auth

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// NewOpaqueToken returns a random 256-bit token for the user and the hash to store. Only the
// hash is stored, so a copy of the database does not hand out live sessions or links.
func NewOpaqueToken() (token, hash string) {
	token = base64.RawURLEncoding.EncodeToString(randomBytes(32))
	return token, HashOpaque(token)
}

// HashOpaque is the stored form of an opaque token. A fast hash suffices: the token has 256
// bits of entropy, so it cannot be guessed from its hash.
func HashOpaque(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
