package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

// browser keeps cookies between requests like a real one.
type browser struct {
	t       *testing.T
	e       *testenv.Env
	cookies map[string]string
	lang    string
}

func newBrowser(t *testing.T, e *testenv.Env) *browser {
	return &browser{t: t, e: e, cookies: map[string]string{}}
}

func (b *browser) do(method, path string, form url.Values) testenv.Response {
	b.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res := b.e.Send(req)
	for _, line := range res.Header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			b.t.Fatal(err)
		}
		if c.Value == "" || (!c.Expires.IsZero() && c.Expires.Unix() <= 1) {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return res
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (b *browser) csrf(page testenv.Response) string {
	b.t.Helper()
	m := csrfField.FindStringSubmatch(page.Body)
	if m == nil {
		b.t.Fatalf("no CSRF field in page:\n%s", page.Body)
	}
	return m[1]
}

func (b *browser) login(email, password string) testenv.Response {
	page := b.do("GET", "/login", nil)
	return b.do("POST", "/login", url.Values{"_csrf": {b.csrf(page)}, "email": {email}, "password": {password}, "next": {"/"}})
}

func TestLoginLogoutInTheBrowser(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, nil)
		ten := e.Tenant("a")
		e.User(&ten, "anna@a.example", "", model.RoleLearner)
		b := newBrowser(t, e)

		if r := b.do("GET", "/", nil); r.StatusCode != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/login?next=") {
			t.Fatalf("anonymous start page: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		page := b.do("GET", "/login", nil)
		if page.StatusCode != 200 || !strings.Contains(page.Body, `<html lang="de">`) || !strings.Contains(page.Body, "Anmelden") {
			t.Fatalf("login page: %d", page.StatusCode)
		}

		r := b.login("anna@a.example", "falsch falsch falsch")
		if r.StatusCode != 401 || !strings.Contains(r.Body, "E-Mail-Adresse oder Passwort ist falsch.") || !strings.Contains(r.Body, `value="anna@a.example"`) {
			t.Fatalf("wrong password: %d", r.StatusCode)
		}
		r = b.login("anna@a.example", testenv.Password)
		if r.StatusCode != 303 || r.Header.Get("Location") != "/" {
			t.Fatalf("login: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		for _, line := range r.Header.Values("Set-Cookie") {
			if strings.HasPrefix(line, "wachsam_") && !strings.Contains(line, "HttpOnly") {
				t.Errorf("cookie without HttpOnly: %s", line)
			}
		}
		home := b.do("GET", "/", nil)
		if home.StatusCode != 200 || !strings.Contains(home.Body, "Meine Kurse") || !strings.Contains(home.Body, "Hallo anna!") {
			t.Fatalf("home: %d\n%s", home.StatusCode, home.Body)
		}

		// Logout ends the session: the refresh cookie no longer works either.
		refresh := b.cookies["wachsam_rt"]
		r = b.do("POST", "/logout", url.Values{"_csrf": {b.csrf(home)}})
		if r.StatusCode != 303 || r.Header.Get("Location") != "/login?done=logout" {
			t.Fatalf("logout: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if r := e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": refresh}); r.StatusCode != 401 {
			t.Errorf("refresh cookie after logout: %d", r.StatusCode)
		}
		if r := b.do("GET", "/", nil); r.StatusCode != 303 {
			t.Errorf("home after logout: %d", r.StatusCode)
		}
	})
}

func TestExpiredAccessCookieIsRenewedOnNavigation(t *testing.T) {
	e := testenv.New(t, "sqlite", nil)
	ten := e.Tenant("a")
	e.User(&ten, "anna@a.example", "", model.RoleLearner)
	b := newBrowser(t, e)
	b.login("anna@a.example", testenv.Password)
	oldRefresh := b.cookies["wachsam_rt"]
	delete(b.cookies, "wachsam_at") // the browser drops the expired access cookie
	if r := b.do("GET", "/", nil); r.StatusCode != 200 {
		t.Fatalf("navigation with only the refresh cookie: %d", r.StatusCode)
	}
	if b.cookies["wachsam_at"] == "" || b.cookies["wachsam_rt"] == oldRefresh {
		t.Error("cookies were not renewed")
	}
}

func TestFormsWithoutCSRFTokenAreRefused(t *testing.T) {
	e := testenv.New(t, "sqlite", nil)
	ten := e.Tenant("a")
	e.User(&ten, "anna@a.example", "", model.RoleLearner)
	b := newBrowser(t, e)
	b.do("GET", "/login", nil) // has the CSRF cookie now
	for name, token := range map[string]string{"missing": "", "forged": "00000000-0000-4000-8000-000000000000"} {
		form := url.Values{"email": {"anna@a.example"}, "password": {testenv.Password}}
		if token != "" {
			form.Set("_csrf", token)
		}
		r := b.do("POST", "/login", form)
		if r.StatusCode != 403 || !strings.Contains(r.Body, "Das Formular ist abgelaufen") {
			t.Errorf("%s token: %d", name, r.StatusCode)
		}
		if _, ok := b.cookies["wachsam_at"]; ok {
			t.Errorf("%s token: signed in anyway", name)
		}
	}
	// Logout is a form too: a cross-site page cannot sign the user out.
	b.login("anna@a.example", testenv.Password)
	if r := b.do("POST", "/logout", url.Values{}); r.StatusCode != 403 {
		t.Errorf("logout without token: %d", r.StatusCode)
	}
}

func TestPagesSpeakEnglish(t *testing.T) {
	e := testenv.New(t, "sqlite", nil)
	ten := e.Tenant("a")
	e.User(&ten, "anna@a.example", "", model.RoleLearner)
	b := newBrowser(t, e)
	b.lang = "en-GB,en;q=0.9,de;q=0.5"
	page := b.do("GET", "/login", nil)
	if !strings.Contains(page.Body, `<html lang="en">`) || !strings.Contains(page.Body, "Sign in") {
		t.Fatalf("Accept-Language en: %s", page.Body)
	}
	// ?lang= wins over the browser and is remembered.
	page = b.do("GET", "/login?lang=de", nil)
	if !strings.Contains(page.Body, `<html lang="de">`) {
		t.Fatal("?lang=de ignored")
	}
	if page = b.do("GET", "/login", nil); !strings.Contains(page.Body, `<html lang="de">`) {
		t.Fatal("language choice not remembered")
	}
	if !strings.Contains(page.Body, `hreflang="en"`) {
		t.Error("no switch to English")
	}
}

func TestSetPasswordLink(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, nil)
		ten := e.Tenant("a")
		admin := e.User(&ten, "admin@a.example", "", model.RoleAdmin)
		r := e.Do("POST", "/api/v1/admin/users", e.Token(admin.Email), map[string]any{"email": "neu@a.example", "name": "Neu"})
		var created struct {
			SetPasswordURL string `json:"set_password_url"`
		}
		r.JSON(t, &created)
		link, _ := url.Parse(created.SetPasswordURL)
		b := newBrowser(t, e)

		// No password yet: signing in fails like any wrong password.
		if r := b.login("neu@a.example", "irgendein Passwort"); r.StatusCode != 401 {
			t.Fatalf("login before setting a password: %d", r.StatusCode)
		}
		page := b.do("GET", link.RequestURI(), nil)
		if page.StatusCode != 200 || page.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Fatalf("set-password page: %d", page.StatusCode)
		}
		token := link.Query().Get("token")
		form := func(pw, confirm string) url.Values {
			return url.Values{"_csrf": {b.csrf(page)}, "token": {token}, "password": {pw}, "confirm": {confirm}}
		}
		if r := b.do("POST", "/set-password", form("zu kurz", "zu kurz")); r.StatusCode != 422 || !strings.Contains(r.Body, "mindestens 10 Zeichen") {
			t.Errorf("short password: %d", r.StatusCode)
		}
		if r := b.do("POST", "/set-password", form("ein gutes Passwort", "ein anderes Passwort")); r.StatusCode != 422 || !strings.Contains(r.Body, "stimmen nicht überein") {
			t.Errorf("mismatch: %d", r.StatusCode)
		}
		if r := b.do("POST", "/set-password", form("ein gutes Passwort", "ein gutes Passwort")); r.StatusCode != 303 || r.Header.Get("Location") != "/login?done=password" {
			t.Fatalf("set: %d %s", r.StatusCode, r.Body)
		}
		if r := b.login("neu@a.example", "ein gutes Passwort"); r.StatusCode != 303 {
			t.Errorf("login with the new password: %d", r.StatusCode)
		}
		// The link works once.
		if r := b.do("POST", "/set-password", form("noch ein Passwort", "noch ein Passwort")); r.StatusCode != 404 || !strings.Contains(r.Body, "bereits benutzt") {
			t.Errorf("second use: %d", r.StatusCode)
		}
		if r := b.do("GET", link.RequestURI(), nil); r.StatusCode != 404 {
			t.Errorf("page after use: %d", r.StatusCode)
		}
	})
}

func TestErrorPagesAreHTML(t *testing.T) {
	e := testenv.New(t, "sqlite", nil)
	b := newBrowser(t, e)
	r := b.do("GET", "/does-not-exist", nil)
	if r.StatusCode != 404 || !strings.Contains(r.Header.Get("Content-Type"), "text/html") || !strings.Contains(r.Body, "Diese Seite gibt es nicht") {
		t.Errorf("404 page: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	if r := b.do("GET", "/login?next=https://evil.example/", nil); !strings.Contains(r.Body, `name="next" value="/"`) {
		t.Error("open redirect through next")
	}
}

// An error page for a signed-in user keeps the header of a signed-in page (navigation, who is
// signed in, sign out): it did not sign them out.
func TestErrorPagesKeepTheSignedInHeader(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		w := newAdminWorld(t, dialect)
		hr := w.browser(t, w.hr)
		for path, status := range map[string]int{"/admin/reports/gibt-es-nicht": 404, "/admin/settings": 403} {
			r := hr.do("GET", path, nil)
			if r.StatusCode != status || !strings.Contains(r.Body, `action="/logout"`) || !strings.Contains(r.Body, `href="/admin"`) || !strings.Contains(r.Body, "Stadt a") {
				t.Errorf("%s for hr: %d, without the signed-in header:\n%s", path, r.StatusCode, r.Body)
			}
		}
		if r := newBrowser(t, w.e).do("GET", "/does-not-exist", nil); r.StatusCode != 404 || strings.Contains(r.Body, `action="/logout"`) {
			t.Errorf("404 for nobody: %d, with a sign-out button", r.StatusCode)
		}
	})
}

func TestStaticFilesAreServed(t *testing.T) {
	e := testenv.New(t, "sqlite", nil)
	r := e.Do("GET", "/static/css/wachsam.css", "", nil)
	if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("css: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	for _, external := range []string{"http://", "https://", "//fonts", "@import"} {
		if strings.Contains(r.Body, external) {
			t.Errorf("stylesheet refers to another host: %q", external)
		}
	}
}
