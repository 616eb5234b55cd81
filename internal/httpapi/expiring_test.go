package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

func TestExpiringListShowsWhoMustRenewSoon(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
		ten := e.Tenant("a")
		admin := e.User(&ten, "admin@a.example", "", model.RoleAdmin)
		hr := e.User(&ten, "hr@a.example", "", model.RoleHR)
		done := e.User(&ten, "done@a.example", "Bauamt", model.RoleLearner)
		e.User(&ten, "open@a.example", "Bauamt", model.RoleLearner)
		tok := e.Token(hr.Email)
		if r := e.Do("POST", "/api/v1/admin/assignments", tok, map[string]any{"course": "basis", "due_in_days": 30, "recurrence": "12mo"}); r.StatusCode != 201 {
			t.Fatalf("assign: %d %s", r.StatusCode, r.Body)
		}
		e.PassCourse(e.Token(done.Email), "basis")
		var list []struct {
			Email, Course string
			ValidUntil    time.Time `json:"valid_until"`
		}
		e.Do("GET", "/api/v1/reports/expiring?days=30", tok, nil).JSON(t, &list)
		if len(list) != 0 {
			t.Errorf("nothing expires within 30 days yet: %+v", list)
		}
		// Eleven and a half months later the certificate ends within 30 days.
		e.Srv.Store.SetClock(func() time.Time { return time.Now().UTC().AddDate(0, 11, 15) })
		r := e.Do("GET", "/api/v1/reports/expiring?course=basis&days=30", tok, nil)
		r.JSON(t, &list)
		if r.StatusCode != 200 || len(list) != 1 || list[0].Email != done.Email || list[0].Course != "basis" || list[0].ValidUntil.IsZero() {
			t.Fatalf("expiring: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Do("GET", "/api/v1/reports/expiring?days=400", tok, nil); r.StatusCode != 422 || !strings.Contains(r.Body, "days") {
			t.Errorf("400 days: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Do("GET", "/api/v1/reports/expiring", e.Token(done.Email), nil); r.StatusCode != 403 {
			t.Errorf("learner: %d", r.StatusCode)
		}
		if audit := e.Do("GET", "/api/v1/admin/audit", e.Token(admin.Email), nil); !strings.Contains(audit.Body, "report.expiring") {
			t.Errorf("not audited: %s", audit.Body)
		}
		if r := e.Do("PATCH", "/api/v1/admin/tenant", e.Token(admin.Email), map[string]any{"settings": map[string]any{"named_reports": false}}); r.StatusCode != 200 {
			t.Fatal(r.Body)
		}
		if r := e.Do("GET", "/api/v1/reports/expiring", tok, nil); r.StatusCode != 403 || !strings.Contains(r.Body, "switched off") {
			t.Errorf("with named lists off: %d %s", r.StatusCode, r.Body)
		}
	})
}
