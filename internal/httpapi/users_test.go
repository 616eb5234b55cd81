package httpapi_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

func TestAdminManagesUsers(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, nil)
		ten := e.Tenant("a")
		admin := e.User(&ten, "admin@a.example", "", model.RoleAdmin)
		tok := e.Token(admin.Email)

		// Created without a password: the answer carries a single-use set-password link.
		r := e.Do("POST", "/api/v1/admin/users", tok, map[string]any{
			"email": "Lena.Fischer@A.example", "name": "  Lena   Fischer ", "employee_number": "2003",
			"org_unit": "Fachbereich 2 / Kämmerei", "roles": []string{"learner", "hr"}, "language": "en"})
		if r.StatusCode != 201 {
			t.Fatalf("create: %d %s", r.StatusCode, r.Body)
		}
		var created struct {
			model.User
			SetPasswordURL string `json:"set_password_url"`
		}
		r.JSON(t, &created)
		if created.Email != "lena.fischer@a.example" || created.Name != "Lena Fischer" || created.OrgUnitPath != "Fachbereich 2/Kämmerei" ||
			created.Language != "en" || created.HasPassword || len(created.Roles) != 2 {
			t.Errorf("created %+v", created.User)
		}
		if !strings.HasPrefix(created.SetPasswordURL, "http://127.0.0.1:8080/set-password?token=") {
			t.Errorf("link %q", created.SetPasswordURL)
		}

		// The org unit tree was created with its parent.
		var units []model.OrgUnit
		e.Do("GET", "/api/v1/admin/org-units", tok, nil).JSON(t, &units)
		if len(units) != 2 || units[0].Path != "Fachbereich 2" || units[1].ParentID != units[0].ID {
			t.Errorf("org units %+v", units)
		}

		// Update: nil fields stay; the employee number must stay unique.
		e.User(&ten, "other@a.example", "", model.RoleLearner)
		r = e.Do("PATCH", "/api/v1/admin/users/"+created.ID, tok, map[string]any{"org_unit": "Fachbereich 1"})
		var updated model.User
		r.JSON(t, &updated)
		if r.StatusCode != 200 || updated.OrgUnitPath != "Fachbereich 1" || updated.EmployeeNumber != "2003" || updated.Name != "Lena Fischer" {
			t.Errorf("update: %d %s", r.StatusCode, r.Body)
		}
		var others []model.User
		e.Do("GET", "/api/v1/admin/users?q=other", tok, nil).JSON(t, &others)
		if len(others) != 1 {
			t.Fatalf("search other: %+v", others)
		}
		if r := e.Do("PATCH", "/api/v1/admin/users/"+others[0].ID, tok, map[string]any{"employee_number": "2003"}); r.StatusCode != 409 {
			t.Errorf("duplicate employee number: %d %s", r.StatusCode, r.Body)
		}

		// Filters.
		var inUnit []model.User
		e.Do("GET", "/api/v1/admin/users?org_unit="+url.QueryEscape("Fachbereich 1"), tok, nil).JSON(t, &inUnit)
		if len(inUnit) != 1 || inUnit[0].ID != created.ID {
			t.Errorf("org unit filter: %+v", inUnit)
		}

		// Audit log records the changes, newest first.
		var audit []model.AuditEntry
		e.Do("GET", "/api/v1/admin/audit", tok, nil).JSON(t, &audit)
		if len(audit) < 2 || audit[0].Action != "user.update" || audit[0].ActorName != "admin" {
			t.Errorf("audit %+v", audit)
		}
	})
}

func TestRoleGrantsAreLimited(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, nil)
		ten := e.Tenant("a")
		hr := e.User(&ten, "hr@a.example", "", model.RoleHR)
		admin := e.User(&ten, "admin@a.example", "", model.RoleAdmin)
		anna := e.User(&ten, "anna@a.example", "", model.RoleLearner)
		hrTok, adminTok := e.Token(hr.Email), e.Token(admin.Email)

		// hr keeps the staff list but hands out no permissions.
		if r := e.Do("POST", "/api/v1/admin/users", hrTok, map[string]any{"email": "x@a.example", "name": "X", "roles": []string{"admin"}}); r.StatusCode != 403 {
			t.Errorf("hr grants admin: %d", r.StatusCode)
		}
		if r := e.Do("PATCH", "/api/v1/admin/users/"+anna.ID, hrTok, map[string]any{"roles": []string{"learner", "hr"}}); r.StatusCode != 403 {
			t.Errorf("hr grants hr: %d", r.StatusCode)
		}
		if r := e.Do("POST", "/api/v1/admin/users", hrTok, map[string]any{"email": "y@a.example", "name": "Y"}); r.StatusCode != 201 {
			t.Errorf("hr creates a learner: %d %s", r.StatusCode, r.Body)
		}
		// Admins grant tenant roles, never operator.
		if r := e.Do("PATCH", "/api/v1/admin/users/"+anna.ID, adminTok, map[string]any{"roles": []string{"learner", "hr"}}); r.StatusCode != 200 {
			t.Errorf("admin grants hr: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Do("PATCH", "/api/v1/admin/users/"+anna.ID, adminTok, map[string]any{"roles": []string{"operator"}}); r.StatusCode != 403 && r.StatusCode != 422 {
			t.Errorf("admin grants operator: %d", r.StatusCode)
		}
		if r := e.Do("PATCH", "/api/v1/admin/users/"+anna.ID, adminTok, map[string]any{"roles": []string{"chef"}}); r.StatusCode != 422 {
			t.Errorf("unknown role: %d", r.StatusCode)
		}
		if r := e.Do("PATCH", "/api/v1/admin/users/"+admin.ID, adminTok, map[string]any{"active": false}); r.StatusCode != 403 {
			t.Errorf("admin deactivates themself: %d", r.StatusCode)
		}
	})
}

func TestUserListPagesWithACursor(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, nil)
		ten := e.Tenant("a")
		admin := e.User(&ten, "admin@a.example", "", model.RoleAdmin)
		for i := range 7 {
			e.User(&ten, fmt.Sprintf("user%02d@a.example", i), "", model.RoleLearner)
		}
		tok := e.Token(admin.Email)
		seen := map[string]bool{}
		next := "/api/v1/admin/users?limit=3"
		pages := 0
		for next != "" {
			r := e.Do("GET", next, tok, nil)
			var page []model.User
			r.JSON(t, &page)
			for _, u := range page {
				if seen[u.ID] {
					t.Fatalf("user %s on two pages", u.Email)
				}
				seen[u.ID] = true
			}
			pages++
			next = ""
			if link := r.Header.Get("Link"); link != "" {
				next = link[1:strings.Index(link, ">")]
			}
		}
		if len(seen) != 8 || pages != 3 {
			t.Errorf("%d users on %d pages, want 8 on 3", len(seen), pages)
		}
	})
}

func TestOrgUnits(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, nil)
		ten := e.Tenant("a")
		admin := e.User(&ten, "admin@a.example", "", model.RoleAdmin)
		tok := e.Token(admin.Email)
		create := func(path string) (int, model.OrgUnit) {
			r := e.Do("POST", "/api/v1/admin/org-units", tok, map[string]any{"path": path})
			var u model.OrgUnit
			if r.StatusCode < 300 {
				r.JSON(t, &u)
			}
			return r.StatusCode, u
		}
		if s, u := create("Fachbereich 1/Bürgeramt/Meldewesen"); s != 201 || u.Path != "Fachbereich 1/Bürgeramt/Meldewesen" {
			t.Fatalf("create: %d %+v", s, u)
		}
		if s, _ := create("Fachbereich 1/Bürgeramt"); s != 200 {
			t.Errorf("existing path: %d, want 200", s)
		}
		if s, _ := create("Fachbereich 1//x"); s != 422 {
			t.Errorf("empty segment: %d", s)
		}
		_, fb1 := create("Fachbereich 1")
		e.User(&ten, "anna@a.example", "Fachbereich 1/Bürgeramt/Meldewesen", model.RoleLearner)

		// Renaming rewrites the paths below.
		r := e.Do("PATCH", "/api/v1/admin/org-units/"+fb1.ID, tok, map[string]any{"name": "FB 1 – Bürgerdienste"})
		if r.StatusCode != 200 {
			t.Fatalf("rename: %d %s", r.StatusCode, r.Body)
		}
		var users []model.User
		e.Do("GET", "/api/v1/admin/users?q=anna", tok, nil).JSON(t, &users)
		if len(users) != 1 || users[0].OrgUnitPath != "FB 1 – Bürgerdienste/Bürgeramt/Meldewesen" {
			t.Errorf("after rename: %+v", users)
		}
		if r := e.Do("PATCH", "/api/v1/admin/org-units/"+fb1.ID, tok, map[string]any{"name": "a/b"}); r.StatusCode != 422 {
			t.Errorf("rename with slash: %d", r.StatusCode)
		}
		// Units with members or sub-units are not deleted.
		if r := e.Do("DELETE", "/api/v1/admin/org-units/"+fb1.ID, tok, nil); r.StatusCode != 409 || !strings.Contains(r.Body, "sub-units") {
			t.Errorf("delete non-empty: %d %s", r.StatusCode, r.Body)
		}
		_, empty := create("Leer")
		if r := e.Do("DELETE", "/api/v1/admin/org-units/"+empty.ID, tok, nil); r.StatusCode != 204 {
			t.Errorf("delete empty: %d", r.StatusCode)
		}
	})
}

func TestTenantSettingsAndOperators(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, nil)
		ten := e.Tenant("a")
		admin := e.User(&ten, "admin@a.example", "", model.RoleAdmin)
		op := e.User(nil, "op@platform.example", "", model.RoleOperator)
		tok, opTok := e.Token(admin.Email), e.Token(op.Email)

		r := e.Do("PATCH", "/api/v1/admin/tenant", tok, map[string]any{"settings": map[string]any{"min_group_size": 7, "default_language": "en"}})
		var got model.Tenant
		r.JSON(t, &got)
		if r.StatusCode != 200 || got.Settings.MinGroupSize != 7 || got.Settings.DefaultLanguage != "en" || got.Name != "Stadt a" {
			t.Errorf("settings: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Do("PATCH", "/api/v1/admin/tenant", tok, map[string]any{"settings": map[string]any{"min_group_size": 1}}); r.StatusCode != 422 {
			t.Errorf("group size 1: %d", r.StatusCode)
		}

		// Operators create municipalities and see all of them.
		if r := e.Do("POST", "/api/v1/operator/tenants", opTok, map[string]any{"slug": "neustadt", "name": "Gemeinde Neustadt"}); r.StatusCode != 201 {
			t.Fatalf("create tenant: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Do("POST", "/api/v1/operator/tenants", opTok, map[string]any{"slug": "neustadt", "name": "Doppelt"}); r.StatusCode != 409 {
			t.Errorf("duplicate slug: %d", r.StatusCode)
		}
		if r := e.Do("POST", "/api/v1/operator/tenants", opTok, map[string]any{"slug": "Neu Stadt", "name": "X"}); r.StatusCode != 422 {
			t.Errorf("bad slug: %d", r.StatusCode)
		}
		var all []model.Tenant
		e.Do("GET", "/api/v1/operator/tenants", opTok, nil).JSON(t, &all)
		if len(all) != 2 {
			t.Errorf("operator sees %d tenants", len(all))
		}
		// An operator acts on one municipality with ?tenant=; a write without it is refused.
		if r := e.Do("POST", "/api/v1/admin/users?tenant=neustadt", opTok, map[string]any{"email": "x@neustadt.example", "name": "X", "roles": []string{"admin"}}); r.StatusCode != 201 {
			t.Errorf("operator creates admin: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Do("POST", "/api/v1/admin/users", opTok, map[string]any{"email": "y@neustadt.example", "name": "Y"}); r.StatusCode != 422 {
			t.Errorf("operator write without tenant: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Do("GET", "/api/v1/admin/users?tenant=nowhere", opTok, nil); r.StatusCode != 404 {
			t.Errorf("unknown tenant: %d", r.StatusCode)
		}
		var me map[string]any
		e.Do("GET", "/api/v1/me", opTok, nil).JSON(t, &me)
		if me["tenant"] != nil || me["roles"].([]any)[0] != "operator" {
			t.Errorf("operator /me: %v", me)
		}
	})
}

func TestMe(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, nil)
		ten := e.Tenant("a")
		u := e.User(&ten, "anna@a.example", "Bürgeramt", model.RoleLearner)
		tok := e.Token(u.Email)
		var me map[string]any
		e.Do("GET", "/api/v1/me", tok, nil).JSON(t, &me)
		tenant := me["tenant"].(map[string]any)
		if me["id"] != u.ID || me["email"] != "anna@a.example" || tenant["slug"] != "a" || tenant["name"] != "Stadt a" || me["language"] != "de" {
			t.Errorf("/me = %v", me)
		}
		r := e.Do("PATCH", "/api/v1/me", tok, map[string]any{"language": "en"})
		r.JSON(t, &me)
		if me["language"] != "en" {
			t.Errorf("language after PATCH: %v", me["language"])
		}
		if r := e.Do("PATCH", "/api/v1/me", tok, map[string]any{"language": "fr"}); r.StatusCode != 422 {
			t.Errorf("unsupported language: %d", r.StatusCode)
		}
		if r := e.Do("PATCH", "/api/v1/me", tok, map[string]any{"roles": []string{"admin"}}); r.StatusCode != 400 {
			t.Errorf("self-promotion: %d", r.StatusCode)
		}
	})
}
