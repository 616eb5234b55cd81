package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

// auditTrail is the municipality's audit entries of one action, newest first.
func auditTrail(t *testing.T, e *testenv.Env, admin, action string) []model.AuditEntry {
	t.Helper()
	var entries []model.AuditEntry
	if r := e.Do("GET", "/api/v1/admin/audit?limit=500&action="+action, admin, nil); r.StatusCode != 200 {
		t.Fatalf("audit log: %d %s", r.StatusCode, r.Body)
	} else {
		r.JSON(t, &entries)
	}
	return entries
}

// The lists of exemptions and of manual completions (GET /admin/exemptions and
// /admin/manual-completions) name people with their reasons: with named lists on they are
// what they always were, and every answer is audited.
func TestExemptionAndCompletionListsAreAuditedNamedLists(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, _, admin, hr := exemptionsWorld(t, dialect)

		var exemptions []struct {
			UserName       string `json:"user_name"`
			Course, Reason string
			RevokedAt      *time.Time `json:"revoked_at"`
		}
		r := e.Do("GET", "/api/v1/admin/exemptions", hr, nil)
		if r.StatusCode != 200 || r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("exemptions: %d %q %s", r.StatusCode, r.Header.Get("Cache-Control"), r.Body)
		}
		r.JSON(t, &exemptions)
		var got []string
		for _, x := range exemptions {
			got = append(got, x.UserName+":"+x.Course+":"+x.Reason+":"+map[bool]string{true: "revoked", false: "active"}[x.RevokedAt != nil])
		}
		if want := "cem:zwei:Irrtum:revoked anna:basis:Elternzeit:active"; strings.Join(got, " ") != want { // newest first, none of b's
			t.Errorf("exemptions:\n got %s\nwant %s", strings.Join(got, " "), want)
		}
		var completions []struct {
			UserName     string `json:"user_name"`
			Course, Note string
		}
		r = e.Do("GET", "/api/v1/admin/manual-completions", admin, nil)
		if r.StatusCode != 200 || r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("manual completions: %d %s", r.StatusCode, r.Body)
		}
		r.JSON(t, &completions)
		got = nil
		for _, x := range completions {
			got = append(got, x.UserName+":"+x.Course+":"+x.Note)
		}
		if want := "anna:zwei:Kurs beim Landkreis bert:basis:Schulung im Rathaus"; strings.Join(got, " ") != want {
			t.Errorf("manual completions:\n got %s\nwant %s", strings.Join(got, " "), want)
		}

		// One audit entry per answer, with who asked and how many entries it held.
		for action, want := range map[string]string{"report.exemptions": "hr 2", "report.manual_completions": "admin 2"} {
			trail := auditTrail(t, e, admin, action)
			if len(trail) != 1 || trail[0].ActorName+" "+trail[0].Details["entries"] != want || trail[0].Target != "" {
				t.Errorf("%s: %+v, want one entry by %s", action, trail, want)
			}
		}
		e.Do("GET", "/api/v1/admin/exemptions", hr, nil)
		if n := len(auditTrail(t, e, admin, "report.exemptions")); n != 2 {
			t.Errorf("%d audit entries after two lists", n)
		}

		// They are admin routes: an HR system's key, even with reports:named, takes the list
		// across courses (GET /reports/exemptions-and-completions) instead.
		key := createKey(t, e, admin, "/api/v1/admin/api-keys", map[string]any{"name": "LOGA", "scopes": []string{"reports:named"}}).Key
		for _, path := range []string{"/api/v1/admin/exemptions", "/api/v1/admin/manual-completions"} {
			if r := e.Do("GET", path, key, nil); r.StatusCode != 403 || strings.Contains(r.Body, "Elternzeit") {
				t.Errorf("key on %s: %d", path, r.StatusCode)
			}
		}
	})
}

// With named lists switched off the lists are refused with a problem saying so, and nothing is
// audited as viewed; recording and revoking remain, and are audited as before.
func TestExemptionAndCompletionListsWhileNamedListsAreOff(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e, a, admin, hr := exemptionsWorld(t, dialect)
		if r := e.Do("PATCH", "/api/v1/admin/tenant", admin, map[string]any{"settings": map[string]any{"named_reports": false}}); r.StatusCode != 200 {
			t.Fatal(r.Body)
		}
		for _, token := range []string{hr, admin} {
			for _, path := range []string{"/api/v1/admin/exemptions", "/api/v1/admin/manual-completions"} {
				r := e.Do("GET", path, token, nil)
				if r.StatusCode != 403 || !strings.Contains(r.Header.Get("Content-Type"), "problem+json") ||
					!strings.Contains(r.Body, "named lists are switched off in this municipality's settings") {
					t.Errorf("%s while named lists are off: %d %s", path, r.StatusCode, r.Body)
				}
				for _, named := range []string{"anna", "Elternzeit", "Rathaus"} {
					if strings.Contains(r.Body, named) {
						t.Errorf("%s names %q while named lists are off", path, named)
					}
				}
			}
		}
		for _, action := range []string{"report.exemptions", "report.manual_completions"} {
			if n := len(auditTrail(t, e, admin, action)); n != 0 {
				t.Errorf("%d refused lists audited as %s", n, action)
			}
		}

		// Recording and revoking are acts, not views: still there for hr and admin, audited.
		dora := e.User(&a, "dora@a.example", "Amt", model.RoleLearner)
		r := e.Do("POST", "/api/v1/admin/exemptions", hr, map[string]any{"user_id": dora.ID, "course": "basis", "reason": "Sonderurlaub"})
		var created struct{ ID string }
		if r.StatusCode != 201 {
			t.Fatalf("exempt while named lists are off: %d %s", r.StatusCode, r.Body)
		}
		r.JSON(t, &created)
		if r := e.Do("DELETE", "/api/v1/admin/exemptions/"+created.ID, admin, nil); r.StatusCode != 204 {
			t.Errorf("revoke while named lists are off: %d %s", r.StatusCode, r.Body)
		}
		yesterday := time.Now().In(model.Berlin).AddDate(0, 0, -1).Format(time.DateOnly)
		r = e.Do("POST", "/api/v1/admin/manual-completions", hr, map[string]any{"user_id": dora.ID, "course": "basis", "completed_on": yesterday, "note": "Rathaus"})
		if r.StatusCode != 201 {
			t.Fatalf("manual completion while named lists are off: %d %s", r.StatusCode, r.Body)
		}
		r.JSON(t, &created)
		if r := e.Do("DELETE", "/api/v1/admin/manual-completions/"+created.ID, hr, nil); r.StatusCode != 204 {
			t.Errorf("revoke the manual completion while named lists are off: %d %s", r.StatusCode, r.Body)
		}
		for _, action := range []string{"exemption.create", "exemption.revoke", "completion.manual", "completion.manual_revoke"} {
			if trail := auditTrail(t, e, admin, action); len(trail) == 0 || !strings.Contains(trail[0].Target, "dora") {
				t.Errorf("%s not audited: %+v", action, trail)
			}
		}

		// Switched on again, the lists are back, the new entries included.
		if r := e.Do("PATCH", "/api/v1/admin/tenant", admin, map[string]any{"settings": map[string]any{"named_reports": true}}); r.StatusCode != 200 {
			t.Fatal(r.Body)
		}
		if r := e.Do("GET", "/api/v1/admin/exemptions", hr, nil); r.StatusCode != 200 || !strings.Contains(r.Body, "Sonderurlaub") {
			t.Errorf("named lists on again: %d %s", r.StatusCode, r.Body)
		}
	})
}
