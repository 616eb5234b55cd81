package coursegit

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
)

// ErrBadSignature is returned by VerifyWebhook for a request that does not
// prove knowledge of the webhook secret.
var ErrBadSignature = errors.New("coursegit: webhook signature missing or wrong; check that the secret configured at the git host matches Wachsam's")

// VerifyWebhook checks that a webhook request comes from the git host that
// knows secret. header looks up a request header by name (http.Header.Get,
// fiber.Ctx.Get) and body is the raw, unparsed request body. Accepted:
//
//   - X-Hub-Signature-256: "sha256=<hex HMAC-SHA256(secret, body)>" (GitHub,
//     Gitea, Forgejo)
//   - X-Gitea-Signature or X-Forgejo-Signature: "<hex HMAC-SHA256(secret, body)>"
//   - X-Gitlab-Token: the secret itself (GitLab sends no signature)
//
// The first of these headers present decides. An empty secret refuses every
// request: a webhook without a secret would let anyone make Wachsam pull.
func VerifyWebhook(secret string, header func(name string) string, body []byte) error {
	if secret == "" || header == nil {
		return ErrBadSignature
	}
	if sig := header("X-Hub-Signature-256"); sig != "" {
		hexSig, ok := strings.CutPrefix(strings.TrimSpace(sig), "sha256=")
		if !ok {
			return ErrBadSignature
		}
		return checkHMAC(secret, hexSig, body)
	}
	for _, name := range []string{"X-Gitea-Signature", "X-Forgejo-Signature"} {
		if sig := header(name); sig != "" {
			return checkHMAC(secret, strings.TrimSpace(sig), body)
		}
	}
	if token := header("X-Gitlab-Token"); token != "" {
		// Hashing first makes the comparison constant-time in the length of
		// the secret too; ConstantTimeCompare returns early on unequal lengths.
		a, b := sha256.Sum256([]byte(token)), sha256.Sum256([]byte(secret))
		if subtle.ConstantTimeCompare(a[:], b[:]) == 1 {
			return nil
		}
	}
	return ErrBadSignature
}

// checkHMAC compares hexSig with HMAC-SHA256(secret, body) in constant time.
func checkHMAC(secret, hexSig string, body []byte) error {
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return ErrBadSignature
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return ErrBadSignature
	}
	return nil
}

// PushedBranch returns the branch a push event is about, from the JSON body
// that GitHub, Gitea, Forgejo and GitLab send ("ref": "refs/heads/main").
// ok is false for other events: a tag push (refs/tags/...), a create or
// delete event (a bare "ref" with "ref_type"), a GitLab event whose
// object_kind is not "push", or a body that is not such JSON. Push events
// are told apart by their "before" and "after" commits.
func PushedBranch(body []byte) (branch string, ok bool) {
	var p struct {
		Ref        *string `json:"ref"`
		Before     *string `json:"before"`
		After      *string `json:"after"`
		ObjectKind *string `json:"object_kind"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return "", false
	}
	if p.Ref == nil || p.Before == nil || p.After == nil {
		return "", false
	}
	if p.ObjectKind != nil && *p.ObjectKind != "push" {
		return "", false
	}
	branch, ok = strings.CutPrefix(*p.Ref, "refs/heads/")
	if !ok || branch == "" {
		return "", false
	}
	return branch, true
}
