package httpapi_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/testenv"
)

func TestAnonymisingRemovesWhatNamesAPerson(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
		ten := e.Tenant("a")
		admin := e.User(&ten, "admin@a.example", "", model.RoleAdmin)
		hr := e.User(&ten, "hr@a.example", "", model.RoleHR)
		leaver := e.User(&ten, "lena.fischer@a.example", "Bürgeramt", model.RoleLearner)
		tok := e.Token(admin.Email)
		certID := e.PassCourse(e.Token(leaver.Email), "basis")
		var cert struct{ Code string }
		var certs []struct {
			ID   string `json:"id"`
			Code string `json:"code"`
		}
		e.Do("GET", "/api/v1/me/certificates", e.Token(leaver.Email), nil).JSON(t, &certs)
		for _, c := range certs {
			if c.ID == certID {
				cert.Code = c.Code
			}
		}
		// Entries about her that name her: an assignment to her alone, an exemption with a
		// reason, an in-person completion with a note, her certificate downloaded.
		hrTok := e.Token(hr.Email)
		for _, c := range []struct {
			path string
			body map[string]any
		}{
			{"/api/v1/admin/assignments", map[string]any{"course": "basis", "user_id": leaver.ID, "due_in_days": 30}},
			{"/api/v1/admin/exemptions", map[string]any{"user_id": leaver.ID, "course": "basis", "reason": "Mutterschutz"}},
			{"/api/v1/admin/manual-completions", map[string]any{"user_id": leaver.ID, "course": "basis", "completed_on": time.Now().AddDate(0, 0, -1).Format(time.DateOnly), "note": "Präsenzschulung bei Frau Fischer"}},
		} {
			if r := e.Do("POST", c.path, hrTok, c.body); r.StatusCode != 201 {
				t.Fatalf("%s: %d %s", c.path, r.StatusCode, r.Body)
			}
		}
		if r := e.Do("GET", "/api/v1/certificates/"+certID+"/pdf", e.Token(leaver.Email), nil); r.StatusCode != 200 {
			t.Fatalf("certificate pdf: %d", r.StatusCode)
		}
		path := "/api/v1/admin/users/" + leaver.ID + "/anonymise"
		if r := e.Do("POST", path, tok, nil); r.StatusCode != 409 || !strings.Contains(r.Body, "deactivate") {
			t.Fatalf("anonymising an active user: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Do("PATCH", "/api/v1/admin/users/"+leaver.ID, tok, map[string]any{"active": false}); r.StatusCode != 200 {
			t.Fatalf("deactivate: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Do("POST", path, e.Token(hr.Email), nil); r.StatusCode != 403 {
			t.Errorf("hr may not anonymise: %d", r.StatusCode)
		}
		r := e.Do("POST", path, tok, nil)
		var u model.User
		r.JSON(t, &u)
		if r.StatusCode != 200 || u.Name != "—" || strings.Contains(u.Email, "fischer") || u.EmployeeNumber != "" || u.AnonymisedAt == nil || u.OrgUnitPath != "Bürgeramt" {
			t.Fatalf("anonymised user: %d %s", r.StatusCode, r.Body)
		}
		// Nothing names her any more: not the audit log, not the certificate's verification.
		if audit := e.Do("GET", "/api/v1/admin/audit?limit=500", tok, nil); strings.Contains(strings.ToLower(audit.Body), "fischer") ||
			strings.Contains(audit.Body, "Mutterschutz") || !strings.Contains(audit.Body, "user.anonymise") || !strings.Contains(audit.Body, "exemption.create") {
			t.Errorf("audit log after anonymising:\n%s", audit.Body)
		}
		if v := e.Do("GET", "/api/v1/verify/"+cert.Code, "", nil); v.StatusCode != 200 || strings.Contains(v.Body, "lena") || !strings.Contains(v.Body, "—") {
			t.Errorf("verification: %d %s", v.StatusCode, v.Body)
		}
		if l := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"email": leaver.Email, "password": testenv.Password}); l.StatusCode != 401 {
			t.Errorf("login after anonymising: %d", l.StatusCode)
		}
		// Her progress still counts in the course statistics' numbers (the rows stay).
		if again := e.Do("POST", path, tok, nil); again.StatusCode != 200 {
			t.Errorf("anonymising twice: %d %s", again.StatusCode, again.Body)
		}
	})
}

func TestRetentionAnonymisesAfterTheTenantsPeriod(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.New(t, dialect, nil)
		short, never := e.Tenant("kurz"), e.Tenant("nie")
		ctx := context.Background()
		adminShort := e.User(&short, "admin@kurz.example", "", model.RoleAdmin)
		adminNever := e.User(&never, "admin@nie.example", "", model.RoleAdmin)
		if r := e.Do("PATCH", "/api/v1/admin/tenant", e.Token(adminShort.Email), map[string]any{"settings": map[string]any{"retention_days": 10}}); r.StatusCode != 422 || !strings.Contains(r.Body, "retention_days") {
			t.Errorf("retention of 10 days accepted: %d %s", r.StatusCode, r.Body)
		}
		for tok, days := range map[string]int{e.Token(adminShort.Email): 30, e.Token(adminNever.Email): 0} {
			if r := e.Do("PATCH", "/api/v1/admin/tenant", tok, map[string]any{"settings": map[string]any{"retention_days": days}}); r.StatusCode != 200 {
				t.Fatalf("set retention: %d %s", r.StatusCode, r.Body)
			}
		}
		gone := e.User(&short, "gone@kurz.example", "", model.RoleLearner)
		stays := e.User(&short, "stays@kurz.example", "", model.RoleLearner)
		kept := e.User(&never, "kept@nie.example", "", model.RoleLearner)
		for tok, id := range map[string]string{e.Token(adminShort.Email): gone.ID, e.Token(adminNever.Email): kept.ID} {
			if r := e.Do("PATCH", "/api/v1/admin/users/"+id, tok, map[string]any{"active": false}); r.StatusCode != 200 {
				t.Fatal(r.Body)
			}
		}
		now := time.Now()
		if n, err := e.Srv.Identity.ApplyRetention(ctx, now.AddDate(0, 0, 29)); err != nil || n != 0 {
			t.Fatalf("before the period: %d %v", n, err)
		}
		if n, err := e.Srv.Identity.ApplyRetention(ctx, now.AddDate(0, 0, 31)); err != nil || n != 1 {
			t.Fatalf("after the period: %d %v", n, err)
		}
		if n, err := e.Srv.Identity.ApplyRetention(ctx, now.AddDate(5, 0, 0)); err != nil || n != 0 {
			t.Fatalf("again, years later: %d %v (retention 0 must keep people)", n, err)
		}
		check := func(id string, tenant model.Tenant, anonymised bool) {
			var u model.User
			tok := e.Token(adminShort.Email)
			if tenant.ID == never.ID {
				tok = e.Token(adminNever.Email)
			}
			e.Do("GET", "/api/v1/admin/users/"+id, tok, nil).JSON(t, &u)
			if (u.AnonymisedAt != nil) != anonymised {
				t.Errorf("%s: anonymised %v, want %v", u.Email, u.AnonymisedAt != nil, anonymised)
			}
		}
		check(gone.ID, short, true)
		check(stays.ID, short, false)
		check(kept.ID, never, false)
	})
}

// Two people of the same name: anonymising one leaves the other's audit entries whole.
func TestAnonymisingSparesNamesakes(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, dialect string) {
		e := testenv.WithCourses(t, dialect, nil, testenv.CourseTree(nil))
		ten := e.Tenant("a")
		admin := e.User(&ten, "admin@a.example", "", model.RoleAdmin)
		one := e.User(&ten, "thomas.mueller@a.example", "", model.RoleLearner)
		two := e.User(&ten, "thomas.mueller@zwei.example", "", model.RoleLearner) // the same name
		tok := e.Token(admin.Email)
		e.Do("POST", "/api/v1/admin/assignments", tok, map[string]any{"course": "basis", "due_in_days": 30})
		for u, reason := range map[string]string{one.ID: "Elternzeit", two.ID: "Langzeiterkrankung"} {
			if r := e.Do("POST", "/api/v1/admin/exemptions", tok, map[string]any{"user_id": u, "course": "basis", "reason": reason}); r.StatusCode != 201 {
				t.Fatalf("exempt: %d %s", r.StatusCode, r.Body)
			}
		}
		e.Do("PATCH", "/api/v1/admin/users/"+one.ID, tok, map[string]any{"active": false})
		if r := e.Do("POST", "/api/v1/admin/users/"+one.ID+"/anonymise", tok, nil); r.StatusCode != 200 {
			t.Fatalf("anonymise: %d %s", r.StatusCode, r.Body)
		}
		var audit []model.AuditEntry
		e.Do("GET", "/api/v1/admin/audit?limit=500", tok, nil).JSON(t, &audit)
		var targets []string
		for _, a := range audit {
			if a.Action == "exemption.create" {
				targets = append(targets, a.Target+" "+a.Details["user_id"])
			}
			// Reasons stay out of the audit log altogether (they follow the named-list rules).
			for _, v := range a.Details {
				if strings.Contains(v, "Elternzeit") || strings.Contains(v, "Langzeiterkrankung") {
					t.Errorf("a reason in the audit log: %+v", a)
				}
			}
		}
		slices.Sort(targets)
		if len(targets) != 2 || targets[0] != "anonymised:"+one.ID+" " || targets[1] != "basis → "+two.Name+" "+two.ID {
			t.Errorf("exemption entries after anonymising one of two namesakes: %q", targets)
		}
	})
}
