package httpapi_test

import (
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

// Every error is RFC 9457 problem+json with type, title, status, detail and a request id, and
// never carries internals.
func TestErrorsAreProblemJSON(t *testing.T) {
	e := testenv.New(t, "sqlite", nil)
	ten := e.Tenant("a")
	admin := e.User(&ten, "admin@a.example", "", model.RoleAdmin)
	learner := e.User(&ten, "l@a.example", "", model.RoleLearner)
	tok, ltok := e.Token(admin.Email), e.Token(learner.Email)

	cases := []struct {
		name, method, path, token string
		body                      any
		status                    int
		detail                    string
	}{
		{"unknown route", "GET", "/api/v1/nothing", tok, nil, 404, ""},
		{"missing token", "GET", "/api/v1/me", "", nil, 401, "Bearer"},
		{"missing role", "GET", "/api/v1/admin/users", ltok, nil, 403, ""},
		{"missing user", "GET", "/api/v1/admin/users/00000000-0000-0000-0000-000000000000", tok, nil, 404, ""},
		{"bad json", "POST", "/api/v1/admin/users", tok, "{", 400, "not valid JSON"},
		{"unknown field", "POST", "/api/v1/admin/users", tok, `{"email":"x@a.example","name":"X","rolle":"hr"}`, 400, `"rolle"`},
		{"wrong type", "POST", "/api/v1/admin/users", tok, `{"email":1}`, 400, `"email"`},
		{"invalid fields", "POST", "/api/v1/admin/users", tok, map[string]any{"email": "not-an-address", "name": " "}, 422, "email"},
		{"conflict", "POST", "/api/v1/admin/users", tok, map[string]any{"email": "ADMIN@a.example", "name": "Doppelt"}, 409, "exists already"},
		{"bad limit", "GET", "/api/v1/admin/users?limit=0", tok, nil, 422, "limit"},
		{"bad cursor", "GET", "/api/v1/admin/users?cursor=%%%", tok, nil, 400, "cursor"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.Do(c.method, c.path, c.token, c.body)
			if r.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", r.StatusCode, c.status, r.Body)
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
			var p map[string]any
			r.JSON(t, &p)
			for _, k := range []string{"type", "title", "status", "detail", "request_id"} {
				if p[k] == nil || p[k] == "" {
					t.Errorf("field %q missing in %s", k, r.Body)
				}
			}
			if p["status"].(float64) != float64(c.status) {
				t.Errorf("status field %v", p["status"])
			}
			if !strings.Contains(p["detail"].(string), c.detail) {
				t.Errorf("detail %q does not say %q", p["detail"], c.detail)
			}
			for _, leak := range []string{"store:", "sql", "SQL", "UNIQUE", "constraint", "goroutine", ".go:"} {
				if strings.Contains(r.Body, leak) {
					t.Errorf("body leaks %q: %s", leak, r.Body)
				}
			}
			if r.Header.Get("X-Request-Id") != p["request_id"] {
				t.Errorf("request id header %q vs body %v", r.Header.Get("X-Request-Id"), p["request_id"])
			}
		})
	}
}

// The body limit is enforced while reading the request, before any handler runs, so it is
// tested over a real connection.
func TestBodyLimit(t *testing.T) {
	e := testenv.New(t, "sqlite", map[string]string{"WACHSAM_MAX_BODY_BYTES": "2048"})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.Srv.App.Listener(ln)
	t.Cleanup(func() { _ = e.Srv.App.Shutdown() })
	body := `{"email":"` + strings.Repeat("a", 4096) + `"}`
	res, err := http.Post("http://"+ln.Addr().String()+"/api/v1/auth/login", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 413 {
		t.Fatalf("oversized body: %d", res.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		hsts bool
	}{{nil, false}, {map[string]string{"WACHSAM_BASE_URL": "https://lernen.example.de"}, true}} {
		e := testenv.New(t, "sqlite", c.env)
		for _, path := range []string{"/healthz", "/api/v1/me", "/login"} {
			h := e.Do("GET", path, "", nil).Header
			csp := h.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("%s: CSP %q lacks %q", path, csp, want)
				}
			}
			if strings.Contains(csp, "unsafe-inline") {
				t.Errorf("%s: CSP allows inline code", path)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s: nosniff missing", path)
			}
			if got := h.Get("Strict-Transport-Security") != ""; got != c.hsts {
				t.Errorf("%s: HSTS present=%v, want %v", path, got, c.hsts)
			}
		}
	}
}

func TestHealthAndReadiness(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, nil)
		if r := e.Do("GET", "/healthz", "", nil); r.StatusCode != 200 {
			t.Errorf("healthz %d", r.StatusCode)
		}
		if r := e.Do("GET", "/readyz", "", nil); r.StatusCode != 200 {
			t.Errorf("readyz %d", r.StatusCode)
		}
		e.Srv.Store.Close()
		if r := e.Do("GET", "/readyz", "", nil); r.StatusCode != 503 || r.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("readyz with the database gone: %d", r.StatusCode)
		}
		if r := e.Do("GET", "/healthz", "", nil); r.StatusCode != 200 {
			t.Errorf("healthz with the database gone: %d", r.StatusCode)
		}
	})
}
