package httpapi_test

import (
	"strings"
	"testing"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

// The municipality's certificate list names each holder: hr and admin get it, audited, while
// named lists are on; with them off, for operators and when the municipality's settings cannot
// be read, nobody is named.
func TestCertificateListIsANamedList(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
		ten := e.Tenant("a")
		admin := e.Token(e.User(&ten, "admin@a.example", "", model.RoleAdmin).Email)
		hr := e.Token(e.User(&ten, "hr@a.example", "", model.RoleHR).Email)
		holder := e.User(&ten, "holder@a.example", "", model.RoleLearner)
		e.PassCourse(e.Token(holder.Email), "basis")
		operator := e.Token(e.User(nil, "ops@example.org", "", model.RoleOperator).Email)

		var list []struct {
			Holder string `json:"holder_name"`
		}
		r := e.Do("GET", "/api/v1/admin/certificates", hr, nil)
		if r.StatusCode != 200 {
			t.Fatalf("hr: %d %s", r.StatusCode, r.Body)
		}
		if r.JSON(t, &list); len(list) != 1 || list[0].Holder != holder.Name {
			t.Errorf("hr's list: %s", r.Body)
		}
		if n := len(auditTrail(t, e, admin, "certificates.list")); n != 1 {
			t.Errorf("%d audit entries, want 1", n)
		}
		for _, path := range []string{"/api/v1/admin/certificates", "/api/v1/admin/certificates?tenant=a"} {
			if r := e.Do("GET", path, operator, nil); r.StatusCode != 403 || strings.Contains(r.Body, holder.Name) {
				t.Errorf("operator %s: %d %s", path, r.StatusCode, r.Body)
			}
		}

		// The municipality's settings cannot be read (here: its table is gone for a moment):
		// the request fails instead of listing names unchecked.
		db := e.Srv.Store.SQLDB()
		if _, err := db.Exec("ALTER TABLE tenants RENAME TO tenants_away"); err != nil {
			t.Fatal(err)
		}
		r = e.Do("GET", "/api/v1/admin/certificates", hr, nil)
		if _, err := db.Exec("ALTER TABLE tenants_away RENAME TO tenants"); err != nil {
			t.Fatal(err)
		}
		if r.StatusCode != 500 || strings.Contains(r.Body, holder.Name) {
			t.Errorf("without the municipality's settings: %d %s", r.StatusCode, r.Body)
		}

		if r := e.Do("PATCH", "/api/v1/admin/tenant", admin, map[string]any{"settings": map[string]any{"named_reports": false}}); r.StatusCode != 200 {
			t.Fatal(r.Body)
		}
		for who, tok := range map[string]string{"hr": hr, "admin": admin} {
			if r := e.Do("GET", "/api/v1/admin/certificates", tok, nil); r.StatusCode != 403 || !strings.Contains(r.Body, "switched off") || strings.Contains(r.Body, holder.Name) {
				t.Errorf("%s with named lists off: %d %s", who, r.StatusCode, r.Body)
			}
		}
		if n := len(auditTrail(t, e, admin, "certificates.list")); n != 1 {
			t.Errorf("%d audit entries after the refusals, want 1", n)
		}
	})
}
