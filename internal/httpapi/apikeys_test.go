package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

type apiKeyJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Scopes     []string   `json:"scopes"`
	CreatedBy  string     `json:"created_by"`
	Key        string     `json:"key"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// keyEnv: municipality "a" with an admin, hr, a learner who passed, the course assigned to all.
func keyEnv(t *testing.T, dialect string) (e *testenv.Env, ten model.Tenant, admin string) {
	t.Helper()
	e = testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
	ten = e.Tenant("a")
	admin = e.Token(e.User(&ten, "admin@a.example", "", model.RoleAdmin).Email)
	e.User(&ten, "hr@a.example", "", model.RoleHR)
	e.PassCourse(e.Token(e.User(&ten, "anna@a.example", "Bauhof", model.RoleLearner).Email), "basis")
	if r := e.Do("POST", "/api/v1/admin/assignments", admin, map[string]any{"course": "basis", "due_in_days": 30}); r.StatusCode != 201 {
		t.Fatal(r.Body)
	}
	return e, ten, admin
}

func createKey(t *testing.T, e *testenv.Env, token, path string, body map[string]any) apiKeyJSON {
	t.Helper()
	r := e.Do("POST", path, token, body)
	if r.StatusCode != 201 {
		t.Fatalf("create key: %d %s", r.StatusCode, r.Body)
	}
	var k apiKeyJSON
	r.JSON(t, &k)
	return k
}

func TestAPIKeysAreCreatedListedAndAudited(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, _, admin := keyEnv(t, dialect)
		r := e.Do("POST", "/api/v1/admin/api-keys", admin, map[string]any{"name": " LOGA ", "scopes": []string{"reports:named", "reports:read", "reports:read"}})
		if r.StatusCode != 201 || r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("create: %d %q %s", r.StatusCode, r.Header.Get("Cache-Control"), r.Body)
		}
		var k apiKeyJSON
		r.JSON(t, &k)
		if !strings.HasPrefix(k.Key, "wsk_") || len(k.Key) < 40 || !strings.HasPrefix(k.Key, k.Prefix) || len(k.Prefix) != 12 ||
			k.Name != "LOGA" || strings.Join(k.Scopes, " ") != "reports:read reports:named" || k.CreatedBy != "admin" || k.ExpiresAt != nil {
			t.Errorf("created key: %+v", k)
		}

		// The secret is shown once: neither the list nor the audit log holds it.
		list := e.Do("GET", "/api/v1/admin/api-keys", admin, nil)
		if list.StatusCode != 200 || !strings.Contains(list.Body, k.ID) || strings.Contains(list.Body, k.Key) || strings.Contains(list.Body, `"key"`) {
			t.Errorf("list: %d %s", list.StatusCode, list.Body)
		}
		audit := e.Do("GET", "/api/v1/admin/audit?action=api_key.create", admin, nil)
		var entries []model.AuditEntry
		audit.JSON(t, &entries)
		if len(entries) != 1 || entries[0].Target != "LOGA" || entries[0].Details["prefix"] != k.Prefix || entries[0].ActorName != "admin" ||
			strings.Contains(audit.Body, k.Key[len(k.Prefix):]) {
			t.Errorf("audit: %s", audit.Body)
		}

		// Only admins manage keys, and the input is checked.
		if r := e.Do("POST", "/api/v1/admin/api-keys", e.Token("hr@a.example"), map[string]any{"name": "X", "scopes": []string{"reports:read"}}); r.StatusCode != 403 {
			t.Errorf("hr creates a key: %d", r.StatusCode)
		}
		for name, body := range map[string]map[string]any{
			"no name":       {"name": "", "scopes": []string{"reports:read"}},
			"no scopes":     {"name": "X"},
			"unknown scope": {"name": "X", "scopes": []string{"users:write"}},
			"past expiry":   {"name": "X", "scopes": []string{"reports:read"}, "expires_at": "2020-01-01T00:00:00Z"},
		} {
			r := e.Do("POST", "/api/v1/admin/api-keys", admin, body)
			if r.StatusCode != 422 {
				t.Errorf("%s: %d %s", name, r.StatusCode, r.Body)
			}
		}
		// An operator must say for which municipality.
		op := e.Token(e.User(nil, "op@example.org", "", model.RoleOperator).Email)
		if r := e.Do("POST", "/api/v1/admin/api-keys", op, map[string]any{"name": "X", "scopes": []string{"reports:read"}}); r.StatusCode != 422 || !strings.Contains(r.Body, "tenant") {
			t.Errorf("operator without tenant: %d %s", r.StatusCode, r.Body)
		}
		createKey(t, e, op, "/api/v1/admin/api-keys?tenant=a", map[string]any{"name": "Vom Betrieb", "scopes": []string{"reports:read"}})
	})
}

// A key reads reports its scopes allow, within its municipality, and nothing else.
func TestAPIKeyReachesOnlyReportsItsScopeAllows(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, _, admin := keyEnv(t, dialect)
		aggregates := createKey(t, e, admin, "/api/v1/admin/api-keys", map[string]any{"name": "Statistik", "scopes": []string{"reports:read"}}).Key
		named := createKey(t, e, admin, "/api/v1/admin/api-keys", map[string]any{"name": "LOGA", "scopes": []string{"reports:named"}}).Key

		allowed := []struct {
			key, path string
		}{
			{aggregates, "/api/v1/reports/compliance?course=basis"},
			{aggregates, "/api/v1/reports/compliance.csv?course=basis"},
			{aggregates, "/api/v1/reports/compliance.pdf?course=basis"},
			{aggregates, "/api/v1/reports/compliance.xlsx?course=basis"},
			{aggregates, "/api/v1/reports/courses/basis/statistics"},
			{aggregates, "/api/v1/reports/courses/basis/statistics.csv"},
			{aggregates, "/api/v1/reports/compliance?course=basis&tenant=a"},
			{named, "/api/v1/reports/learners?course=basis"},
			{named, "/api/v1/reports/expiring?days=30"},
			{named, "/api/v1/reports/learners.csv"},
			{named, "/api/v1/reports/learners.xlsx?course=basis"},
		}
		for _, c := range allowed {
			if r := e.Do("GET", c.path, c.key, nil); r.StatusCode != 200 {
				t.Errorf("GET %s: %d %s", c.path, r.StatusCode, r.Body)
			}
		}
		forbidden := []struct {
			key, method, path string
			body              any
		}{
			{aggregates, "GET", "/api/v1/reports/learners?course=basis", nil}, // lacks reports:named
			{aggregates, "GET", "/api/v1/reports/expiring", nil},
			{aggregates, "GET", "/api/v1/reports/learners.csv", nil},
			{aggregates, "GET", "/api/v1/reports/learners.xlsx", nil},
			{named, "GET", "/api/v1/reports/compliance?course=basis", nil}, // lacks reports:read
			{named, "GET", "/api/v1/admin/users", nil},
			{named, "GET", "/api/v1/admin/audit", nil},
			{named, "GET", "/api/v1/admin/api-keys", nil},
			{named, "POST", "/api/v1/admin/api-keys", map[string]any{"name": "Mehr", "scopes": []string{"reports:read"}}},
			{named, "POST", "/api/v1/admin/assignments", map[string]any{"course": "basis", "due_in_days": 1}},
			{named, "GET", "/api/v1/me", nil},
			{named, "GET", "/api/v1/courses", nil},
			{named, "POST", "/api/v1/courses/basis/attempts", nil},
			{named, "GET", "/api/v1/me/export", nil},
			{named, "GET", "/api/v1/nothing", nil},
			{aggregates, "GET", "/api/v1/admin/tenant", nil},
		}
		for _, c := range forbidden {
			if r := e.Do(c.method, c.path, c.key, c.body); r.StatusCode != 403 {
				t.Errorf("%s %s: %d, want 403: %s", c.method, c.path, r.StatusCode, r.Body)
			}
		}

		// The named list via a key is audited with the key as actor.
		var entries []model.AuditEntry
		e.Do("GET", "/api/v1/admin/audit?action=report.learners", admin, nil).JSON(t, &entries)
		if len(entries) != 1 || entries[0].APIKeyName != "LOGA" || entries[0].APIKeyID == "" || entries[0].ActorID != "" || entries[0].Details["people"] != "3" {
			t.Errorf("audit of the named list: %+v", entries)
		}
		// The municipality's switch for named lists holds for keys too.
		e.Do("PATCH", "/api/v1/admin/tenant", admin, map[string]any{"settings": map[string]any{"named_reports": false}})
		if r := e.Do("GET", "/api/v1/reports/learners?course=basis", named, nil); r.StatusCode != 403 || !strings.Contains(r.Body, "switched off") {
			t.Errorf("named lists off: %d %s", r.StatusCode, r.Body)
		}

		// Another municipality's key sees nothing of a: 404 as for what does not exist.
		b := e.Tenant("b")
		adminB := e.Token(e.User(&b, "admin@b.example", "", model.RoleAdmin).Email)
		keyB := createKey(t, e, adminB, "/api/v1/admin/api-keys", map[string]any{"name": "B", "scopes": []string{"reports:read", "reports:named"}}).Key
		for _, path := range []string{"/api/v1/reports/compliance?course=basis&tenant=a", "/api/v1/reports/courses/basis/statistics?tenant=a",
			"/api/v1/reports/courses/basis/statistics.csv?tenant=a", "/api/v1/reports/learners?course=basis&tenant=a",
			"/api/v1/reports/learners.csv?tenant=a", "/api/v1/reports/learners.xlsx?tenant=a"} {
			if r := e.Do("GET", path, keyB, nil); r.StatusCode != 404 {
				t.Errorf("key of b: GET %s: %d", path, r.StatusCode)
			}
		}
		var compliance struct {
			Total map[string]any `json:"total"`
		}
		e.Do("GET", "/api/v1/reports/compliance?course=basis", keyB, nil).JSON(t, &compliance)
		if compliance.Total["suppressed"] != true { // b's own (empty) municipality, not a's
			t.Errorf("key of b sees %v", compliance.Total)
		}
		var listB []apiKeyJSON
		e.Do("GET", "/api/v1/admin/api-keys", adminB, nil).JSON(t, &listB)
		if len(listB) != 1 || listB[0].Name != "B" {
			t.Errorf("admin of b lists %+v", listB)
		}
	})
}

func TestAPIKeyRevocationAndExpiryTakeEffectAtOnce(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, _, admin := keyEnv(t, dialect)
		k := createKey(t, e, admin, "/api/v1/admin/api-keys", map[string]any{"name": "LOGA", "scopes": []string{"reports:read"}})
		path := "/api/v1/reports/compliance?course=basis"
		if r := e.Do("GET", path, k.Key, nil); r.StatusCode != 200 {
			t.Fatalf("before revocation: %d %s", r.StatusCode, r.Body)
		}
		var list []apiKeyJSON
		e.Do("GET", "/api/v1/admin/api-keys", admin, nil).JSON(t, &list)
		if list[0].LastUsedAt == nil {
			t.Errorf("last use not recorded: %+v", list[0])
		}

		if r := e.Do("DELETE", "/api/v1/admin/api-keys/"+k.ID, admin, nil); r.StatusCode != 204 {
			t.Fatalf("revoke: %d %s", r.StatusCode, r.Body)
		}
		for _, p := range []string{path, "/api/v1/me"} {
			if r := e.Do("GET", p, k.Key, nil); r.StatusCode != 401 || !strings.Contains(r.Body, "revoked") {
				t.Errorf("revoked key on %s: %d %s", p, r.StatusCode, r.Body)
			}
		}
		// Revoking again changes nothing; the key stays listed as revoked; one audit entry.
		if r := e.Do("DELETE", "/api/v1/admin/api-keys/"+k.ID, admin, nil); r.StatusCode != 204 {
			t.Errorf("second revoke: %d", r.StatusCode)
		}
		e.Do("GET", "/api/v1/admin/api-keys", admin, nil).JSON(t, &list)
		if len(list) != 1 || list[0].RevokedAt == nil {
			t.Errorf("after revocation: %+v", list)
		}
		var entries []model.AuditEntry
		e.Do("GET", "/api/v1/admin/audit?action=api_key.revoke", admin, nil).JSON(t, &entries)
		if len(entries) != 1 || entries[0].Target != "LOGA" {
			t.Errorf("revocation audit: %+v", entries)
		}
		if r := e.Do("DELETE", "/api/v1/admin/api-keys/00000000-0000-7000-8000-000000000000", admin, nil); r.StatusCode != 404 {
			t.Errorf("unknown key: %d", r.StatusCode)
		}

		// Expiry: valid until the moment, refused after it.
		expires := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
		soon := createKey(t, e, admin, "/api/v1/admin/api-keys", map[string]any{"name": "Kurz", "scopes": []string{"reports:read"}, "expires_at": expires})
		if soon.ExpiresAt == nil || !soon.ExpiresAt.Equal(expires) {
			t.Errorf("expires_at %v, want %v", soon.ExpiresAt, expires)
		}
		if r := e.Do("GET", path, soon.Key, nil); r.StatusCode != 200 {
			t.Errorf("before expiry: %d", r.StatusCode)
		}
		e.Srv.Store.SetClock(func() time.Time { return expires.Add(time.Second) })
		if r := e.Do("GET", path, soon.Key, nil); r.StatusCode != 401 {
			t.Errorf("after expiry: %d", r.StatusCode)
		}

		// Unknown keys are 401, and never go down the access-token path.
		for _, bad := range []string{"wsk_unknown", "wsk_" + strings.Repeat("A", 43), soon.Key + "x"} {
			if r := e.Do("GET", path, bad, nil); r.StatusCode != 401 || !strings.Contains(r.Body, "API key") {
				t.Errorf("key %q: %d %s", bad, r.StatusCode, r.Body)
			}
		}
	})
}
