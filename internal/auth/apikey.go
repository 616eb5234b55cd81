package auth

import "strings"

// APIKeyPrefix starts every API key. Access tokens are JWTs and start with "eyJ", so a bearer
// token is recognised as a key by its first characters: the JWT check is never tried on a key,
// nor a key lookup on a JWT.
const APIKeyPrefix = "wsk_"

// NewAPIKey returns a new key (shown once) and the hash to store. Its secret part is an opaque
// token of 256 random bits, so the fast hash of refresh tokens suffices here too.
func NewAPIKey() (key, hash string) {
	token, hash := NewOpaqueToken()
	return APIKeyPrefix + token, hash
}

// IsAPIKey reports whether a bearer token is meant as an API key.
func IsAPIKey(token string) bool { return strings.HasPrefix(token, APIKeyPrefix) }

// HashAPIKey is the stored form of a key.
func HashAPIKey(key string) string { return HashOpaque(strings.TrimPrefix(key, APIKeyPrefix)) }

// APIKeyDisplayPrefix is the part of a key kept in clear to tell keys apart in lists: the
// prefix and 8 characters (48 of the 256 random bits, leaving 208 unknown).
func APIKeyDisplayPrefix(key string) string {
	if len(key) < len(APIKeyPrefix)+8 {
		return key
	}
	return key[:len(APIKeyPrefix)+8]
}
