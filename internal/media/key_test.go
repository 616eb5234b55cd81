package media

import (
	"strings"
	"testing"
)

const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func TestKeyFor(t *testing.T) {
	for _, tc := range []struct{ hash, ext, want string }{
		{emptyHash, "", emptyHash},
		{emptyHash, "png", emptyHash + ".png"},
		{emptyHash, ".PNG", emptyHash + ".png"},
		{emptyHash, "Jpeg", emptyHash + ".jpeg"},
		{strings.ToUpper(emptyHash), ".svg", emptyHash + ".svg"},
	} {
		if got := KeyFor(tc.hash, tc.ext); got != tc.want {
			t.Errorf("KeyFor(%q, %q) = %q; want %q", tc.hash, tc.ext, got, tc.want)
		}
		if !ValidKey(KeyFor(tc.hash, tc.ext)) {
			t.Errorf("KeyFor(%q, %q) is not a valid key", tc.hash, tc.ext)
		}
	}
}

func TestValidKey(t *testing.T) {
	for key, want := range map[string]bool{
		emptyHash:                     true,
		emptyHash + ".png":            true,
		emptyHash + ".mp4":            true,
		emptyHash + ".abcdefghij":     true, // 10 characters: the limit
		emptyHash + ".abcdefghijk":    false,
		emptyHash + ".":               false,
		emptyHash + ".PNG":            false,
		emptyHash + ".tar.gz":         false,
		emptyHash + "png":             false,
		emptyHash + "/":               false,
		emptyHash[:63]:                false,
		strings.ToUpper(emptyHash):    false,
		"g" + emptyHash[1:]:           false,
		"":                            false,
		"../etc/passwd":               false,
		"..\\" + emptyHash:            false,
		emptyHash + ".p\x00g":         false,
		emptyHash + ".pn g":           false,
		emptyHash + ".p\u00e4g":       false,
		"./" + emptyHash[:62]:         false,
		emptyHash[:62] + "/.":         false,
		strings.Repeat("0", 64):       true,
		strings.Repeat("f", 64) + ".": false,
	} {
		if got := ValidKey(key); got != want {
			t.Errorf("ValidKey(%q) = %v; want %v", key, got, want)
		}
	}
}

func TestContentTypeFor(t *testing.T) {
	for key, want := range map[string]string{
		emptyHash + ".png":  "image/png",
		emptyHash + ".jpg":  "image/jpeg",
		emptyHash + ".svg":  "image/svg+xml",
		emptyHash + ".mp4":  "video/mp4",
		emptyHash + ".webm": "video/webm",
		emptyHash + ".pdf":  "application/pdf",
		emptyHash + ".vtt":  "text/vtt; charset=utf-8",
		emptyHash + ".exe":  "application/octet-stream",
		emptyHash:           "application/octet-stream",
		"../x.png":          "application/octet-stream",
	} {
		if got := ContentTypeFor(key); got != want {
			t.Errorf("ContentTypeFor(%q) = %q; want %q", key, got, want)
		}
	}
}
