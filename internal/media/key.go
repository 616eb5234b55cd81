package media

import (
	"fmt"
	"strings"

	"github.com/wachsam/wachsam/internal/model"
)

const (
	hashLen   = 64 // hex characters of a SHA-256
	maxExtLen = 10 // without the dot; "jpeg", "webm", "json" are the long ones in practice
)

// KeyFor builds a key from the hex SHA-256 of a file and its extension (with or without the
// leading dot, may be empty). Both are lowercased, so "Logo.PNG" and "logo.png" with the
// same bytes share one object. KeyFor does not validate; stores do (see ValidKey).
func KeyFor(sha256hex, ext string) string {
	ext = strings.TrimPrefix(strings.ToLower(ext), ".")
	if ext == "" {
		return strings.ToLower(sha256hex)
	}
	return strings.ToLower(sha256hex) + "." + ext
}

// ValidKey reports whether key is a lowercase hex SHA-256 (64 characters), optionally
// followed by "." and 1–10 lowercase letters or digits. Nothing else gets near a path or
// an object name, which rules out traversal ("../", "/", "\", NUL) by construction.
func ValidKey(key string) bool {
	if len(key) < hashLen {
		return false
	}
	for i := 0; i < hashLen; i++ {
		if !isLowerHex(key[i]) {
			return false
		}
	}
	rest := key[hashLen:]
	if rest == "" {
		return true
	}
	if rest[0] != '.' || len(rest) < 2 || len(rest)-1 > maxExtLen {
		return false
	}
	for i := 1; i < len(rest); i++ {
		c := rest[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func isLowerHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' }

// keyHash returns the hash part of a valid key.
func keyHash(key string) string { return key[:hashLen] }

// keyExt returns the extension of a valid key without the dot, or "".
func keyExt(key string) string {
	if len(key) > hashLen {
		return key[hashLen+1:]
	}
	return ""
}

// errNotFoundKey is what read methods return for a key that is invalid or missing: to a
// caller (and so to an HTTP client) both are simply "no such file".
func errNotFoundKey(key string) error {
	return fmt.Errorf("media: %.80q: %w", key, model.ErrNotFound)
}

func errInvalidKey(key string) error {
	return fmt.Errorf("%w: %.80q", ErrInvalidKey, key)
}

// contentTypes maps the extensions courses use to their media types. It is fixed here rather
// than taken from mime.TypeByExtension, whose answers depend on the host's mime.types and so
// could differ between a developer's machine, CI and production.
var contentTypes = map[string]string{
	"avif": "image/avif",
	"gif":  "image/gif",
	"jpeg": "image/jpeg",
	"jpg":  "image/jpeg",
	"png":  "image/png",
	"svg":  "image/svg+xml",
	"webp": "image/webp",
	"mp4":  "video/mp4",
	"m4v":  "video/mp4",
	"ogv":  "video/ogg",
	"webm": "video/webm",
	"mp3":  "audio/mpeg",
	"m4a":  "audio/mp4",
	"oga":  "audio/ogg",
	"ogg":  "audio/ogg",
	"wav":  "audio/wav",
	"pdf":  "application/pdf",
	"vtt":  "text/vtt; charset=utf-8", // captions, needed for accessible videos
}

// ContentTypeFor returns the media type for a key's extension, or
// "application/octet-stream" when the extension is missing or unknown (which browsers
// download rather than render: the safe default for something unexpected).
//
// Local derives every object's content type this way, since a plain file keeps none; S3
// uses it when Put is given no content type.
func ContentTypeFor(key string) string {
	if ValidKey(key) {
		if ct, ok := contentTypes[keyExt(key)]; ok {
			return ct
		}
	}
	return "application/octet-stream"
}
