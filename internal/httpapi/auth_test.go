package httpapi_test

import (
	"time"

	"github.com/wachsam/wachsam/internal/store"
	"strings"
	"sync"
	"testing"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

func TestLoginAnswersTheSameForWrongPasswordAndUnknownEmail(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, nil)
		ten := e.Tenant("a")
		e.User(&ten, "anna@a.example", "", model.RoleLearner)

		wrong := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"email": "anna@a.example", "password": "not the password"})
		unknown := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"email": "nobody@a.example", "password": "not the password"})
		for _, r := range []testenv.Response{wrong, unknown} {
			if r.StatusCode != 401 {
				t.Fatalf("status %d, want 401: %s", r.StatusCode, r.Body)
			}
		}
		strip := func(body string) string { return body[:strings.Index(body, `"request_id"`)] }
		if strip(wrong.Body) != strip(unknown.Body) {
			t.Errorf("answers differ:\n%s\n%s", wrong.Body, unknown.Body)
		}

		ok := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"email": " Anna@A.example ", "password": testenv.Password})
		var tok map[string]any
		ok.JSON(t, &tok)
		if ok.StatusCode != 200 || tok["token_type"] != "Bearer" || tok["expires_in"].(float64) != 900 || tok["access_token"] == "" || tok["refresh_token"] == "" {
			t.Fatalf("login: %d %s", ok.StatusCode, ok.Body)
		}
		if ok.Header.Get("Cache-Control") != "no-store" {
			t.Error("token response may be cached")
		}
	})
}

func TestDeactivatedUserCannotSignIn(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, nil)
		ten := e.Tenant("a")
		admin := e.User(&ten, "admin@a.example", "", model.RoleAdmin)
		anna := e.User(&ten, "anna@a.example", "", model.RoleLearner)
		_, refresh := e.Login("anna@a.example")

		res := e.Do("PATCH", "/api/v1/admin/users/"+anna.ID, e.Token(admin.Email), map[string]any{"active": false})
		if res.StatusCode != 200 {
			t.Fatalf("deactivate: %d %s", res.StatusCode, res.Body)
		}
		if r := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"email": "anna@a.example", "password": testenv.Password}); r.StatusCode != 401 {
			t.Errorf("deactivated login: %d", r.StatusCode)
		}
		if r := e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": refresh}); r.StatusCode != 401 {
			t.Errorf("deactivated refresh: %d", r.StatusCode)
		}
	})
}

// A deactivated user loses access within the access-token lifetime at the latest: the token
// they hold (verified and cached before) works until it expires, and no refresh follows. This
// is the bound docs/configuration.md states.
func TestDeactivatedUserLosesAccessWhenTheTokenExpires(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, nil)
		ten := e.Tenant("a")
		admin := e.Token(e.User(&ten, "admin@a.example", "", model.RoleAdmin).Email)
		anna := e.User(&ten, "anna@a.example", "", model.RoleLearner)
		access, refresh := e.Login("anna@a.example")
		if r := e.Do("GET", "/api/v1/me", access, nil); r.StatusCode != 200 { // verified and cached
			t.Fatalf("me: %d", r.StatusCode)
		}
		if r := e.Do("PATCH", "/api/v1/admin/users/"+anna.ID, admin, map[string]any{"active": false}); r.StatusCode != 200 {
			t.Fatalf("deactivate: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": refresh}); r.StatusCode != 401 {
			t.Errorf("refresh after deactivation: %d", r.StatusCode)
		}
		ttl := e.Srv.Config.AccessTokenTTL
		e.Srv.Identity.SetTokenClock(func() time.Time { return time.Now().Add(ttl + time.Second) })
		if r := e.Do("GET", "/api/v1/me", access, nil); r.StatusCode != 401 {
			t.Errorf("the deactivated user's token still works after its lifetime (%s): %d", ttl, r.StatusCode)
		}
	})
}

func TestRefreshRotatesAndReuseRevokesTheFamily(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, nil)
		ten := e.Tenant("a")
		e.User(&ten, "anna@a.example", "", model.RoleLearner)
		_, first := e.Login("anna@a.example")

		r := e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": first})
		var pair struct {
			AccessToken  string `json:"access_token"`
			RefreshToken string `json:"refresh_token"`
		}
		r.JSON(t, &pair)
		if r.StatusCode != 200 || pair.RefreshToken == first || pair.AccessToken == "" {
			t.Fatalf("refresh: %d %s", r.StatusCode, r.Body)
		}
		if me := e.Do("GET", "/api/v1/me", pair.AccessToken, nil); me.StatusCode != 200 {
			t.Fatalf("new access token refused: %d", me.StatusCode)
		}
		// Within a few seconds a second use is taken for a race between two tabs: refused,
		// but the session lives on.
		r = e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": first})
		if r.StatusCode != 401 || !strings.Contains(r.Body, "a moment ago") {
			t.Fatalf("raced refresh token: %d %s", r.StatusCode, r.Body)
		}
		// Later, the spent token is refused, and presenting it ends the whole session ...
		e.Srv.Store.SetClock(func() time.Time { return time.Now().UTC().Add(store.RefreshGrace + time.Second) })
		if r := e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": first}); r.StatusCode != 401 {
			t.Fatalf("reused refresh token: %d", r.StatusCode)
		}
		// ... so the successor, possibly in a thief's hands, is dead too.
		if r := e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": pair.RefreshToken}); r.StatusCode != 401 {
			t.Fatalf("successor after reuse: %d", r.StatusCode)
		}
		// Another login (another family) is unaffected.
		_, other := e.Login("anna@a.example")
		if r := e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": other}); r.StatusCode != 200 {
			t.Fatalf("other session: %d", r.StatusCode)
		}
	})
}

func TestConcurrentRefreshSucceedsAtMostOnce(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, nil)
		ten := e.Tenant("a")
		e.User(&ten, "anna@a.example", "", model.RoleLearner)
		_, token := e.Login("anna@a.example")
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": token})
				if r.StatusCode == 200 {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if wins > 1 {
			t.Fatalf("%d concurrent refreshes of one token succeeded", wins)
		}
	})
}

func TestLogoutRevokesTheRefreshToken(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, nil)
		ten := e.Tenant("a")
		e.User(&ten, "anna@a.example", "", model.RoleLearner)
		_, refresh := e.Login("anna@a.example")
		if r := e.Do("POST", "/api/v1/auth/logout", "", map[string]string{"refresh_token": refresh}); r.StatusCode != 204 {
			t.Fatalf("logout: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": refresh}); r.StatusCode != 401 {
			t.Fatalf("refresh after logout: %d", r.StatusCode)
		}
		if r := e.Do("POST", "/api/v1/auth/logout", "", map[string]string{"refresh_token": refresh}); r.StatusCode != 204 {
			t.Fatalf("second logout: %d", r.StatusCode)
		}
	})
}

func TestLoginRateLimits(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, map[string]string{"WACHSAM_LOGIN_LIMIT_PER_ACCOUNT": "3", "WACHSAM_LOGIN_LIMIT_PER_IP": "6"})
		ten := e.Tenant("a")
		e.User(&ten, "anna@a.example", "", model.RoleLearner)
		try := func(email, pw string) int {
			return e.Do("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": pw}).StatusCode
		}
		for i := range 3 {
			if s := try("anna@a.example", "wrong password"); s != 401 {
				t.Fatalf("attempt %d: %d", i+1, s)
			}
		}
		// The account is locked for the window, even with the right password.
		r := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"email": "ANNA@a.example", "password": testenv.Password})
		if r.StatusCode != 429 || r.Header.Get("Retry-After") == "" {
			t.Fatalf("4th attempt on the account: %d (Retry-After %q)", r.StatusCode, r.Header.Get("Retry-After"))
		}
		// Per address: spraying many accounts from one address is stopped too (4 attempts used).
		try("b@a.example", "x")
		try("c@a.example", "x")
		if s := try("d@a.example", "x"); s != 429 {
			t.Fatalf("7th attempt from one address: %d", s)
		}
	})
}

func TestAccessTokenIsRequired(t *testing.T) {
	e := testenv.New(t, "sqlite", nil)
	for _, token := range []string{"", "garbage", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."} {
		r := e.Do("GET", "/api/v1/me", token, nil)
		if r.StatusCode != 401 {
			t.Errorf("token %q: %d", token, r.StatusCode)
		}
	}
}
