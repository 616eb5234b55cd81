package auth

import (
	"crypto/hkdf"
	"crypto/sha256"
)

// DeriveKey returns a 32-byte secret for one purpose (such as sealing page cursors), derived
// from the current signing key with HKDF. Every instance sharing WACHSAM_TOKEN_KEY derives the
// same secret, so nothing new needs configuring; a key rotation changes it.
func (k *Keyring) DeriveKey(purpose string) []byte {
	out, err := hkdf.Key(sha256.New, k.signer.Seed(), nil, "wachsam/"+purpose, 32)
	if err != nil {
		panic("auth: derive key: " + err.Error()) // only for lengths HKDF cannot produce
	}
	return out
}
