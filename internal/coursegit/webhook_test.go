package coursegit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"testing"
)

func sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// headers builds a header lookup the way http.Header.Get does it, so the
// canonical-case behaviour of real requests is exercised.
func headers(kv ...string) func(string) string {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h.Get
}

func TestVerifyWebhook(t *testing.T) {
	const secret = "webhook-Geheimnis"
	body := []byte(`{"ref":"refs/heads/main","before":"a","after":"b"}`)
	good := sign(secret, body)
	wrong := sign("anderes-Geheimnis", body)

	for _, tc := range []struct {
		name   string
		secret string
		header func(string) string
		body   []byte
		ok     bool
	}{
		// The example from GitHub's documentation on validating deliveries.
		{"github docs vector", "It's a Secret to Everybody", headers("X-Hub-Signature-256",
			"sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"), []byte("Hello, World!"), true},
		{"github", secret, headers("X-Hub-Signature-256", "sha256="+good), body, true},
		{"github upper-case hex", secret, headers("X-Hub-Signature-256", "sha256="+upper(good)), body, true},
		{"github lower-case header name", secret, headers("x-hub-signature-256", "sha256="+good), body, true},
		{"gitea", secret, headers("X-Gitea-Signature", good), body, true},
		{"forgejo", secret, headers("X-Forgejo-Signature", good), body, true},
		{"forgejo sends both", secret, headers("X-Gitea-Signature", good, "X-Hub-Signature-256", "sha256="+good), body, true},
		{"gitlab", secret, headers("X-Gitlab-Token", secret), body, true},

		{"no signature", secret, headers(), body, false},
		{"github without prefix", secret, headers("X-Hub-Signature-256", good), body, false},
		{"github sha1 header only", secret, headers("X-Hub-Signature", "sha1="+good[:40]), body, false},
		{"github wrong secret", secret, headers("X-Hub-Signature-256", "sha256="+wrong), body, false},
		{"github tampered body", secret, headers("X-Hub-Signature-256", "sha256="+good), append(body, ' '), false},
		{"github not hex", secret, headers("X-Hub-Signature-256", "sha256=zz"+good[2:]), body, false},
		{"github truncated", secret, headers("X-Hub-Signature-256", "sha256="+good[:32]), body, false},
		{"gitea wrong secret", secret, headers("X-Gitea-Signature", wrong), body, false},
		{"gitea empty body signed", secret, headers("X-Gitea-Signature", sign(secret, nil)), body, false},
		{"bad github not rescued by good gitlab", secret, headers("X-Hub-Signature-256", "sha256="+wrong, "X-Gitlab-Token", secret), body, false},
		{"gitlab wrong token", secret, headers("X-Gitlab-Token", "falsch"), body, false},
		{"gitlab token prefix", secret, headers("X-Gitlab-Token", secret[:5]), body, false},

		{"empty secret, empty gitlab token", "", headers("X-Gitlab-Token", ""), body, false},
		{"empty secret, gitlab", "", headers("X-Gitlab-Token", "x"), body, false},
		{"empty secret, signature of empty key", "", headers("X-Hub-Signature-256", "sha256="+sign("", body)), body, false},
		{"empty secret, gitea", "", headers("X-Gitea-Signature", sign("", body)), body, false},
		{"nil header func", secret, nil, body, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := VerifyWebhook(tc.secret, tc.header, tc.body)
			if tc.ok && err != nil {
				t.Fatalf("rejected: %v", err)
			}
			if !tc.ok && !errors.Is(err, ErrBadSignature) {
				t.Fatalf("err = %v, want ErrBadSignature", err)
			}
		})
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

func TestPushedBranch(t *testing.T) {
	for _, tc := range []struct {
		name, body, branch string
		ok                 bool
	}{
		{"github push", `{"ref":"refs/heads/main","before":"6113728f27ae82c7b1a177c8d03f9e96e0adf246",
			"after":"0000000000000000000000000000000000000000","repository":{"full_name":"stadt/kurse"},
			"pusher":{"name":"anna"},"commits":[],"head_commit":null}`, "main", true},
		{"gitea push", `{"ref":"refs/heads/kurse/2025","before":"28e1879d029cb852e4844d9c718537df08844e03",
			"after":"bffeb74224043ba2feb48d137756c8a9331c449a","compare_url":"","commits":[],
			"repository":{"full_name":"stadt/kurse"},"pusher":{"login":"anna"},"sender":{"login":"anna"}}`, "kurse/2025", true},
		{"gitlab push", `{"object_kind":"push","event_name":"push","before":"95790bf891e76fee5e1747ab589903a6a1f80f22",
			"after":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","ref":"refs/heads/entwurf","ref_protected":true,
			"checkout_sha":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","project":{"path_with_namespace":"stadt/kurse"}}`, "entwurf", true},

		{"github tag push", `{"ref":"refs/tags/v1","before":"a","after":"b"}`, "", false},
		{"gitlab tag push", `{"object_kind":"tag_push","ref":"refs/tags/v1","before":"a","after":"b"}`, "", false},
		{"gitlab merge request", `{"object_kind":"merge_request","ref":"refs/heads/main","before":"a","after":"b",
			"object_attributes":{"target_branch":"main"}}`, "", false},
		{"github create", `{"ref":"main","ref_type":"branch","master_branch":"main"}`, "", false},
		{"github ping", `{"zen":"Keep it logically awesome.","hook_id":1}`, "", false},
		{"github pull request", `{"action":"closed","number":1,"pull_request":{"merged":true,"base":{"ref":"main"}}}`, "", false},
		{"ref without before/after", `{"ref":"refs/heads/main"}`, "", false},
		{"empty branch", `{"ref":"refs/heads/","before":"a","after":"b"}`, "", false},
		{"ref not a string", `{"ref":42,"before":"a","after":"b"}`, "", false},
		{"not json", `ref=refs/heads/main`, "", false},
		{"empty", ``, "", false},
		{"json array", `[{"ref":"refs/heads/main"}]`, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			branch, ok := PushedBranch([]byte(tc.body))
			if branch != tc.branch || ok != tc.ok {
				t.Fatalf("PushedBranch = %q, %v; want %q, %v", branch, ok, tc.branch, tc.ok)
			}
		})
	}
}
