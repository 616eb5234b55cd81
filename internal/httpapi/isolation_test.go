package httpapi_test

import (
	"strings"
	"testing"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

// isolationCase describes one API route for the isolation walk: how to address tenant A's
// resource, and who may call it.
type isolationCase struct {
	method, route string // as registered, e.g. "GET /api/v1/admin/users/:id"
	path          string // concrete URL aimed at tenant A
	body          any
	// roles that may call the route; nil = any signed-in user; "public" routes need no token.
	roles  []model.Role
	public bool
	// tenantless routes carry no tenant data to leak (own profile, operator-only, auth).
	tenantless string
}

// TestIsolationWalk calls every API route as a user of another municipality and expects 404 for
// tenant A's data — exactly as for data that does not exist — and as a learner expects 403
// where a role is required. A route missing from the table fails the test, so new routes
// cannot skip the walk.
func TestIsolationWalk(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
		a, b := e.Tenant("a"), e.Tenant("b")
		adminA := e.User(&a, "admin@a.example", "", model.RoleAdmin)
		userA := e.User(&a, "user@a.example", "Fachbereich 1/Bürgeramt", model.RoleLearner)
		learnerA := e.User(&a, "learner@a.example", "", model.RoleLearner)
		adminB := e.User(&b, "admin@b.example", "", model.RoleAdmin)
		hrB := e.User(&b, "hr@b.example", "", model.RoleHR)
		units := e.Do("GET", "/api/v1/admin/org-units", e.Token(adminA.Email), nil)
		var unitList []model.OrgUnit
		units.JSON(t, &unitList)
		unitA := unitList[len(unitList)-1].ID
		certA := e.PassCourse(e.Token(userA.Email), "basis")
		var asg struct{ ID string }
		e.Do("POST", "/api/v1/admin/assignments", e.Token(adminA.Email), map[string]any{"course": "basis", "due_in_days": 30}).JSON(t, &asg)
		assignmentA := asg.ID
		var keyA struct{ ID string }
		e.Do("POST", "/api/v1/admin/api-keys", e.Token(adminA.Email), map[string]any{"name": "HR A", "scopes": []string{"reports:read"}}).JSON(t, &keyA)
		hrA := e.Token(e.User(&a, "hr@a.example", "", model.RoleHR).Email)
		var rec struct{ ID string }
		e.Do("POST", "/api/v1/admin/exemptions", hrA, map[string]any{"user_id": learnerA.ID, "course": "basis", "reason": "Elternzeit"}).JSON(t, &rec)
		exemptionA := rec.ID
		e.Do("POST", "/api/v1/admin/manual-completions", hrA, map[string]any{"user_id": learnerA.ID, "course": "basis", "completed_on": "2026-01-15", "note": "Präsenzschulung"}).JSON(t, &rec)
		manualA := rec.ID
		if exemptionA == "" || manualA == "" {
			t.Fatal("could not record an exemption and a manual completion in tenant a")
		}
		hrAdmin := []model.Role{model.RoleAdmin, model.RoleHR}

		staff := []model.Role{model.RoleAdmin, model.RoleHR, model.RoleOperator}
		admins := []model.Role{model.RoleAdmin, model.RoleOperator}
		cases := []isolationCase{
			{method: "GET", route: "/api/openapi.json", path: "/api/openapi.json", public: true},
			{method: "POST", route: "/api/v1/auth/login", path: "/api/v1/auth/login", public: true},
			{method: "POST", route: "/api/v1/auth/refresh", path: "/api/v1/auth/refresh", public: true},
			{method: "POST", route: "/api/v1/auth/logout", path: "/api/v1/auth/logout", public: true},
			{method: "POST", route: "/api/v1/hooks/courses", path: "/api/v1/hooks/courses", public: true},
			{method: "GET", route: "/api/v1/me", path: "/api/v1/me", tenantless: "the caller's own profile"},
			{method: "GET", route: "/api/v1/courses", path: "/api/v1/courses", tenantless: "the shared course catalogue"},
			{method: "GET", route: "/api/v1/courses/:slug", path: "/api/v1/courses/any", tenantless: "the shared course catalogue"},
			{method: "GET", route: "/api/v1/courses/:slug/lessons/:lesson", path: "/api/v1/courses/any/lessons/any", tenantless: "the shared course catalogue"},
			{method: "GET", route: "/api/v1/verify/:code", path: "/api/v1/verify/x", public: true},
			{method: "POST", route: "/api/v1/courses/:slug/lessons/:lesson/complete", path: "/api/v1/courses/any/lessons/any/complete", tenantless: "the caller's own progress"},
			{method: "POST", route: "/api/v1/courses/:slug/attempts", path: "/api/v1/courses/any/attempts", tenantless: "the caller's own attempts"},
			{method: "GET", route: "/api/v1/attempts/:id", path: "/api/v1/attempts/x", tenantless: "the caller's own attempts (TestAttemptsArePrivate)"},
			{method: "PUT", route: "/api/v1/attempts/:id/answers", path: "/api/v1/attempts/x/answers", tenantless: "the caller's own attempts (TestAttemptsArePrivate)"},
			{method: "POST", route: "/api/v1/attempts/:id/submit", path: "/api/v1/attempts/x/submit", tenantless: "the caller's own attempts (TestAttemptsArePrivate)"},
			{method: "GET", route: "/api/v1/me/export", path: "/api/v1/me/export", tenantless: "the caller's own data"},
			{method: "GET", route: "/api/v1/me/assignments", path: "/api/v1/me/assignments", tenantless: "the caller's own assignments"},
			{method: "GET", route: "/api/v1/admin/assignments", path: "/api/v1/admin/assignments?tenant=a", roles: staff},
			{method: "POST", route: "/api/v1/admin/assignments", path: "/api/v1/admin/assignments?tenant=a", roles: staff, body: map[string]any{"course": "basis", "due_in_days": 30}},
			{method: "DELETE", route: "/api/v1/admin/assignments/:id", path: "/api/v1/admin/assignments/" + assignmentA, roles: staff},
			{method: "GET", route: "/api/v1/admin/exemptions", path: "/api/v1/admin/exemptions?tenant=a", roles: hrAdmin},
			{method: "POST", route: "/api/v1/admin/exemptions", path: "/api/v1/admin/exemptions?tenant=a", roles: hrAdmin, body: map[string]any{"user_id": userA.ID, "course": "basis", "reason": "x"}},
			{method: "DELETE", route: "/api/v1/admin/exemptions/:id", path: "/api/v1/admin/exemptions/" + exemptionA, roles: hrAdmin},
			{method: "GET", route: "/api/v1/admin/manual-completions", path: "/api/v1/admin/manual-completions?tenant=a", roles: hrAdmin},
			{method: "POST", route: "/api/v1/admin/manual-completions", path: "/api/v1/admin/manual-completions?tenant=a", roles: hrAdmin, body: map[string]any{"user_id": userA.ID, "course": "basis", "completed_on": "2026-01-15", "note": "x"}},
			{method: "DELETE", route: "/api/v1/admin/manual-completions/:id", path: "/api/v1/admin/manual-completions/" + manualA, roles: hrAdmin},
			{method: "GET", route: "/api/v1/me/certificates", path: "/api/v1/me/certificates", tenantless: "the caller's own certificates"},
			{method: "GET", route: "/api/v1/certificates/:id/pdf", path: "/api/v1/certificates/" + certA + "/pdf", roles: nil},
			{method: "GET", route: "/api/v1/admin/certificates", path: "/api/v1/admin/certificates?tenant=a", roles: []model.Role{model.RoleAdmin, model.RoleHR}},
			{method: "POST", route: "/api/v1/admin/certificates/:id/revoke", path: "/api/v1/admin/certificates/" + certA + "/revoke", roles: admins, body: map[string]any{"reason": "Test"}},
			{method: "GET", route: "/api/v1/reports/compliance", path: "/api/v1/reports/compliance?course=basis&tenant=a", roles: staff},
			{method: "GET", route: "/api/v1/reports/compliance.csv", path: "/api/v1/reports/compliance.csv?course=basis&tenant=a", roles: staff},
			{method: "GET", route: "/api/v1/reports/compliance.xlsx", path: "/api/v1/reports/compliance.xlsx?course=basis&tenant=a", roles: staff},
			{method: "GET", route: "/api/v1/reports/compliance.pdf", path: "/api/v1/reports/compliance.pdf?course=basis&tenant=a", roles: staff},
			{method: "GET", route: "/api/v1/reports/courses/:slug/statistics", path: "/api/v1/reports/courses/basis/statistics?tenant=a", roles: staff},
			{method: "GET", route: "/api/v1/reports/courses/:slug/statistics.csv", path: "/api/v1/reports/courses/basis/statistics.csv?tenant=a", roles: staff},
			{method: "GET", route: "/api/v1/admin/api-keys", path: "/api/v1/admin/api-keys?tenant=a", roles: admins},
			{method: "POST", route: "/api/v1/admin/api-keys", path: "/api/v1/admin/api-keys?tenant=a", roles: admins, body: map[string]any{"name": "Fremd", "scopes": []string{"reports:read"}}},
			{method: "DELETE", route: "/api/v1/admin/api-keys/:id", path: "/api/v1/admin/api-keys/" + keyA.ID, roles: admins},
			{method: "GET", route: "/api/v1/reports/expiring", path: "/api/v1/reports/expiring?tenant=a", roles: []model.Role{model.RoleAdmin, model.RoleHR}},
			{method: "GET", route: "/api/v1/reports/exemptions-and-completions", path: "/api/v1/reports/exemptions-and-completions?tenant=a", roles: []model.Role{model.RoleAdmin, model.RoleHR}},
			{method: "GET", route: "/api/v1/reports/learners", path: "/api/v1/reports/learners?course=basis&tenant=a", roles: []model.Role{model.RoleAdmin, model.RoleHR}},
			{method: "GET", route: "/api/v1/reports/learners.csv", path: "/api/v1/reports/learners.csv?course=basis&tenant=a", roles: []model.Role{model.RoleAdmin, model.RoleHR}},
			{method: "GET", route: "/api/v1/reports/learners.xlsx", path: "/api/v1/reports/learners.xlsx?course=basis&tenant=a", roles: []model.Role{model.RoleAdmin, model.RoleHR}},
			{method: "POST", route: "/api/v1/admin/courses/sync", path: "/api/v1/admin/courses/sync", roles: []model.Role{model.RoleOperator}, tenantless: "operators only"},
			{method: "GET", route: "/api/v1/admin/courses/sync", path: "/api/v1/admin/courses/sync", roles: []model.Role{model.RoleOperator}, tenantless: "operators only"},
			{method: "PATCH", route: "/api/v1/me", path: "/api/v1/me", body: map[string]any{}, tenantless: "the caller's own profile"},
			{method: "GET", route: "/api/v1/admin/users", path: "/api/v1/admin/users?tenant=a", roles: staff},
			{method: "POST", route: "/api/v1/admin/users", path: "/api/v1/admin/users?tenant=a", roles: staff, body: map[string]any{"email": "new@a.example", "name": "Neu"}},
			{method: "POST", route: "/api/v1/admin/users/import", path: "/api/v1/admin/users/import?tenant=a", roles: staff, body: "E-Mail;Vorname;Nachname\nx@a.example;X;Y\n"},
			{method: "GET", route: "/api/v1/admin/users/:id", path: "/api/v1/admin/users/" + userA.ID, roles: staff},
			{method: "PATCH", route: "/api/v1/admin/users/:id", path: "/api/v1/admin/users/" + userA.ID, roles: staff, body: map[string]any{"name": "Übernommen"}},
			{method: "POST", route: "/api/v1/admin/users/:id/set-password-link", path: "/api/v1/admin/users/" + userA.ID + "/set-password-link", roles: staff},
			{method: "POST", route: "/api/v1/admin/users/:id/anonymise", path: "/api/v1/admin/users/" + userA.ID + "/anonymise", roles: admins},
			{method: "POST", route: "/api/v1/admin/users/:id/invite", path: "/api/v1/admin/users/" + userA.ID + "/invite", roles: staff},
			{method: "GET", route: "/api/v1/admin/org-units", path: "/api/v1/admin/org-units?tenant=a", roles: staff},
			{method: "POST", route: "/api/v1/admin/org-units", path: "/api/v1/admin/org-units?tenant=a", roles: staff, body: map[string]any{"path": "Fremd"}},
			{method: "PATCH", route: "/api/v1/admin/org-units/:id", path: "/api/v1/admin/org-units/" + unitA, roles: staff, body: map[string]any{"name": "Umbenannt"}},
			{method: "DELETE", route: "/api/v1/admin/org-units/:id", path: "/api/v1/admin/org-units/" + unitA, roles: staff},
			{method: "GET", route: "/api/v1/admin/tenant", path: "/api/v1/admin/tenant?tenant=a", roles: admins},
			{method: "PATCH", route: "/api/v1/admin/tenant", path: "/api/v1/admin/tenant?tenant=a", roles: admins, body: map[string]any{"name": "Übernommen"}},
			{method: "GET", route: "/api/v1/admin/audit", path: "/api/v1/admin/audit?tenant=a", roles: admins},
			{method: "GET", route: "/api/v1/operator/tenants", path: "/api/v1/operator/tenants", roles: []model.Role{model.RoleOperator}, tenantless: "operators only"},
			{method: "POST", route: "/api/v1/operator/tenants", path: "/api/v1/operator/tenants", roles: []model.Role{model.RoleOperator}, tenantless: "operators only", body: map[string]any{"slug": "c", "name": "C"}},
			{method: "GET", route: "/api/v1/operator/tenants/:slug", path: "/api/v1/operator/tenants/a", roles: []model.Role{model.RoleOperator}, tenantless: "operators only"},
			{method: "GET", route: "/api/v1/operator/reports/compliance", path: "/api/v1/operator/reports/compliance?course=basis", roles: []model.Role{model.RoleOperator}, tenantless: "operators only, aggregates"},
			{method: "PATCH", route: "/api/v1/operator/tenants/:slug", path: "/api/v1/operator/tenants/a", roles: []model.Role{model.RoleOperator}, tenantless: "operators only", body: map[string]any{"name": "X"}},
		}

		covered := map[string]bool{}
		for _, c := range cases {
			covered[c.method+" "+c.route] = true
		}
		for _, r := range e.Srv.App.GetRoutes(true) {
			if strings.HasPrefix(r.Path, "/api") && r.Method != "HEAD" && !covered[r.Method+" "+r.Path] {
				t.Errorf("route %s %s is missing from the isolation walk", r.Method, r.Path)
			}
		}

		tokenB, tokenHRB, tokenLearnerA := e.Token(adminB.Email), e.Token(hrB.Email), e.Token(learnerA.Email)
		for _, c := range cases {
			name := c.method + " " + c.route
			if c.public {
				continue
			}
			if c.tenantless == "" {
				// Another municipality's admin and hr see nothing of tenant A.
				for who, tok := range map[string]string{"admin of b": tokenB, "hr of b": tokenHRB} {
					if !hasAnyRole(c.roles, who) {
						continue
					}
					if r := e.Do(c.method, c.path, tok, c.body); r.StatusCode != 404 {
						t.Errorf("%s as %s: %d, want 404: %s", name, who, r.StatusCode, r.Body)
					}
				}
			}
			if c.roles != nil && !contains(c.roles, model.RoleLearner) {
				if r := e.Do(c.method, c.path, tokenLearnerA, c.body); r.StatusCode != 403 {
					t.Errorf("%s as learner: %d, want 403", name, r.StatusCode)
				}
			}
		}

		// The same GET requests by tenant A's admin succeed, so the 404s above are isolation,
		// not broken routes.
		tokenA := e.Token(adminA.Email)
		for _, c := range cases {
			if c.method == "GET" && c.tenantless == "" && !c.public {
				if r := e.Do("GET", c.path, tokenA, nil); r.StatusCode != 200 {
					t.Errorf("%s as admin of a: %d: %s", c.route, r.StatusCode, r.Body)
				}
			}
		}
		// Without ?tenant=, lists show only the caller's own municipality.
		var usersB []model.User
		e.Do("GET", "/api/v1/admin/users", tokenB, nil).JSON(t, &usersB)
		for _, u := range usersB {
			if strings.HasSuffix(u.Email, "@a.example") {
				t.Errorf("admin of b sees %s", u.Email)
			}
		}
		if len(usersB) != 2 {
			t.Errorf("admin of b sees %d users, want 2", len(usersB))
		}
		// A missing id answers exactly like a foreign one.
		r := e.Do("GET", "/api/v1/admin/users/00000000-0000-7000-8000-000000000000", tokenB, nil)
		if r := e.Do("GET", "/api/v1/admin/users/not-a-uuid", tokenB, nil); r.StatusCode != 404 {
			t.Errorf("malformed id: %d", r.StatusCode)
		}
		foreign := e.Do("GET", "/api/v1/admin/users/"+userA.ID, tokenB, nil)
		if r.StatusCode != foreign.StatusCode || stripID(r.Body) != stripID(foreign.Body) {
			t.Errorf("missing and foreign differ:\n%s\n%s", r.Body, foreign.Body)
		}
	})
}

func hasAnyRole(roles []model.Role, who string) bool {
	if roles == nil {
		return true
	}
	if strings.HasPrefix(who, "admin") {
		return contains(roles, model.RoleAdmin)
	}
	return contains(roles, model.RoleHR)
}

func contains(roles []model.Role, r model.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

func stripID(body string) string {
	if i := strings.Index(body, `"request_id"`); i >= 0 {
		return body[:i]
	}
	return body
}
