package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

var (
	keySecret = regexp.MustCompile(`id="key-secret" value="(wsk_[^"]+)"`)
	keyRevoke = regexp.MustCompile(`href="/admin/api-keys/([0-9a-f-]{36})/revoke"`)
)

func TestAPIKeysInThePages(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		const page = "/admin/api-keys"
		if r := w.browser(t, w.learnr).do("GET", page, nil); r.StatusCode != 403 {
			t.Errorf("learner: %d", r.StatusCode)
		}
		hr := w.browser(t, w.hr)
		if r := hr.do("GET", page, nil); r.StatusCode != 403 {
			t.Errorf("hr: %d", r.StatusCode)
		}
		admin := w.browser(t, "admin@a.example")
		if r := admin.do("GET", page, nil); r.StatusCode != 200 || !strings.Contains(r.Body, "Es gibt noch keinen API-Schlüssel.") {
			t.Fatalf("empty list: %d", r.StatusCode)
		}
		if r := admin.do("POST", page, url.Values{"name": {"Ohne Token"}, "scopes": {"reports:read"}}); r.StatusCode != 403 {
			t.Errorf("without CSRF token: %d", r.StatusCode)
		}

		// Field errors say what to fix.
		r := admin.post(page, page, url.Values{"name": {" "}, "expires_on": {"2001-01-01"}})
		if r.StatusCode != 422 || !strings.Contains(r.Body, "Geben Sie eine Bezeichnung mit 1 bis 100 Zeichen an") ||
			!strings.Contains(r.Body, "Wählen Sie mindestens eine Berechtigung.") || !strings.Contains(r.Body, "Wählen Sie einen Tag in der Zukunft") || keySecret.MatchString(r.Body) {
			t.Fatalf("invalid key: %d\n%s", r.StatusCode, r.Body)
		}

		// The form redirects, so that reloading cannot make a second key; the page it leads to
		// shows the secret once, and it works.
		r = admin.post(page, page, url.Values{"name": {"Personalverwaltung LOGA"}, "scopes": {"reports:read", "reports:named"}, "expires_on": {"2099-12-31"}})
		made := r.Header.Get("Location")
		if r.StatusCode != 303 || !strings.HasPrefix(made, "/admin/api-keys?made=") || keySecret.MatchString(r.Body) {
			t.Fatalf("create: %d %q\n%s", r.StatusCode, made, r.Body)
		}
		// Nobody else gets it: another admin following the same link first sees no secret.
		w.e.User(&w.a, "admin2@a.example", "", model.RoleAdmin)
		if other := w.browser(t, "admin2@a.example").do("GET", made, nil); keySecret.MatchString(other.Body) {
			t.Error("another admin was shown the secret")
		}
		r = admin.do("GET", made, nil)
		m := keySecret.FindStringSubmatch(r.Body)
		if r.StatusCode != 200 || m == nil || !strings.Contains(r.Body, "Er wird nie wieder angezeigt") || r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("the page after creating: %d\n%s", r.StatusCode, r.Body)
		}
		secret := m[1]
		// Reloaded, the page shows the list and says the secret is gone; no second key.
		if again := admin.do("GET", made, nil); keySecret.MatchString(again.Body) || !strings.Contains(again.Body, "nur einmal angezeigt") ||
			len(keyRevoke.FindAllString(again.Body, -1)) != 1 {
			t.Errorf("reloaded:\n%s", again.Body)
		}
		if res := w.e.Do("GET", "/api/v1/reports/learners?course=basis", secret, nil); res.StatusCode == 401 || res.StatusCode == 403 {
			t.Errorf("the new key is refused: %d", res.StatusCode)
		}
		list := admin.do("GET", page, nil)
		if strings.Contains(list.Body, secret) || !strings.Contains(list.Body, "Personalverwaltung LOGA") || !strings.Contains(list.Body, "Namentliche Listen lesen") ||
			!strings.Contains(list.Body, "31.12.2099") || strings.Contains(list.Body, "Noch nie") { // used a moment ago
			t.Errorf("the list (secret shown again?):\n%s", list.Body)
		}
		id := keyRevoke.FindStringSubmatch(list.Body)[1]

		// Another municipality's admin sees none of it.
		w.e.User(&w.b, "admin@b.example", "", "admin")
		other := w.browser(t, "admin@b.example")
		if r := other.do("GET", page+"/"+id+"/revoke", nil); r.StatusCode != 404 {
			t.Errorf("another municipality's key: %d", r.StatusCode)
		}
		if r := other.post(page, page+"/"+id+"/revoke", url.Values{}); r.StatusCode != 404 {
			t.Errorf("revoke another municipality's key: %d", r.StatusCode)
		}

		// Revoking asks first; then the key stops working at once.
		confirm := admin.do("GET", page+"/"+id+"/revoke", nil)
		if confirm.StatusCode != 200 || !strings.Contains(confirm.Body, "Das lässt sich nicht rückgängig machen") {
			t.Fatalf("confirmation: %d\n%s", confirm.StatusCode, confirm.Body)
		}
		if res := w.e.Do("GET", "/api/v1/reports/learners?course=basis", secret, nil); res.StatusCode == 401 {
			t.Error("the confirmation page revoked the key")
		}
		r = admin.do("POST", page+"/"+id+"/revoke", url.Values{"_csrf": {admin.csrf(confirm)}})
		if r.StatusCode != 303 || r.Header.Get("Location") != page+"?done=revoked" {
			t.Fatalf("revoke: %d", r.StatusCode)
		}
		if res := w.e.Do("GET", "/api/v1/reports/learners?course=basis", secret, nil); res.StatusCode != 401 {
			t.Errorf("a revoked key: %d", res.StatusCode)
		}
		if list := admin.do("GET", page+"?done=revoked", nil); !strings.Contains(list.Body, "Widerrufen am") || keyRevoke.MatchString(list.Body) {
			t.Error("the list does not show the key as revoked")
		}
		if audit := w.auditActions(t); audit["api_key.create"] != 1 || audit["api_key.revoke"] != 1 {
			t.Errorf("audit: %v", audit)
		}

		// A secret waits for its page only a short while.
		late := admin.post(page, page, url.Values{"name": {"Vergessen"}, "scopes": {"reports:read"}})
		w.e.Srv.Store.SetClock(func() time.Time { return time.Now().Add(6 * time.Minute) })
		if r := admin.do("GET", late.Header.Get("Location"), nil); keySecret.MatchString(r.Body) || !strings.Contains(r.Body, "nur einmal angezeigt") {
			t.Error("a secret was shown six minutes after its key was made")
		}
		w.e.Srv.Store.SetClock(time.Now)
	})
}
