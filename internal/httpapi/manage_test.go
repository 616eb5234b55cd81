package httpapi_test

import (
	"strings"
	"testing"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

// hr manages learners only: no set-password link, invitation, change or deactivation for an
// administrator's (or another hr person's) account, which would hand hr that account.
func TestHRCannotTakeOverAccountsWithMoreRights(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, nil)
		ten := e.Tenant("a")
		admin := e.User(&ten, "admin@a.example", "", model.RoleAdmin)
		hr := e.User(&ten, "hr@a.example", "", model.RoleHR)
		other := e.User(&ten, "hr2@a.example", "", model.RoleHR)
		learner := e.User(&ten, "l@a.example", "", model.RoleLearner)
		tok := e.Token(hr.Email)
		for _, target := range []model.User{admin, other} {
			for _, c := range []struct {
				method, path string
				body         any
			}{
				{"POST", "/api/v1/admin/users/" + target.ID + "/set-password-link", nil},
				{"POST", "/api/v1/admin/users/" + target.ID + "/invite", nil},
				{"PATCH", "/api/v1/admin/users/" + target.ID, map[string]any{"email": "mine@a.example"}},
				{"PATCH", "/api/v1/admin/users/" + target.ID, map[string]any{"active": false}},
			} {
				if r := e.Do(c.method, c.path, tok, c.body); r.StatusCode != 403 {
					t.Errorf("hr %s %s: %d %s", c.method, c.path, r.StatusCode, r.Body)
				}
			}
		}
		if r := e.Do("POST", "/api/v1/admin/users/"+learner.ID+"/set-password-link", tok, nil); r.StatusCode != 201 {
			t.Errorf("hr link for a learner: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Do("POST", "/api/v1/admin/users/"+admin.ID+"/set-password-link", e.Token(admin.Email), nil); r.StatusCode != 201 {
			t.Errorf("admin link for themselves: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Do("PATCH", "/api/v1/me", tok, map[string]any{"language": "en"}); r.StatusCode != 200 {
			t.Errorf("hr changing their own language: %d %s", r.StatusCode, r.Body)
		}
		// An anonymised person cannot be brought back through the API either.
		adminTok := e.Token(admin.Email)
		e.Do("PATCH", "/api/v1/admin/users/"+learner.ID, adminTok, map[string]any{"active": false})
		if r := e.Do("POST", "/api/v1/admin/users/"+learner.ID+"/anonymise", adminTok, nil); r.StatusCode != 200 {
			t.Fatalf("anonymise: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Do("PATCH", "/api/v1/admin/users/"+learner.ID, adminTok, map[string]any{"active": true}); r.StatusCode != 409 {
			t.Errorf("reactivating an anonymised person: %d %s", r.StatusCode, r.Body)
		}
	})
}

// The staff import is no way around it: hr's file may not rename, re-address or reactivate an
// administrator, nor bring back an anonymised account; a line that matches them unchanged is fine.
func TestHRImportCannotChangeAccountsWithMoreRights(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, nil)
		ten := e.Tenant("a")
		admin := e.User(&ten, "admin@a.example", "", model.RoleAdmin)
		hr := e.User(&ten, "hr@a.example", "", model.RoleHR)
		gone := e.User(&ten, "gone@a.example", "", model.RoleLearner)
		adminTok, tok := e.Token(admin.Email), e.Token(hr.Email)
		e.Do("PATCH", "/api/v1/admin/users/"+gone.ID, adminTok, map[string]any{"active": false})
		if r := e.Do("POST", "/api/v1/admin/users/"+gone.ID+"/anonymise", adminTok, nil); r.StatusCode != 200 {
			t.Fatal(r.Body)
		}
		head := "E-Mail;Vorname;Nachname\r\n"
		if r := e.Do("POST", "/api/v1/admin/users/import", tok, head+"admin@a.example;Mallory;Takeover\r\n"); r.StatusCode != 422 || !strings.Contains(r.Body, "only an administrator can change") {
			t.Errorf("hr renaming an admin by import: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Do("POST", "/api/v1/admin/users/import", tok, head+"anonymised-"+gone.ID+"@anonymised.invalid;Wieder;Da\r\n"); r.StatusCode != 422 || !strings.Contains(r.Body, "anonymised account") {
			t.Errorf("bringing back an anonymised account: %d %s", r.StatusCode, r.Body)
		}
		var u model.User
		e.Do("GET", "/api/v1/admin/users/"+admin.ID, adminTok, nil).JSON(t, &u)
		if u.Name != admin.Name {
			t.Errorf("the admin was renamed to %q", u.Name)
		}
		// The admin's line as stored is no change and passes; an admin may import the change.
		if r := e.Do("PATCH", "/api/v1/admin/users/"+admin.ID, adminTok, map[string]any{"name": "Anna Admin"}); r.StatusCode != 200 {
			t.Fatal(r.Body)
		}
		var rep struct{ Unchanged int }
		r := e.Do("POST", "/api/v1/admin/users/import", tok, head+"admin@a.example;Anna;Admin\r\n")
		r.JSON(t, &rep)
		if r.StatusCode != 200 || rep.Unchanged != 1 {
			t.Errorf("the admin's unchanged line in hr's import: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Do("POST", "/api/v1/admin/users/import", adminTok, head+"hr@a.example;Hanna;Roth\r\n"); r.StatusCode != 200 {
			t.Errorf("admin importing a change to hr: %d %s", r.StatusCode, r.Body)
		}
	})
}
